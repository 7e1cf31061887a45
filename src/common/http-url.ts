// http(s) URLs from configuration and requests, parsed with the WHATWG URL parser (as fetch() will read them)
// and written one canonical way, so that URLs are compared as what they address, never as strings.

export type HttpUrlCheck = { readonly url: URL } | { readonly problem: string };

export interface HttpUrlRules {
  /** Whether a query string may follow the path (and a fragment, which is dropped); a base URL has neither. */
  readonly query: boolean;
}

/** Unreserved characters (RFC 3986 2.3) mean the same escaped or not: they are written unescaped. */
const ESCAPE = /%([0-9A-Fa-f]{2})/g;
const UNRESERVED = /^[A-Za-z0-9._~-]$/;
/** Escapes that would read as a separator or an end of string once a server decodes the path. */
const ESCAPED_SEPARATOR = /%(2F|5C|00)/i;
/** An "@" in the authority, even an empty user info ("http://:@host/") that the parser would drop. */
const USER_INFO = /^[^:]*:[/\\]*[^/\\?#]*@/;

/**
 * The URL in canonical form (lower-case scheme and host, no trailing dot on the host, no default port, dot
 * segments resolved, unreserved characters unescaped, other escapes in upper case), or why it is not one an
 * HTTP client may be pointed at: another scheme, a user name or password, an escaped / or \ in the path.
 */
export function parseHttpUrl(text: string, rules: HttpUrlRules): HttpUrlCheck {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: "is not an absolute URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { problem: "must be an http or https URL" };
  }
  if (url.username !== "" || url.password !== "" || USER_INFO.test(text)) {
    return { problem: "must not carry a user name or password" };
  }
  const host = url.hostname.replace(/\.+$/, "");
  if (host === "") return { problem: "must name a host" };
  url.hostname = host;
  url.pathname = url.pathname.replace(ESCAPE, (escape: string, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
  if (ESCAPED_SEPARATOR.test(url.pathname)) {
    return { problem: "must not escape /, \\ or NUL in its path" };
  }
  if (!rules.query && (url.search !== "" || url.hash !== "")) {
    return { problem: "must not have a query string or fragment" };
  }
  url.hash = "";
  return { url };
}
