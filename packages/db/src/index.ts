export { createPrismaClient, parseDatabaseUrl, PrismaClient } from "./client";
export type { CreatePrismaClientOptions } from "./client";
export * from "./repositories";
