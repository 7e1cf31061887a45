import { parseHttpUrl } from "../../common/http-url.js";
import type { Subscriber } from "../../jobs/job-spec.js";
import { ValidationProblem } from "../problems.js";

// The subscriber callback allow-list (SUBSCRIBER_URL_PREFIXES), so that the service cannot be made to call
// arbitrary hosts: a callback URL must have an allowed prefix's scheme, host and port, and lie under its path
// segment by segment. Both are compared parsed and normalised, never as strings.

/** The callback URLs, normalised as they will be called; 400 naming each one that no prefix allows. */
export function checkSubscriber(
  subscriber: Subscriber | undefined,
  allowed: readonly string[],
): Subscriber | undefined {
  if (subscriber === undefined) return undefined;
  const prefixes = allowed.flatMap((prefix) => {
    const parsed = parseHttpUrl(prefix, { query: false });
    return "url" in parsed ? [parsed.url] : [];
  });
  const checked: Record<string, string> = {};
  const refused: { field: string; message: string }[] = [];
  for (const [field, text] of Object.entries(subscriber)) {
    if (text === undefined) continue;
    const parsed = parseHttpUrl(text, { query: true });
    if (!("url" in parsed)) {
      refused.push({ field: `subscriber.${field}`, message: parsed.problem });
    } else if (!prefixes.some((prefix) => isUnder(parsed.url, prefix))) {
      refused.push({ field: `subscriber.${field}`, message: "is not under a URL prefix the service allows" });
    } else {
      checked[field] = parsed.url.href;
    }
  }
  if (refused.length > 0) throw new ValidationProblem(refused);
  return checked;
}

/** Same scheme, host and port, and the prefix's path segments are the URL's first ones. */
function isUnder(url: URL, prefix: URL): boolean {
  if (url.protocol !== prefix.protocol || url.hostname !== prefix.hostname || url.port !== prefix.port) {
    return false;
  }
  const want = prefix.pathname.split("/").slice(1);
  if (want.at(-1) === "") want.pop();
  const have = url.pathname.split("/").slice(1);
  return want.every((segment, i) => have[i] === segment);
}
