import { CoordinationV1Api, type KubeConfig, type V1Lease } from "@kubernetes/client-node";
import type { Logger } from "../../logging/create-logger.js";
import { kubernetesMessage, statusCodeOf } from "./kubernetes-errors.js";
import { leaseRecord, microTime, type LeaseRecord } from "./lease-record.js";
import { withTimeout } from "./request-timeout.js";

// Leader election among the API replicas on a coordination.k8s.io/v1 Lease, after client-go's leaderelection: each
// replica reads the Lease every renew period; the holder writes a new renewTime, the others take the Lease once it
// is free or has expired. Every write carries the resourceVersion it read, so of two replicas racing for the Lease
// one wins and the other gets a 409. Expiry is judged on this replica's clock only, from when it saw the Lease
// last change, never from the other replica's renewTime: the replicas' clocks need not agree.

export interface LeaderLeaseOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly name: string;
  /** This replica in the Lease's holderIdentity: its pod's name (POD_NAME), or host name and process id. */
  readonly identity: string;
  /** How long a holder that stops renewing keeps the Lease; whole seconds on the Lease (rounded up). */
  readonly leaseDurationMs: number;
  /** How often the holder renews and the others try to acquire; well under leaseDurationMs. */
  readonly renewPeriodMs: number;
  readonly logger: Logger;
  readonly now?: () => Date;
  /**
   * Whether stop() gives the Lease up (the default): false leaves it held until it expires, as a replica that
   * crashed does (client-go's ReleaseOnCancel; tests use it to play a crash).
   */
  readonly releaseOnStop?: boolean;
}

export interface LeaderCallbacks {
  /** This replica holds the Lease: start the work only the leader does. */
  onStartedLeading(): void;
  /** It no longer does (could not renew within the lease duration, or another took it): stop that work now. */
  onStoppedLeading(): void;
}

/** What the last read or write of the Lease said, and when this replica saw it change (its clock). */
interface Observed extends LeaseRecord {
  readonly at: number;
}

/** One try: the Lease is ours now; another holds it; or the API could not be asked (try again next period). */
type Attempt = "held" | "taken" | "failed";

