import type { Db } from "./types";

/** Database reachability for the health endpoint. */
export class HealthRepository {
  constructor(private readonly db: Db) {}

  /** Resolves when the database answers a trivial query; rejects with the driver's error when it does not. */
  async ping(): Promise<void> {
    await this.db.$queryRaw`SELECT 1`;
  }
}
