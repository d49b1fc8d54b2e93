/** Embedded PostgreSQL for installs without a server: PGlite served over the wire protocol on loopback. */
export { startEmbeddedPostgres } from "./embedded-postgres";
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from "./embedded-postgres";
export { PgliteWireServer } from "./pglite-wire-server";
export type { PgliteWireServerOptions } from "./pglite-wire-server";
