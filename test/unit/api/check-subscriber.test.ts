import { describe, expect, it } from "vitest";
import { checkSubscriber } from "../../../src/api/ogc/check-subscriber.js";
import { ValidationProblem } from "../../../src/api/problems.js";

// Subscriber callback URLs against SUBSCRIBER_URL_PREFIXES: parsed as URLs and compared by scheme, host, port
// and whole path segments, never as strings.

const ALLOWED = ["http://127.0.0.1:8080/allowed/", "https://hooks.example.com"];

const verdict = (url: string): "allowed" | "refused" => {
  try {
    checkSubscriber({ successUri: url }, ALLOWED);
    return "allowed";
  } catch (error) {
    if (error instanceof ValidationProblem) return "refused";
    throw error;
  }
};

describe("checkSubscriber", () => {
  it("allows URLs under a prefix, on segment boundaries", () => {
    for (const url of [
      "http://127.0.0.1:8080/allowed/",
      "http://127.0.0.1:8080/allowed/done",
      "http://127.0.0.1:8080/allowed/a/b?token=1",
      "https://hooks.example.com/",
      "https://hooks.example.com/any/path",
      "https://HOOKS.example.com./x",
      "https://hooks.example.com:443/x",
      "http://127.0.0.1:8080/%61llowed/x",
    ]) {
      expect(verdict(url), url).toBe("allowed");
    }
  });

  it("refuses dot segments, encoded dots and backslashes that climb out of the prefix's path", () => {
    for (const url of [
      "http://127.0.0.1:8080/allowed/../pwn",
      "http://127.0.0.1:8080/allowed/%2e%2e/pwn",
      "http://127.0.0.1:8080/allowed/%2E%2E/pwn",
      "http://127.0.0.1:8080/allowed/.%2e/pwn",
      "http://127.0.0.1:8080/allowed/..\\pwn",
      "http://127.0.0.1:8080/allowed/%2e%2e%2fpwn",
      "http://127.0.0.1:8080/allowed/..%5cpwn",
      "http://127.0.0.1:8080/allowed%2f..%2fpwn",
      "http://127.0.0.1:8080/allowedX/y",
    ]) {
      expect(verdict(url), url).toBe("refused");
    }
  });

  it("refuses other hosts that merely start like an allowed one, and other ports and schemes", () => {
    for (const url of [
      "http://127.0.0.12:8080/allowed/x",
      "http://127.0.0.1:80801/allowed/x",
      "http://127.0.0.1:8081/allowed/x",
      "https://127.0.0.1:8080/allowed/x",
      "https://hooks.example.com.attacker.tld/",
      "https://hooks.example.comm/",
      "http://hooks.example.com/",
      "https://hooks.example.com:8443/",
    ]) {
      expect(verdict(url), url).toBe("refused");
    }
  });

  it("refuses userinfo and schemes other than http(s)", () => {
    for (const url of [
      "http://a@127.0.0.1:8080/allowed/x",
      "http://user:pass@127.0.0.1:8080/allowed/x",
      "https://hooks.example.com@evil.example/",
      "https://:@hooks.example.com/",
      "ftp://hooks.example.com/",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "not a url",
    ]) {
      expect(verdict(url), url).toBe("refused");
    }
  });

  it("names each refused field, and passes the URLs on normalised", () => {
    expect(() =>
      checkSubscriber(
        { successUri: "http://127.0.0.1:8080/allowed/ok", failedUri: "http://127.0.0.12:8080/allowed/" },
        ALLOWED,
      ),
    ).toThrow(/subscriber\.failedUri/);
    expect(checkSubscriber({ successUri: "https://HOOKS.example.com./a/./b" }, ALLOWED)).toEqual({
      successUri: "https://hooks.example.com/a/b",
    });
    expect(checkSubscriber(undefined, [])).toBeUndefined();
  });

  it("allows nothing without prefixes", () => {
    expect(() => checkSubscriber({ successUri: "https://hooks.example.com/" }, [])).toThrow(
      ValidationProblem,
    );
  });
});
