import net from "node:net";
import type { Request } from "express";

// Which base URL the absolute links of an answer are built on. A client's Host header is not reflected
// blindly (it would put any host a client names into Location headers, status links and callback bodies).

/** The base URL (scheme, host, port, no trailing slash) of the links in the answer to a request. */
export type BaseUrlOf = (req: Request) => string;

/** A host[:port] or [IPv6][:port] as a Host header may name one, and nothing else. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/**
 * PUBLIC_URL when the config sets it. Otherwise: a trusted proxy's X-Forwarded-Proto and X-Forwarded-Host
 * (or Host) when TRUST_PROXY trusts the peer; else the Host header only when it names the address and port the
 * request came in on (that IP address, or localhost on a loopback address); else that address itself.
 */
export function baseUrlResolver(publicUrl: string | undefined): BaseUrlOf {
  if (publicUrl !== undefined) return () => publicUrl;
  return (req) => {
    const trust = req.app.get("trust proxy fn") as (address: string | undefined, hop: number) => boolean;
    if (trust(req.socket.remoteAddress, 0)) {
      const protocol = req.protocol === "https" ? "https" : "http";
      const host = req.host;
      if (HOST.test(host)) return `${protocol}://${host}`;
    }
    const protocol = (req.socket as { encrypted?: boolean }).encrypted === true ? "https" : "http";
    const host = req.get("host") ?? "";
    return namesThisServer(req, protocol, host)
      ? `${protocol}://${host}`
      : `${protocol}://${localAddress(req)}`;
  };
}

/** Whether a Host header names the very address and port the request arrived on. */
function namesThisServer(req: Request, protocol: "http" | "https", host: string): boolean {
  const match = HOST.exec(host);
  if (match === null) return false;
  const port = match[1] === undefined ? (protocol === "https" ? 443 : 80) : Number(match[1]);
  if (port !== req.socket.localPort) return false;
  const name = host.slice(0, host.length - (match[1] === undefined ? 0 : match[1].length + 1));
  const local = plainAddress(req.socket.localAddress ?? "");
  if (name.toLowerCase() === "localhost") return isLoopback(local);
  return plainAddress(name.replace(/^\[(.*)\]$/, "$1")) === local;
}

function localAddress(req: Request): string {
  const address = plainAddress(req.socket.localAddress ?? "127.0.0.1");
  const host = net.isIPv6(address) ? `[${address}]` : address;
  return `${host}:${req.socket.localPort ?? 80}`;
}

/** An IPv4 address as itself rather than IPv4-mapped IPv6 (::ffff:127.0.0.1, as a dual-stack socket says). */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped?.[1] ?? address).toLowerCase();
}

function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.");
}
