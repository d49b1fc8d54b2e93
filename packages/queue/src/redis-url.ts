import { z } from "zod";

/**
 * The forms of REDIS_URL seqlab accepts (docs/redis.md):
 *  - `redis://[[user]:pass@]host[:port][/db]`: one Redis; `rediss://` for TLS. Passed to ioredis as is.
 *  - `redis+cluster://[[user]:pass@]host1[:port],host2[:port]...[/]`: Redis Cluster, seeded from these nodes (one
 *    is enough, a few ride out one being down); `rediss+cluster://` for TLS.
 *  - `redis+sentinel://[[user]:pass@]host1[:port],host2[:port]/<masterName>[?db=N&sentinelUsername=..&sentinelPassword=..]`:
 *    the master that these Sentinels name, followed across failovers; `rediss+sentinel://` for TLS to both.
 * The `+cluster` / `+sentinel` spellings follow the `scheme+transport://` convention of database URLs
 * (`postgresql+psycopg://`, `redis+sentinel://` in Celery and Sidekiq), and a comma-separated host list is what
 * libpq and MongoDB URLs use for several hosts.
 */

/** One node address. */
export const RedisNodeAddress = z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65_535) });
export type RedisNodeAddress = z.infer<typeof RedisNodeAddress>;

const Credentials = {
  /** ACL user (Redis 6+); absent for the `default` user. */
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** `rediss` schemes: TLS to every node. */
  tls: z.boolean(),
};

/** What a REDIS_URL names, validated. */
export const RedisTarget = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("single"), url: z.string(), tls: z.boolean() }),
  z.object({ mode: z.literal("cluster"), nodes: z.array(RedisNodeAddress).min(1), ...Credentials }),
  z.object({
    mode: z.literal("sentinel"),
    sentinels: z.array(RedisNodeAddress).min(1),
    masterName: z.string().min(1),
    db: z.number().int().min(0),
    sentinelUsername: z.string().min(1).optional(),
    sentinelPassword: z.string().min(1).optional(),
    ...Credentials,
  }),
]);
export type RedisTarget = z.infer<typeof RedisTarget>;

/** Default ports: a Redis node, and a Sentinel. */
const REDIS_PORT = 6379;
const SENTINEL_PORT = 26379;

const SCHEME = /^(rediss?)(?:\+(cluster|sentinel))?:\/\/(.*)$/s;
/** Query parameters each mode understands; anything else is refused rather than silently ignored. */
const SENTINEL_PARAMS = new Set(["db", "sentinelUsername", "sentinelPassword"]);

/** Thrown for a REDIS_URL that does not parse; the message names what is wrong, never the password. */
export class RedisUrlError extends Error {
  constructor(url: string, reason: string) {
    super(`invalid REDIS_URL ${redactRedisUrl(url)}: ${reason}`);
    this.name = "RedisUrlError";
  }
}

/** The URL with its password replaced by `***`, for logs and error messages. */
export function redactRedisUrl(url: string): string {
  const start = url.indexOf("://");
  if (start === -1) return url;
  const rest = url.slice(start + 3);
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf("@");
  if (at === -1) return url;
  const colon = authority.indexOf(":");
  // A lone userinfo (`redis://secret@host`) is a password to ioredis: hide it too.
  const user = colon === -1 || colon > at ? "" : authority.slice(0, colon);
  return `${url.slice(0, start + 3)}${user}:***${rest.slice(at)}`;
}

function decode(url: string, part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new RedisUrlError(url, `${what} is not valid percent-encoding`);
  }
}

