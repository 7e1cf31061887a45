// A missing, unreadable or malformed RADARSAT-2 product file (product.xml, a LUT, an image the product lists); the
// message names the file and the element, so the scene fails with something an operator can look up.

export class Radarsat2MetadataError extends Error {
  override readonly name = "Radarsat2MetadataError";
}