export class LeaderLease {
  readonly #options: LeaderLeaseOptions;
  readonly #api: Pick<
    CoordinationV1Api,
    "readNamespacedLease" | "createNamespacedLease" | "replaceNamespacedLease"
  >;
  readonly #now: () => Date;
  readonly #log: Logger;
  #callbacks: LeaderCallbacks | undefined;
  #running = false;
  #leading = false;
  #observed: Observed | undefined;
  /** When the last successful renewal was sent: the leader leads until this plus the lease duration. */
  #renewedAt = 0;
  #next: NodeJS.Timeout | undefined;
  #deadline: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(options: LeaderLeaseOptions) {
    if (options.renewPeriodMs >= options.leaseDurationMs) {
      throw new RangeError("the renew period must be shorter than the lease duration");
    }
    this.#options = options;
    this.#api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.#now = options.now ?? (() => new Date());
    this.#log = options.logger.child({ lease: `${options.namespace}/${options.name}` });
  }

  /**
   * Starts trying; calls onStartedLeading once it holds the lease, onStoppedLeading if it loses it (cannot renew
   * within the lease duration, or another took it), and goes on trying as a follower after that. Once only.
   */
  start(callbacks: LeaderCallbacks): void {
    if (this.#callbacks !== undefined) throw new Error("the leader lease was started already");
    this.#callbacks = callbacks;
    this.#running = true;
    this.#schedule(0);
  }

  /** Whether this replica leads: it holds the Lease, renewed within the lease duration. */
  get isLeader(): boolean {
    return this.#leading && this.#now().getTime() < this.#renewedAt + this.#options.leaseDurationMs;
  }

  /** The current holder as last seen (for logs and /readyz). */
  get holder(): string | undefined {
    return this.#observed?.holder;
  }

  /**
   * Stops trying; a leader releases the lease (holderIdentity cleared) so another takes over at once. Calls no
   * callback: the caller knows it stops.
   */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#next);
    await this.#inFlight;
    clearTimeout(this.#deadline);
    const wasLeading = this.#leading;
    this.#leading = false;
    if (wasLeading && this.#options.releaseOnStop !== false) await this.#release();
  }

  #schedule(delayMs: number): void {
    this.#next = setTimeout(() => {
      const started = this.#now().getTime();
      this.#inFlight = this.#attempt()
        .catch((error: unknown) => this.#log.error({ err: error }, "leader election attempt failed"))
        .finally(() => {
          this.#inFlight = undefined;
          if (this.#running) {
            this.#schedule(Math.max(0, started + this.#options.renewPeriodMs - this.#now().getTime()));
          }
        });
    }, delayMs);
    this.#next.unref();
  }

  async #attempt(): Promise<void> {
    const sent = this.#now().getTime();
    const attempt = await this.#tryAcquireOrRenew(new Date(sent));
    if (attempt === "held") {
      this.#renewedAt = sent;
      this.#armDeadline();
      if (!this.#leading) {
        this.#leading = true;
        // A stop() that came meanwhile releases the Lease at once; nothing was started.
        if (!this.#running) return;
        this.#log.info({ identity: this.#options.identity }, "leading: holds the lease");
        this.#call("onStartedLeading");
      }
    } else if (attempt === "taken" && this.#leading) {
      this.#stopLeading(`${this.holder} holds the lease now`);
    }
  }

  /** A leader that cannot renew leads until its last renewal plus the lease duration, not a moment longer. */
  #armDeadline(): void {
    clearTimeout(this.#deadline);
    const remaining = this.#renewedAt + this.#options.leaseDurationMs - this.#now().getTime();
    this.#deadline = setTimeout(() => {
      const seconds = Math.round(this.#options.leaseDurationMs / 1000);
      this.#stopLeading(`could not renew the lease for ${seconds} s`);
    }, remaining);
    this.#deadline.unref();
  }

  #stopLeading(why: string): void {
    if (!this.#leading) return;
    this.#leading = false;
    clearTimeout(this.#deadline);
    this.#log.warn({ identity: this.#options.identity, why }, "stopped leading");
    this.#call("onStoppedLeading");
  }

  #call(callback: keyof LeaderCallbacks): void {
    try {
      this.#callbacks?.[callback]();
    } catch (error) {
      this.#log.error({ err: error }, `${callback} failed`);
    }
  }

  async #tryAcquireOrRenew(now: Date): Promise<Attempt> {
    const { namespace, name, identity } = this.#options;
    let current: V1Lease;
    try {
      current = await this.#api.readNamespacedLease({ name, namespace }, this.#timeout());
    } catch (error) {
      if (statusCodeOf(error) === 404) return this.#create(now);
      return this.#failed("could not read the lease", error);
    }
    const observed = this.#observe(current);
    const spec = current.spec ?? {};
    // Ours only while this replica leads: a Lease still naming it after it stopped leading (renewals that failed, a
    // restarted container) is waited out like another's, so that no two ever lead at once.
    const ours = observed.holder === identity && this.#leading;
    if (observed.holder !== undefined && !ours && observed.at + observed.durationMs > now.getTime()) {
      return "taken";
    }
    const body: V1Lease = {
      ...current,
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: this.#durationSeconds(),
        renewTime: microTime(now),
        acquireTime: ours && spec.acquireTime !== undefined ? spec.acquireTime : microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (observed.holder === identity ? 0 : 1),
      },
    };
    try {
      const written = await this.#api.replaceNamespacedLease({ name, namespace, body }, this.#timeout());
      this.#observe(written);
      return "held";
    } catch (error) {
      // 409: another replica wrote the Lease since it was read; it is theirs, or theirs to renew.
      if (statusCodeOf(error) === 409) return "failed";
      return this.#failed(ours ? "could not renew the lease" : "could not acquire the lease", error);
    }
  }

  async #create(now: Date): Promise<Attempt> {
    const { namespace, name, identity } = this.#options;
    const body: V1Lease = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name, namespace },
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: this.#durationSeconds(),
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: 0,
      },
    };
    try {
      this.#observe(await this.#api.createNamespacedLease({ namespace, body }, this.#timeout()));
      return "held";
    } catch (error) {
      // 409: another replica created it first.
      if (statusCodeOf(error) === 409) return "failed";
      return this.#failed("could not create the lease", error);
    }
  }

  /** Gives the Lease up if it still names this replica, so that another takes it on its next try. */
  async #release(): Promise<void> {
    const { namespace, name, identity } = this.#options;
    try {
      const current = await this.#api.readNamespacedLease({ name, namespace }, this.#timeout());
      if (current.spec?.holderIdentity !== identity) return;
      const now = microTime(this.#now());
      // Without a holder: free for any replica at once (the field is left out, which clears it).
      const spec = { ...current.spec, acquireTime: now, renewTime: now };
      delete spec.holderIdentity;
      const body: V1Lease = { ...current, spec };
      this.#observe(await this.#api.replaceNamespacedLease({ name, namespace, body }, this.#timeout()));
      this.#log.info({ identity }, "released the lease");
    } catch (error) {
      this.#log.warn(
        { err: kubernetesMessage(error) },
        "could not release the lease; another replica takes it once it expires",
      );
    }
  }

  /** Notes the Lease as read or written; its observed time moves only when its spec changed. */
  #observe(lease: V1Lease): Observed {
    const record = leaseRecord(lease, this.#options.leaseDurationMs);
    const previous = this.#observed;
    const at = previous?.key === record.key ? previous.at : this.#now().getTime();
    if (record.holder !== previous?.holder) {
      this.#log.info({ holder: record.holder ?? null }, "lease holder changed");
    }
    this.#observed = { ...record, at };
    return this.#observed;
  }

  #failed(what: string, error: unknown): Attempt {
    const level = this.#leading ? "warn" : "debug";
    this.#log[level]({ err: kubernetesMessage(error) }, what);
    return "failed";
  }

  #durationSeconds(): number {
    return Math.ceil(this.#options.leaseDurationMs / 1000);
  }

  /** A call that takes longer than a renew period is as good as failed: the next try starts on time. */
  #timeout() {
    return withTimeout(this.#options.renewPeriodMs);
  }
}
