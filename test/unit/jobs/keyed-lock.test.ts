import { describe, expect, it } from "vitest";
import { KeyedLock } from "../../../src/jobs/keyed-lock.js";

// One piece of work at a time per key; keys do not wait for each other; a failure does not block the next.

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("KeyedLock", () => {
  it("runs work on one key one at a time, in order", async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const work = (name: string) => async () => {
      events.push(`${name} start`);
      await tick();
      events.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([lock.run("job", work("a")), lock.run("job", work("b"))]);
    expect(results).toEqual(["a", "b"]);
    expect(events).toEqual(["a start", "a end", "b start", "b end"]);
  });

  it("lets different keys run at the same time", async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const work = (name: string) => async () => {
      events.push(`${name} start`);
      await tick();
      events.push(`${name} end`);
    };
    await Promise.all([lock.run("x", work("x")), lock.run("y", work("y"))]);
    expect(events.slice(0, 2).sort()).toEqual(["x start", "y start"]);
  });

  it("passes a failure to its caller and still runs the next work, then forgets idle keys", async () => {
    const lock = new KeyedLock();
    const failing = lock.run("job", () => Promise.reject(new Error("boom")));
    const next = lock.run("job", () => Promise.resolve("after"));
    await expect(failing).rejects.toThrow("boom");
    expect(await next).toBe("after");
    await tick();
    expect(lock.size).toBe(0);
  });
});