function parseHosts(url: string, list: string, defaultPort: number): RedisNodeAddress[] {
  if (list === "") throw new RedisUrlError(url, "no host");
  return list.split(",").map((entry) => {
    // `[::1]:7000` for IPv6, `host:port` or `host` otherwise.
    const m = /^(?:\[([0-9a-f:.]+)\]|([^\s:[\]/?#@]+))(?::(\d*))?$/i.exec(entry);
    if (!m) throw new RedisUrlError(url, `"${entry}" is not host[:port]`);
    const host = m[1] ?? m[2]!;
    const port = m[3] === undefined || m[3] === "" ? defaultPort : Number(m[3]);
    if (!Number.isInteger(port) || port < 1 || port > 65_535)
      throw new RedisUrlError(url, `port of "${entry}" is not 1-65535`);
    return { host, port };
  });
}

/**
 * Parses a REDIS_URL into what it names. Throws {@link RedisUrlError} with the reason (a bad scheme, a missing
 * master name, an unknown parameter...) so a typo fails at start-up, not at the first enqueue.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const m = SCHEME.exec(url.trim());
  if (!m)
    throw new RedisUrlError(
      url,
      "expected redis://, rediss://, redis+cluster://, rediss+cluster://, redis+sentinel:// or rediss+sentinel://",
    );
  const tls = m[1] === "rediss";
  const mode = m[2] ?? "single";
  if (mode === "single") {
    let parsed: URL;
    try {
      parsed = new URL(url.trim());
    } catch {
      throw new RedisUrlError(url, "not a URL (several hosts need redis+cluster:// or redis+sentinel://)");
    }
    if (parsed.hostname === "") throw new RedisUrlError(url, "no host");
    if (parsed.pathname !== "" && parsed.pathname !== "/" && !/^\/\d+$/.test(parsed.pathname))
      throw new RedisUrlError(url, `database "${parsed.pathname.slice(1)}" is not a number`);
    return RedisTarget.parse({ mode: "single", url: url.trim(), tls });
  }

  const rest = m[3]!;
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd === -1 ? "" : rest.slice(authorityEnd);
  const at = authority.lastIndexOf("@");
  const userinfo = at === -1 ? null : authority.slice(0, at);
  const hosts = parseHosts(
    url,
    at === -1 ? authority : authority.slice(at + 1),
    mode === "cluster" ? REDIS_PORT : SENTINEL_PORT,
  );
  let username: string | undefined;
  let password: string | undefined;
  if (userinfo !== null) {
    const colon = userinfo.indexOf(":");
    const user = decode(url, colon === -1 ? userinfo : userinfo.slice(0, colon), "user");
    const pass = colon === -1 ? "" : decode(url, userinfo.slice(colon + 1), "password");
    // `redis://pass@host` is ioredis's reading of a lone userinfo; keep the same one here.
    if (colon === -1) password = user || undefined;
    else {
      username = user || undefined;
      password = pass || undefined;
    }
  }
  if (tail.includes("#")) throw new RedisUrlError(url, "a fragment (#...) means nothing here");
  const q = tail.indexOf("?");
  const path = q === -1 ? tail : tail.slice(0, q);
  const params = new URLSearchParams(q === -1 ? "" : tail.slice(q + 1));
  const credentials = { tls, ...(username ? { username } : {}), ...(password ? { password } : {}) };

  if (mode === "cluster") {
    if (path !== "" && path !== "/")
      throw new RedisUrlError(url, `a cluster has database 0 only; remove "${path}" (CLUSTER mode has no SELECT)`);
    const unknown = [...params.keys()];
    if (unknown.length > 0)
      throw new RedisUrlError(url, `unknown parameter "${unknown[0]}" (cluster URLs take none; pass options in code)`);
    return RedisTarget.parse({ mode: "cluster", nodes: hosts, ...credentials });
  }

  const masterName = decode(url, path.replace(/^\//, "").replace(/\/$/, ""), "master name");
  if (masterName === "") throw new RedisUrlError(url, "no master name: redis+sentinel://host:26379/<masterName>");
  if (masterName.includes("/")) throw new RedisUrlError(url, `master name "${masterName}" contains "/"`);
  for (const key of params.keys())
    if (!SENTINEL_PARAMS.has(key))
      throw new RedisUrlError(
        url,
        `unknown parameter "${key}" (sentinel URLs take ${[...SENTINEL_PARAMS].join(", ")})`,
      );
  const dbParam = params.get("db");
  const db = dbParam === null ? 0 : Number(dbParam);
  if (dbParam !== null && (!/^\d+$/.test(dbParam) || !Number.isSafeInteger(db)))
    throw new RedisUrlError(url, `db "${dbParam}" is not a non-negative integer`);
  const sentinelUsername = params.get("sentinelUsername") || undefined;
  const sentinelPassword = params.get("sentinelPassword") || undefined;
  return RedisTarget.parse({
    mode: "sentinel",
    sentinels: hosts,
    masterName,
    db,
    ...credentials,
    ...(sentinelUsername ? { sentinelUsername } : {}),
    ...(sentinelPassword ? { sentinelPassword } : {}),
  });
}

/**
 * A zod schema for an app's env.ts: a string that {@link parseRedisUrl} accepts (kept as the string; the apps pass
 * it on). `z.string().url()` refuses the multi-host forms, which WHATWG URL parsing does not allow.
 */
export const RedisUrl = z.string().superRefine((value, ctx) => {
  try {
    parseRedisUrl(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
  }
});

/** A short name of what a URL points at for log lines: the first host, and how many more. No credentials. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.mode === "single") {
    try {
      return new URL(target.url).host;
    } catch {
      return "redis";
    }
  }
  const nodes = target.mode === "cluster" ? target.nodes : target.sentinels;
  const first = `${nodes[0]!.host}:${nodes[0]!.port}`;
  const more = nodes.length > 1 ? ` (+${nodes.length - 1})` : "";
  return target.mode === "cluster" ? `cluster ${first}${more}` : `sentinel ${first}${more}/${target.masterName}`;
}
