import path from "node:path";
import { artifactStoreConfigFromEnv } from "@seqlab/artifact-store";
import { dashboardUrl, extraHostNames } from "../../public-url.mjs";
import { env } from "../env";
import type { WebConfig } from "./services";

/** The web process's config, from its environment. */
export function configFromEnv(): WebConfig {
  const e = env();
  return {
    databaseUrl: e.DATABASE_URL,
    artifactStore: artifactStoreConfigFromEnv(e, path.join(e.SEQLAB_DATA_DIR, "artifacts")),
    redisUrl: e.REDIS_URL,
    queuePrefix: e.SEQLAB_QUEUE_PREFIX,
    baseUrl: dashboardUrl({ url: e.SEQLAB_URL, port: e.PORT }),
    extraHosts: extraHostNames(e.SEQLAB_ALLOWED_HOSTS),
    authSecret: e.SEQLAB_AUTH_SECRET,
    openSignup: e.SEQLAB_OPEN_SIGNUP,
    sessionCacheSeconds: e.SEQLAB_SESSION_CACHE_SECONDS,
    ...(e.SEQLAB_FAULT ? { fault: e.SEQLAB_FAULT } : {}),
    // Who may read /metrics besides instance admins: a scraper sending this token.
    ...(e.SEQLAB_METRICS_TOKEN ? { metricsToken: e.SEQLAB_METRICS_TOKEN } : {}),
    limits: {
      launchesPerMinute: e.SEQLAB_LAUNCHES_PER_MINUTE,
      signInPerIpPerMinute: e.SEQLAB_SIGNIN_PER_IP_PER_MINUTE,
      signInPerAccountPerMinute: e.SEQLAB_SIGNIN_PER_ACCOUNT_PER_MINUTE,
      streamsPerUser: e.SEQLAB_STREAMS_PER_USER,
      streamsTotal: e.SEQLAB_STREAMS_TOTAL,
    },
  };
}
