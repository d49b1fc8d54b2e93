// Who sent a request, for the per-IP sign-in limits: the socket's peer, or the client a trusted reverse proxy names.
// Plain JavaScript beside server.mjs, which imports it before Next (and any TypeScript) loads.
import { BlockList, isIP } from "node:net";

const PRIVATE_RANGES = ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7"];

/** The trusted proxies as a BlockList; a malformed entry stops the server with its name. */
export function trustedProxies(spec) {
  const list = new BlockList();
  const entries = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((entry) => (entry === "private" ? PRIVATE_RANGES : [entry]));
  for (const entry of entries) {
    const [address, bits] = entry.split("/");
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    if (!family || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits))) {
      throw new Error(`SEQLAB_TRUSTED_PROXIES: ${JSON.stringify(entry)} is not an address or CIDR range`);
    }
    const type = family === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return { list, any: entries.length > 0 };
}

/** "::ffff:10.0.0.1" (an IPv4 peer on a dual-stack socket) as "10.0.0.1". */
function plainAddress(address) {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * The client's address: the socket's peer, or, when that peer is a trusted proxy, the right-most X-Forwarded-For
 * entry no trusted proxy added (entries further left were written by the client and prove nothing).
 */
export function clientAddress(req, proxies) {
  const isTrusted = (address) => {
    const family = isIP(address);
    return family !== 0 && proxies.list.check(address, family === 6 ? "ipv6" : "ipv4");
  };
  const peer = plainAddress(req.socket.remoteAddress ?? "");
  if (!proxies.any || !isTrusted(peer)) return peer || "unknown";
  const hops = String(req.headers["x-forwarded-for"] ?? "")
    .split(",")
    .map((hop) => plainAddress(hop.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!isTrusted(hops[i])) return hops[i];
  return peer;
}
