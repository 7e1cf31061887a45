import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILT_WORKER, SCENES } from "../../helpers/paths.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, type TestService } from "../../helpers/service.js";

// /metrics after a real job (the built worker on a fixture scene): Prometheus finds the job counted, its
// scenes, its duration, the bytes the worker wrote, and the requests by route.

let sandbox: Sandbox;
let service: TestService;

beforeAll(async () => {
  sandbox = await createSandbox({ scenes: [SCENES.l1] });
  service = createTestService(sandbox, { worker: BUILT_WORKER });
  await service.jobs.start();
});

afterAll(async () => {
  service.jobs.stop();
  await sandbox.remove();
});

/** The value of one series in Prometheus text format, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("/metrics", () => {
  it("counts a real job, its scenes, its duration and bytes, and the requests by route", async () => {
    const submitted = await request(service.app)
      .post("/agricarta/preprocessing")
      .set("content-type", "application/json")
      .send(
        JSON.stringify({ imagery_list: [SCENES.l1.id, SCENES.missing.id], resolution: 600, product: "toa" }),
      );
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.jobID as string;
    await expect
      .poll(async () => (await request(service.app).get(`/agricarta/preprocessing/${jobId}`)).body.status, {
        timeout: 60_000,
      })
      .toBe("failed"); // one scene missing: the job ends failed, the found scene published
    // The service reports the end when it sees the worker exit.
    let text = "";
    await expect
      .poll(
        async () => {
          text = (await request(service.app).get("/metrics")).text;
          return sample(text, 'agricarta_jobs_ended_total{process="preprocessing",status="failed"}');
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    const res = await request(service.app).get("/metrics");
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    text = res.text;
    expect(sample(text, 'agricarta_scenes_total{status="successful"}')).toBe(1);
    expect(sample(text, 'agricarta_scenes_total{status="failed"}')).toBe(1);
    expect(sample(text, "agricarta_scene_duration_seconds_count")).toBe(1);
    expect(
      sample(text, 'agricarta_job_duration_seconds_count{process="preprocessing",status="failed"}'),
    ).toBe(1);
    expect(sample(text, "agricarta_output_bytes_total")).toBeGreaterThan(10_000);
    expect(sample(text, 'agricarta_jobs{status="failed"}')).toBe(1);
    expect(sample(text, 'agricarta_jobs{status="running"}')).toBe(0);
    expect(sample(text, "agricarta_queue_depth")).toBe(0);
    expect(sample(text, "agricarta_running_workers")).toBe(0);
    expect(sample(text, "agricarta_running_jobs")).toBe(0);
    expect(sample(text, "agricarta_leader")).toBe(1);
    expect(
      sample(
        text,
        'agricarta_http_requests_total{method="POST",route="/agricarta/preprocessing",status="202"}',
      ),
    ).toBe(1);
    // Job ids never become label values: the route pattern does.
    expect(text).toContain('route="/agricarta/preprocessing/:jobId"');
    expect(text).not.toContain(jobId);
    expect(text).toMatch(/agricarta_http_request_duration_seconds_bucket\{le="0.1",method="POST"/);
  }, 90_000);
});
