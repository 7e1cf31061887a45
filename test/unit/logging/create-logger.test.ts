import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/logging/create-logger.js";

describe("the logger", () => {
  it("redacts credentials wherever request headers are logged", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString("utf8"));
        done();
      },
    });
    const logger = createLogger({ name: "test", consoleLevel: "info", console: sink });
    const secret = "Bearer agk_very-secret";
    logger.info({ req: { method: "GET", headers: { authorization: secret, host: "x" } } }, "request");
    logger.info({ headers: { authorization: secret, "x-api-key": "agk_other" } }, "headers");
    logger.child({ requestId: "r1" }).info({ upstream: { headers: { authorization: secret } } }, "nested");
    logger.info({ authorization: secret, apiKey: "agk_third" }, "top level");
    const text = lines.join("");
    expect(lines).toHaveLength(4);
    expect(text).not.toMatch(/agk_/);
    expect(text.match(/\[redacted\]/g)).toHaveLength(6);
    expect(text).toContain('"host":"x"');
  });
});
