import { describe, expect, it } from "vitest";
import { FairQueue } from "../../../src/jobs/fair-queue.js";

// The order accepted jobs start in: FIFO within an owner, round-robin between owners.

const drain = (queue: FairQueue): string[] => {
  const order: string[] = [];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) order.push(id);
  return order;
};

describe("FairQueue", () => {
  it("is FIFO for a single owner", () => {
    const queue = new FairQueue();
    for (const id of ["a1", "a2", "a3"]) queue.push(id, "alice");
    expect(drain(queue)).toEqual(["a1", "a2", "a3"]);
  });

  it("takes turns between owners, whoever queued more or first", () => {
    const queue = new FairQueue();
    for (const id of ["a1", "a2", "a3", "a4"]) queue.push(id, "alice");
    queue.push("b1", "bob");
    queue.push("c1", "carol");
    queue.push("b2", "bob");
    expect(drain(queue)).toEqual(["a1", "b1", "c1", "a2", "b2", "a3", "a4"]);
  });

  it("puts an owner who has not started a job lately ahead of one who just did", () => {
    const queue = new FairQueue();
    queue.push("a1", "alice");
    queue.push("a2", "alice");
    expect(queue.shift()).toBe("a1");
    queue.push("b1", "bob"); // arrives after a2, but alice started a job since bob last did
    expect(drain(queue)).toEqual(["b1", "a2"]);
  });

  it("counts a start from elsewhere (an adopted worker) against its owner", () => {
    const queue = new FairQueue();
    queue.push("a1", "alice");
    queue.push("b1", "bob");
    queue.noteStart("alice");
    expect(drain(queue)).toEqual(["b1", "a1"]);
  });

  it("counts and removes waiting jobs, by owner, and ignores a job queued twice", () => {
    const queue = new FairQueue();
    queue.push("a1", "alice");
    queue.push("a1", "alice");
    queue.push("a2", "alice");
    queue.push("b1", "bob");
    expect([queue.length, queue.countOf("alice"), queue.countOf("bob"), queue.countOf("carol")]).toEqual([
      3, 2, 1, 0,
    ]);
    expect(queue.remove("a1")).toBe(true);
    expect(queue.remove("a1")).toBe(false);
    expect(queue.remove("b1")).toBe(true);
    expect(queue.has("b1")).toBe(false);
    expect(drain(queue)).toEqual(["a2"]);
    expect(queue.length).toBe(0);
  });
});
