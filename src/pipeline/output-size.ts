import type { Extent } from "./grid.js";

// MAX_OUTPUT_PIXELS: a scene's bands are measured on the job grid before anything is written, so one request
// cannot fill the shared volume with a grid far finer than its data (GDAL's free-space check sees one file only).

/** A scene whose output bands would be larger than the configured limit; the scene fails with this message. */
export class OutputTooLargeError extends Error {
  override readonly name = "OutputTooLargeError";
}

/** Throws when a band on this extent of the grid would have more than maxPixels pixels. */
export function checkOutputSize(extent: Extent, resolution: number, maxPixels: number): void {
  const width = Math.round((extent[2] - extent[0]) / resolution);
  const height = Math.round((extent[3] - extent[1]) / resolution);
  if (width * height <= maxPixels) return;
  throw new OutputTooLargeError(
    `each band would be ${width} x ${height} pixels (${(width * height).toExponential(2)}) at ${resolution} m, ` +
      `above MAX_OUTPUT_PIXELS (${maxPixels}); ask for a coarser resolution or a smaller clip`,
  );
}
