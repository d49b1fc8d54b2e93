import type { IncomingMessage } from "node:http";
import { clientAddress, trustedProxies } from "../client-address.mjs";

/** A request as server.mjs sees it: the socket's peer and the headers. */
function request(peer: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  } as unknown as IncomingMessage;
}

describe("the client address behind the sign-in limits", () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    const none = trustedProxies("");
    expect(clientAddress(request("203.0.113.9", "1.2.3.4"), none)).toBe("203.0.113.9");
    expect(clientAddress(request("::ffff:203.0.113.9"), none)).toBe("203.0.113.9");
  });

  it("is the right-most hop a trusted proxy did not add", () => {
    const proxies = trustedProxies("10.0.0.5, 192.168.1.0/24");
    // The client forged the left-most entry; the proxy at 10.0.0.5 appended the real peer it saw.
    expect(clientAddress(request("10.0.0.5", "6.6.6.6, 198.51.100.7"), proxies)).toBe("198.51.100.7");
    // Two trusted proxies in a row.
    expect(clientAddress(request("10.0.0.5", "198.51.100.7, 192.168.1.20"), proxies)).toBe("198.51.100.7");
    // A peer that is not a trusted proxy is the client, and its header is ignored.
    expect(clientAddress(request("198.51.100.8", "6.6.6.6"), proxies)).toBe("198.51.100.8");
    // A trusted proxy that forwarded no header: the proxy itself is all we know.
    expect(clientAddress(request("10.0.0.5"), proxies)).toBe("10.0.0.5");
  });

  it("expands 'private' to loopback and the private ranges, IPv4 and IPv6", () => {
    const proxies = trustedProxies("private");
    expect(clientAddress(request("::ffff:172.18.0.3", "203.0.113.1"), proxies)).toBe("203.0.113.1");
    expect(clientAddress(request("fd12::1", "2001:db8::7"), proxies)).toBe("2001:db8::7");
    expect(clientAddress(request("8.8.8.8", "203.0.113.1"), proxies)).toBe("8.8.8.8");
  });

  it("refuses a malformed list with the entry it could not read", () => {
    expect(() => trustedProxies("10.0.0.0/33")).toThrow(/"10.0.0.0\/33" is not an address or CIDR range/);
    expect(() => trustedProxies("proxy.internal")).toThrow(/"proxy.internal"/);
  });
});
