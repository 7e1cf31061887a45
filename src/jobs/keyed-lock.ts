// Runs one piece of work at a time per key (a job id, an owner's Idempotency-Key): a cancel cannot slip in
// between a worker's launch and its record, nor two submissions with one key create two jobs. Keys that
// nothing waits on are forgotten, so the map stays as small as the work in flight.

export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs work once every earlier work on the key has settled; resolves or rejects as the work does. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.#tails.set(key, settled);
    void settled.then(() => {
      if (this.#tails.get(key) === settled) this.#tails.delete(key);
    });
    return next;
  }

  /** How many keys have work queued or running. */
  get size(): number {
    return this.#tails.size;
  }
}
