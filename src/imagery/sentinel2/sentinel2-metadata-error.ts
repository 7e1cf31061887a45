// A missing, unreadable or malformed Sentinel-2 metadata file; the message names the file and the element, so the
// scene fails with something an operator can look up in the product.

export class Sentinel2MetadataError extends Error {
  override readonly name = "Sentinel2MetadataError";
}
