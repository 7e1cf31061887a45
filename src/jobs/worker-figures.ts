import { z } from "zod";

/** figures.json: what a worker measured, left in the job directory for the API's metrics. */
export const WorkerFiguresSchema = z.strictObject({
  /** Seconds each successfully processed scene took, by scene id. */
  sceneSeconds: z.record(z.string(), z.number().nonnegative()),
  /** Bytes of the published outputs. */
  bytesWritten: z.number().int().nonnegative(),
});
export type WorkerFigures = z.infer<typeof WorkerFiguresSchema>;
