import net from "node:net";
import { CoordinationV1Api, KubeConfig, V1MicroTime, type RequestContext } from "@kubernetes/client-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LeaderLease, type LeaderLeaseOptions } from "../../src/executors/kubernetes/leader-lease.js";
import { createLogger } from "../../src/logging/create-logger.js";
import { kubeconfigYaml, startControlPlane, type ControlPlane } from "./helpers/control-plane.js";
import { NAMESPACE, deployExecutorOverlay, eventually, kubeConfigFor } from "./helpers/kube.js";

// The leader election of the API replicas against a real kube-apiserver 1.20, authenticated as the ServiceAccount
// k8s/overlays/kubernetes deploys, so the Role is shown to allow what the election does. Short leases (3 s,
// renewed every second) keep it quick; the takeover times are measured and printed.

const LEASE_MS = 3_000;
const RENEW_MS = 1_000;
/** Room for the API calls and timers of a busy two-core machine. */
const MARGIN_MS = 1_500;

let plane: ControlPlane;
let executorToken: string;
let asExecutor: KubeConfig;
let coordination: CoordinationV1Api;
const leases: LeaderLease[] = [];
const proxies: net.Server[] = [];
let leaseCount = 0;

beforeAll(async () => {
  plane = await startControlPlane();
  asExecutor = (await deployExecutorOverlay(plane)).config;
  executorToken = asExecutor.getCurrentUser()?.token ?? "";
  coordination = kubeConfigFor(plane, plane.adminToken, NAMESPACE).makeApiClient(CoordinationV1Api);
}, 120_000);

afterEach(async () => {
  await Promise.all(leases.splice(0).map((lease) => lease.stop()));
  for (const proxy of proxies.splice(0)) proxy.close();
});

afterAll(async () => {
  await plane?.stop();
});

interface Contender {
  readonly identity: string;
  readonly lease: LeaderLease;
  /** Every callback, with when it came (ms, this process's monotonic clock). */
  readonly events: { readonly what: "started" | "stopped"; readonly at: number }[];
}

function contender(
  identity: string,
  name: string,
  overrides: Partial<LeaderLeaseOptions> = {},
  start = true,
): Contender {
  const lease = new LeaderLease({
    kubeConfig: asExecutor,
    namespace: NAMESPACE,
    name,
    identity,
    leaseDurationMs: LEASE_MS,
    renewPeriodMs: RENEW_MS,
    logger: createLogger({ name: identity, consoleLevel: "fatal" }),
    ...overrides,
  });
  const events: Contender["events"][number][] = [];
  if (start) {
    lease.start({
      onStartedLeading: () => events.push({ what: "started", at: performance.now() }),
      onStoppedLeading: () => events.push({ what: "stopped", at: performance.now() }),
    });
  }
  leases.push(lease);
  return { identity, lease, events };
}

