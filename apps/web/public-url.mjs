// Where the dashboard is reached, from SEQLAB_URL: plain JavaScript beside server.mjs, which checks every request's
// Host and Origin against it before Next runs, and imported by the app (src/server/services.ts) for better-auth's
// trusted origins, so both read the same rule.

/** Host names that all mean this machine: a dashboard configured on one of them answers to the others too. */
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/** SEQLAB_URL, or the launcher's default for a dashboard on this machine's PORT. */
export function dashboardUrl(settings) {
  return settings.url ?? `http://localhost:${settings.port}`;
}

/** SEQLAB_ALLOWED_HOSTS (a comma list) as host names. */
export function extraHostNames(list) {
  return list
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
}

/**
 * The hosts and origins a dashboard at `url` accepts. Anything else is refused: a Host the dashboard does not own is
 * DNS rebinding reaching a loopback-only instance, an Origin it does not own is another site's page (CSRF).
 */
export function publicUrl(url, extraHosts = []) {
  const parsed = new URL(url);
  const port = parsed.port;
  const names = LOOPBACK_NAMES.includes(parsed.hostname) ? LOOPBACK_NAMES : [parsed.hostname];
  const hosts = new Set();
  const origins = new Set();
  for (const name of [...names, ...extraHosts.filter(Boolean)]) {
    const host = port ? `${name}:${port}` : name;
    hosts.add(host);
    origins.add(`${parsed.protocol}//${host}`);
  }
  return { baseUrl: parsed.origin, hosts, origins };
}
