import type { RunEventData } from "@seqlab/contracts";
import type { Prisma } from "../generated/prisma/client";
import type { Db } from "./types";

/** Run events: the trainer's log lines and lifecycle notes, shown on the run page. */
export class EventRepository {
  constructor(private readonly db: Db) {}

  async addEvent(
    runId: string,
    event: {
      level?: "debug" | "info" | "warn" | "error";
      message: string;
      attempt?: number;
      data?: RunEventData;
    },
  ): Promise<void> {
    await this.db.runEvent.create({
      data: {
        runId,
        level: event.level ?? "info",
        message: event.message.slice(0, 10_000),
        attempt: event.attempt ?? 0,
        data: event.data as Prisma.InputJsonValue | undefined,
      },
    });
  }
}
