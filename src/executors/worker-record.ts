import { z } from "zod";

// worker.json: which worker runs a job, written by the job service once an executor has started it.

/** Which worker runs a job; written when the executor has started it. */
export const WorkerRecordSchema = z.discriminatedUnion("executor", [
  /** A detached process group on one machine. */
  z.strictObject({
    executor: z.literal("local"),
    pid: z.number().int().positive(),
    host: z.string(),
    startedAt: z.iso.datetime(),
  }),
  /** A batch/v1 Job; uid tells it from a later Job of the same name. */
  z.strictObject({
    executor: z.literal("kubernetes"),
    namespace: z.string().min(1),
    name: z.string().min(1),
    uid: z.string().min(1),
    startedAt: z.iso.datetime(),
  }),
]);
export type WorkerRecord = z.infer<typeof WorkerRecordSchema>;
