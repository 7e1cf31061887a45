// GDAL's resampling methods a job may ask for. Kept free of GDAL itself: the API validates requests with it.

export const RESAMPLING_METHODS = [
  "near",
  "bilinear",
  "cubic",
  "cubicspline",
  "lanczos",
  "average",
  "mode",
] as const;
export type Resampling = (typeof RESAMPLING_METHODS)[number];

/** Continuous bands default to bilinear; QA bands are always nearest, never interpolated. */
export const DEFAULT_RESAMPLING: Resampling = "bilinear";
