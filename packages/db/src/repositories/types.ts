import type { PrismaClient } from "../generated/prisma/client";

/** The client every repository takes; each app creates its own through `createPrismaClient`. */
export type Db = PrismaClient;
