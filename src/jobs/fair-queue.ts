// The queue of accepted jobs: FIFO within each owner, and round-robin between owners, so that one owner's
// backlog never holds back another owner's job. The next job is the oldest one of the owner who started a
// job least long ago (owners who have not started one yet first, in the order of their oldest job).

interface Queued {
  readonly jobId: string;
  /** Order of arrival, across owners. */
  readonly seq: number;
}

export class FairQueue {
  readonly #byOwner = new Map<string, Queued[]>();
  readonly #ownerOf = new Map<string, string>();
  /** When each owner last had a job started, as a count of starts. */
  readonly #lastStart = new Map<string, number>();
  #arrivals = 0;
  #starts = 0;

  get length(): number {
    return this.#ownerOf.size;
  }

  has(jobId: string): boolean {
    return this.#ownerOf.has(jobId);
  }

  /** How many of an owner's jobs are waiting. */
  countOf(owner: string): number {
    return this.#byOwner.get(owner)?.length ?? 0;
  }

  push(jobId: string, owner: string): void {
    if (this.has(jobId)) return;
    const queue = this.#byOwner.get(owner) ?? [];
    queue.push({ jobId, seq: this.#arrivals++ });
    this.#byOwner.set(owner, queue);
    this.#ownerOf.set(jobId, owner);
  }

  /** Takes the next job to start, and counts it as its owner's latest start. */
  shift(): string | undefined {
    let chosen: { owner: string; head: Queued; last: number } | undefined;
    for (const [owner, queue] of this.#byOwner) {
      const head = queue[0]!;
      const last = this.#lastStart.get(owner) ?? -1;
      if (
        chosen === undefined ||
        last < chosen.last ||
        (last === chosen.last && head.seq < chosen.head.seq)
      ) {
        chosen = { owner, head, last };
      }
    }
    if (chosen === undefined) return undefined;
    this.#take(chosen.owner, chosen.head.jobId);
    this.noteStart(chosen.owner);
    return chosen.head.jobId;
  }

  /** Counts a start for an owner that did not come from this queue (a worker adopted after a restart). */
  noteStart(owner: string): void {
    this.#lastStart.set(owner, this.#starts++);
  }

  /** Takes a job out of the queue (cancelled while waiting); false when it was not queued. */
  remove(jobId: string): boolean {
    const owner = this.#ownerOf.get(jobId);
    if (owner === undefined) return false;
    this.#take(owner, jobId);
    return true;
  }

  #take(owner: string, jobId: string): void {
    const rest = (this.#byOwner.get(owner) ?? []).filter((q) => q.jobId !== jobId);
    if (rest.length === 0) this.#byOwner.delete(owner);
    else this.#byOwner.set(owner, rest);
    this.#ownerOf.delete(jobId);
  }
}
