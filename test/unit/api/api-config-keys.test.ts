import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import { REPO } from "../../helpers/paths.js";

// The config keys of the HTTP API: PUBLIC_URL, TRUST_PROXY, METRICS_AUTH, and SUBSCRIBER_URL_PREFIXES checked
// at start-up with the same rules as the callback URLs a request names.

const seedText = fs.readFileSync(path.join(REPO, "test", "fixtures", "config", "seed-config.yaml"), "utf8");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agricarta-api-config-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
const load = (...lines: string[]) => {
  const file = path.join(tmp, `config-${counter++}.yaml`);
  fs.writeFileSync(file, `${seedText}\n${lines.join("\n")}\n`);
  return loadConfig(file, {});
};

describe("PUBLIC_URL", () => {
  it("is unset by default, and kept without a trailing slash", () => {
    expect(load().publicUrl).toBeUndefined();
    expect(load("PUBLIC_URL: https://agricarta.example.org/").publicUrl).toBe(
      "https://agricarta.example.org",
    );
    expect(load("PUBLIC_URL: https://Agricarta.example.org:8443/api/").publicUrl).toBe(
      "https://agricarta.example.org:8443/api",
    );
  });

  it("must be an http(s) URL without credentials, query or fragment", () => {
    for (const bad of [
      "agricarta.example.org",
      "ftp://agricarta.example.org",
      "https://agricarta.example.org/?x=1",
      "https://agricarta.example.org/#top",
      "https://user@agricarta.example.org",
    ]) {
      expect(() => load(`PUBLIC_URL: "${bad}"`), bad).toThrow(/PUBLIC_URL/);
    }
  });
});

describe("TRUST_PROXY", () => {
  it("is false by default and takes a boolean, a hop count or addresses", () => {
    expect(load().trustProxy).toBe(false);
    expect(load("TRUST_PROXY: 1").trustProxy).toBe(1);
    expect(load("TRUST_PROXY: [loopback, 10.0.0.0/8]").trustProxy).toEqual(["loopback", "10.0.0.0/8"]);
    expect(() => load("TRUST_PROXY: maybe")).toThrow(/TRUST_PROXY/);
  });
});

describe("METRICS_AUTH", () => {
  it("asks for an API key by default; open serves /metrics to anyone", () => {
    expect(load().metricsAuth).toBe("api_key");
    expect(load("METRICS_AUTH: open").metricsAuth).toBe("open");
    expect(() => load("METRICS_AUTH: none")).toThrow(/METRICS_AUTH/);
  });
});

describe("SUBSCRIBER_URL_PREFIXES", () => {
  it("are normalised URLs", () => {
    expect(
      load('SUBSCRIBER_URL_PREFIXES: ["HTTPS://Hooks.Example.com./a/./b/"]').subscriberUrlPrefixes,
    ).toEqual(["https://hooks.example.com/a/b/"]);
  });

  it("refuse what a callback URL may not be: userinfo, other schemes, queries, encoded separators", () => {
    for (const bad of [
      "http://user@hooks.example.com/",
      "ftp://hooks.example.com/",
      "https://hooks.example.com/?x=1",
      "https://hooks.example.com/a%2fb/",
      "hooks.example.com",
    ]) {
      expect(() => load(`SUBSCRIBER_URL_PREFIXES: ["${bad}"]`), bad).toThrow(/SUBSCRIBER_URL_PREFIXES\[0\]/);
    }
  });
});
