import { execa } from "execa";
import { z } from "zod";

// Asks the worker entry point, in a process of its own, whether GDAL loads and whether it understands the
// configured projection: the API itself never loads GDAL.

const ProbeSchema = z.strictObject({
  gdal: z.string(),
  projection: z.strictObject({ ok: z.boolean(), detail: z.string() }).optional(),
});
export type WorkerProbe = z.infer<typeof ProbeSchema>;

export async function probeWorker(workerEntry: string, projection?: string): Promise<WorkerProbe> {
  const args = [workerEntry, "--check", ...(projection === undefined ? [] : [projection])];
  const result = await execa(process.execPath, args, { reject: false, timeout: 30_000 });
  if (result.exitCode !== 0) {
    throw new Error(
      `worker cannot start: ${(result.stderr || result.stdout || (result.shortMessage ?? "")).slice(0, 500)}`,
    );
  }
  return ProbeSchema.parse(JSON.parse(result.stdout));
}
