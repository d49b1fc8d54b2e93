/** Host names that all mean this machine: a dashboard configured on one of them answers to the others too. */
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/** Where the dashboard is reached: the hosts it answers to and the origins whose requests may change state. */
export interface PublicUrl {
  /** The configured URL (SEQLAB_URL), normalised: origin only. */
  baseUrl: string;
  /** `host[:port]` values accepted in the Host header. */
  hosts: Set<string>;
  /** Origins accepted in the Origin header of a state-changing request. */
  origins: Set<string>;
}

/**
 * The hosts and origins a dashboard at `url` accepts. Anything else is refused: a Host the dashboard does not own is
 * DNS rebinding reaching a loopback-only instance, an Origin it does not own is another site's page (CSRF).
 */
export function publicUrl(url: string, extraHosts: string[] = []): PublicUrl {
  const parsed = new URL(url);
  const port = parsed.port;
  const names = LOOPBACK_NAMES.includes(parsed.hostname) ? LOOPBACK_NAMES : [parsed.hostname];
  const hosts = new Set<string>();
  const origins = new Set<string>();
  for (const name of [...names, ...extraHosts.filter(Boolean)]) {
    const host = port ? `${name}:${port}` : name;
    hosts.add(host);
    origins.add(`${parsed.protocol}//${host}`);
  }
  return { baseUrl: parsed.origin, hosts, origins };
}
