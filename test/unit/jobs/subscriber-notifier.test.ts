import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StatusDocument } from "../../../src/jobs/status-document.js";
import { SubscriberNotifier } from "../../../src/jobs/subscriber-notifier.js";
import { createAccepted } from "../../../src/jobs/transitions.js";
import { createLogger } from "../../../src/logging/create-logger.js";

// How callbacks are sent: once per job and event, retried with a growing wait, each attempt bounded by a
// timeout, given up after the last attempt. The receiver is an HTTP server in this process.

type Answer = (res: http.ServerResponse) => void;

let server: http.Server;
let base: string;
let answers: Answer[];
let received: { path: string; body: string; at: number }[];

beforeEach(async () => {
  answers = [];
  received = [];
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body, at: Date.now() });
      (answers.shift() ?? ((r) => r.writeHead(204).end()))(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const doc: StatusDocument = createAccepted("0190a5c2-1b2c-7d3e-8f40-123456789abc", [], new Date());
const notifier = (options: { attempts?: number; timeoutMs?: number; backoffMs?: number } = {}) =>
  new SubscriberNotifier({
    logger: createLogger({ name: "test", consoleLevel: "fatal" }),
    statusInfo: (d: StatusDocument) => ({ jobID: d.jobID, status: d.status }),
    attempts: 3,
    timeoutMs: 1_000,
    backoffMs: 50,
    ...options,
  });
const status =
  (code: number): Answer =>
  (res) =>
    res.writeHead(code).end();

describe("SubscriberNotifier", () => {
  it("posts the statusInfo to the event's URL, once per job and event", async () => {
    const sender = notifier();
    const subscriber = { successUri: `${base}/done`, failedUri: `${base}/failed` };
    sender.notify(subscriber, doc, "success");
    sender.notify(subscriber, doc, "success");
    await sender.settled();
    expect(received).toEqual([
      {
        path: "/done",
        body: JSON.stringify({ jobID: doc.jobID, status: "accepted" }),
        at: expect.any(Number),
      },
    ]);
  });

  it("sends nothing for an event the subscriber gave no URL for", async () => {
    const sender = notifier();
    sender.notify({ successUri: `${base}/done` }, doc, "inProgress");
    sender.notify(undefined, doc, "failed");
    await sender.settled();
    expect(received).toEqual([]);
  });

  it("retries a refused callback, waiting longer each time, until it is taken", async () => {
    answers.push(status(500), status(503));
    const sender = notifier({ attempts: 4, backoffMs: 100 });
    sender.notify({ successUri: `${base}/done` }, doc, "success");
    await sender.settled();
    expect(received).toHaveLength(3);
    const [first, second, third] = received.map((r) => r.at);
    expect(second! - first!).toBeGreaterThanOrEqual(90); // backoff x 1
    expect(third! - second!).toBeGreaterThanOrEqual(190); // backoff x 2
  });

  it("gives up after the last attempt", async () => {
    answers.push(status(500), status(500), status(500), status(500));
    const sender = notifier({ attempts: 2 });
    sender.notify({ failedUri: `${base}/failed` }, doc, "failed");
    await sender.settled();
    expect(received).toHaveLength(2);
  });

  it("bounds each attempt with the timeout, then tries again", async () => {
    const hang: Answer = () => undefined; // never answers
    answers.push(hang, hang);
    const sender = notifier({ attempts: 2, timeoutMs: 200, backoffMs: 10 });
    const started = Date.now();
    sender.notify({ successUri: `${base}/slow` }, doc, "success");
    await sender.settled();
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("does not follow a redirect: it counts as a failed attempt", async () => {
    answers.push((res) => res.writeHead(307, { location: `${base}/elsewhere` }).end());
    const sender = notifier({ attempts: 2 });
    sender.notify({ successUri: `${base}/done` }, doc, "success");
    await sender.settled();
    expect(received.map((r) => r.path)).toEqual(["/done", "/done"]);
  });
});
