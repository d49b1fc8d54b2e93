export { createPrismaClient, createTestDatabase, parseDatabaseUrl, PrismaClient } from "./client";
export type { CreatePrismaClientOptions, CreateTestDatabaseOptions, TestDatabase } from "./client";
export * from "./repositories";
