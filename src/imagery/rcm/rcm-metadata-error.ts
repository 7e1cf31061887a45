// A missing, unreadable or malformed RCM product file (product.xml, a LUT, a noise-level file, an image the
// product lists); the message names the file and the element, so the scene fails with something an operator can
// look up.

export class RcmMetadataError extends Error {
  override readonly name = "RcmMetadataError";
}