const freshName = () => `agricarta-leader-${++leaseCount}`;
const leading = (c: Contender) => (c.lease.isLeader ? true : undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readLease(name: string) {
  return coordination.readNamespacedLease({ name, namespace: NAMESPACE });
}

/** The time from `since` to the contender's next onStartedLeading. */
async function takeoverMs(c: Contender, since: number, timeoutMs: number): Promise<number> {
  const event = await eventually(
    () => c.events.find((e) => e.what === "started" && e.at >= since),
    `${c.identity} to lead`,
    timeoutMs,
  );
  return event.at - since;
}

describe("LeaderLease", () => {
  it("creates the Lease with MicroTime the 1.20 server accepts: six fractional digits on the wire", async () => {
    const bodies: string[] = [];
    // The same ServiceAccount, with each request's body noted before it goes out.
    class Recording extends KubeConfig {
      override async applySecurityAuthentication(context: RequestContext): Promise<void> {
        const body = context.getBody();
        if (typeof body === "string") bodies.push(body);
        await super.applySecurityAuthentication(context);
      }
    }
    const recording = new Recording();
    recording.loadFromString(kubeconfigYaml(plane.server, executorToken, NAMESPACE));
    const name = freshName();
    const only = contender("replica-a", name, { kubeConfig: recording });
    await eventually(() => leading(only), "replica-a to lead");
    await eventually(() => (bodies.length >= 2 ? true : undefined), "a renewal");

    const micro = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
    for (const body of bodies) {
      const spec = (JSON.parse(body) as { spec: Record<string, unknown> }).spec;
      expect(spec["renewTime"]).toMatch(micro);
      expect(spec["acquireTime"]).toMatch(micro);
      expect(spec).toMatchObject({ holderIdentity: "replica-a", leaseDurationSeconds: 3 });
    }
    const stored = await readLease(name);
    expect(stored.spec).toMatchObject({
      holderIdentity: "replica-a",
      leaseDurationSeconds: 3,
      leaseTransitions: 0,
    });

    // Why it matters: a plain Date goes out with three digits, and this server refuses it.
    const refused = coordination.createNamespacedLease({
      namespace: NAMESPACE,
      body: { metadata: { name: freshName() }, spec: { holderIdentity: "x", renewTime: new Date() } },
    });
    await expect(refused).rejects.toMatchObject({ code: 400 });
  });

  it("lets one of two contenders lead; the other follows and knows who leads", async () => {
    const name = freshName();
    const a = contender("replica-a", name);
    const b = contender("replica-b", name);
    const leader = await eventually(
      () => (a.lease.isLeader ? a : b.lease.isLeader ? b : undefined),
      "a leader",
    );
    const follower = leader === a ? b : a;
    // Several renew periods: the leader keeps the Lease, the follower never takes it.
    await sleep(3 * RENEW_MS + LEASE_MS);
    expect(leader.lease.isLeader).toBe(true);
    expect(follower.lease.isLeader).toBe(false);
    expect(leader.events.map((e) => e.what)).toEqual(["started"]);
    expect(follower.events).toEqual([]);
    expect(follower.lease.holder).toBe(leader.identity);
    expect(leader.lease.holder).toBe(leader.identity);
    expect((await readLease(name)).spec).toMatchObject({
      holderIdentity: leader.identity,
      leaseTransitions: 0,
    });
  });

  it("hands over after a leader crashes (no release) once its lease has expired, not before", async () => {
    const name = freshName();
    const crashing = contender("replica-a", name, { releaseOnStop: false });
    await eventually(() => leading(crashing), "replica-a to lead");
    const other = contender("replica-b", name);
    await sleep(2 * RENEW_MS);
    expect(other.lease.isLeader).toBe(false);

    const crashedAt = performance.now();
    await crashing.lease.stop();
    expect((await readLease(name)).spec?.holderIdentity).toBe("replica-a");
    const tookMs = await takeoverMs(other, crashedAt, LEASE_MS + 3 * RENEW_MS + 10_000);
    process.stdout.write(
      `leader-lease: takeover after a crash: ${Math.round(tookMs)} ms (lease ${LEASE_MS} ms, renew ${RENEW_MS} ms)\n`,
    );
    // The follower waits out the whole lease from its last renewal (at most a renew period before the crash)...
    expect(tookMs).toBeGreaterThanOrEqual(LEASE_MS - RENEW_MS - 100);
    // ...and takes it on its first try after that.
    expect(tookMs).toBeLessThanOrEqual(LEASE_MS + RENEW_MS + MARGIN_MS);
    expect((await readLease(name)).spec).toMatchObject({ holderIdentity: "replica-b", leaseTransitions: 1 });
  });

  it("hands over within about a renew period after a clean stop, which releases the lease", async () => {
    const name = freshName();
    const leaving = contender("replica-a", name);
    await eventually(() => leading(leaving), "replica-a to lead");
    const other = contender("replica-b", name);
    await sleep(2 * RENEW_MS);

    const stoppedAt = performance.now();
    await leaving.lease.stop();
    expect(leaving.lease.isLeader).toBe(false);
    // Released: no holder, so nobody waits for it to expire.
    expect((await readLease(name)).spec?.holderIdentity).toBeUndefined();
    const tookMs = await takeoverMs(other, stoppedAt, LEASE_MS + 10_000);
    process.stdout.write(
      `leader-lease: takeover after a clean stop: ${Math.round(tookMs)} ms (renew ${RENEW_MS} ms)\n`,
    );
    expect(tookMs).toBeLessThanOrEqual(RENEW_MS + MARGIN_MS);
    expect((await readLease(name)).spec).toMatchObject({ holderIdentity: "replica-b", leaseTransitions: 1 });
    // The one that left called no callback: it knows it stopped.
    expect(leaving.events.map((e) => e.what)).toEqual(["started"]);
  });

  it("stops leading at once when another holder has taken the Lease", async () => {
    const name = freshName();
    const leader = contender("replica-a", name);
    await eventually(() => leading(leader), "replica-a to lead");
    const current = await readLease(name);
    const takenAt = performance.now();
    await coordination.replaceNamespacedLease({
      name,
      namespace: NAMESPACE,
      body: { ...current, spec: { ...current.spec, holderIdentity: "intruder" } },
    });
    await eventually(() => leader.events.find((e) => e.what === "stopped"), "replica-a to stop leading");
    expect(leader.lease.isLeader).toBe(false);
    expect(leader.lease.holder).toBe("intruder");
    const stoppedMs = (leader.events.find((e) => e.what === "stopped")?.at ?? Infinity) - takenAt;
    expect(stoppedMs).toBeLessThanOrEqual(RENEW_MS + MARGIN_MS);
    // It does not claim the Lease back while the intruder's claim stands.
    await sleep(RENEW_MS * 1.5);
    expect((await readLease(name)).spec?.holderIdentity).toBe("intruder");
  });

  it("stops leading when the Lease is deleted and made again by another holder", async () => {
    const name = freshName();
    const leader = contender("replica-a", name);
    await eventually(() => leading(leader), "replica-a to lead");
    await coordination.deleteNamespacedLease({ name, namespace: NAMESPACE });
    // Another holder, writing MicroTime as any holder must (V1MicroTime).
    await coordination.createNamespacedLease({
      namespace: NAMESPACE,
      body: {
        metadata: { name },
        spec: { holderIdentity: "replica-z", leaseDurationSeconds: 30, renewTime: new V1MicroTime() },
      },
    });
    await eventually(() => leader.events.find((e) => e.what === "stopped"), "replica-a to stop leading");
    expect(leader.lease.isLeader).toBe(false);
    expect(leader.lease.holder).toBe("replica-z");
  });

  it("stops leading when it cannot renew for the lease duration (the API out of reach)", async () => {
    const proxy = await startProxy(new URL(plane.server));
    const config = new KubeConfig();
    config.loadFromString(kubeconfigYaml(`https://127.0.0.1:${proxy.port}`, executorToken, NAMESPACE));
    const name = freshName();
    const leader = contender("replica-a", name, { kubeConfig: config });
    await eventually(() => leading(leader), "replica-a to lead");
    await sleep(RENEW_MS);

    const cutAt = performance.now();
    proxy.cut();
    await eventually(
      () => leader.events.find((e) => e.what === "stopped"),
      "replica-a to stop leading",
      LEASE_MS + 10_000,
    );
    const stoppedMs = (leader.events.find((e) => e.what === "stopped")?.at ?? Infinity) - cutAt;
    process.stdout.write(
      `leader-lease: leader gave up after ${Math.round(stoppedMs)} ms out of reach (lease ${LEASE_MS} ms)\n`,
    );
    expect(leader.lease.isLeader).toBe(false);
    // No sooner than its last renewal allows, and before any other replica could have taken the Lease.
    expect(stoppedMs).toBeGreaterThanOrEqual(LEASE_MS - RENEW_MS - 100);
    expect(stoppedMs).toBeLessThanOrEqual(LEASE_MS + 100);
  });

  it("is refused by RBAC outside the Role's namespace, and then never leads", async () => {
    const outside = contender("replica-a", freshName(), { namespace: "default" });
    await sleep(2 * RENEW_MS);
    expect(outside.lease.isLeader).toBe(false);
    expect(outside.events).toEqual([]);
  });
});

/** A TCP relay to the API server that can be cut: open connections dropped, new ones refused. */
async function startProxy(target: URL): Promise<{ port: number; cut(): void }> {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxies.push(server);
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
  };
}
