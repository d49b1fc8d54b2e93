import { RunDetail, RunRow, RunStreamEvent, RunSummary } from "@seqlab/contracts";
import { z } from "zod";

// The answers of the /api/v1 routes the CLI reads (docs/api-v1.md), built from the contract's schemas. Two
// deliberate loosenings, so that a newer server never breaks an older CLI: a run's status is any string (the
// database already knows CRASHED for external runs, which the contract's enum may not list yet), and objects keep
// fields this CLI does not know.

/** A run's status as the CLI takes it: one of the contract's, or one it does not know yet, shown as is. */
const AnyStatus = z.string();

/** A row of the runs list. */
export const CliRunSummary = RunSummary.extend({ status: AnyStatus });
export type CliRunSummary = z.infer<typeof CliRunSummary>;

/** A row of the runs table (`GET /api/v1/runs`). */
export const CliRunRow = RunRow.extend({ status: AnyStatus });
export type CliRunRow = z.infer<typeof CliRunRow>;

/** Everything `GET /api/v1/runs/:id` says about a run. */
export const CliRunDetail = RunDetail.extend({ status: AnyStatus });
export type CliRunDetail = z.infer<typeof CliRunDetail>;

/** `GET /api/v1/account`: who the key belongs to. */
export const AccountResponse = z.object({
  user: z.looseObject({ id: z.string(), name: z.string(), email: z.string() }),
  teams: z.array(z.looseObject({ slug: z.string() })).default([]),
});

/** One catalog entry (a model or a dataset); its JSON Schema and defaults are what the server checks against. */
const CatalogEntry = z.looseObject({ name: z.string(), title: z.string().optional() });

/** `GET /api/v1/catalog`: what `launch` checks a model and dataset name against. */
export const CatalogResponse = z.looseObject({
  models: z.array(CatalogEntry),
  datasets: z.array(CatalogEntry),
});

/** `POST /api/v1/runs`: 201 with the new run and what the user should know (no worker serves its queue). */
export const LaunchResponse = z.object({ run: CliRunSummary, warnings: z.array(z.string()).default([]) });

/** `GET /api/v1/runs`: a page of the runs table. */
export const RunsListResponse = z.object({
  runs: z.array(CliRunRow),
  total: z.number().int(),
  offset: z.number().int(),
});

/** `GET /api/v1/runs/:id`. */
export const RunDetailResponse = z.object({ run: CliRunDetail });

/** `POST /api/v1/runs/:id/cancel`: "cancelled" (it was waiting) or "requested" (its worker stops it soon). */
export const CancelResponse = z.object({ outcome: z.string() });

/**
 * A worker of `GET /api/v1/workers`. The instance's operators see every field (id, host, pid, current run); others
 * see a display name, backend, device, queues and state only, so those are all that is required.
 */
export const Worker = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  host: z.string().optional(),
  backend: z.string(),
  device: z.string(),
  queues: z.array(z.string()),
  state: z.string(),
  currentRunId: z.string().nullable().optional(),
  lastHeartbeat: z.string().optional(),
});
export type Worker = z.infer<typeof Worker>;

/** `GET /api/v1/workers`. */
export const WorkersResponse = z.object({ workers: z.array(Worker) });

/** `GET /api/v1/queues`: each queue's waiting and running runs and the live workers that serve it. */
export const QueuesResponse = z.object({
  queues: z.array(
    z.looseObject({
      name: z.string(),
      waiting: z.number().int(),
      running: z.number().int(),
      workers: z.number().int(),
    }),
  ),
});

/** A status event whose status this CLI does not know yet (see {@link AnyStatus}). */
const LooseStatusEvent = z.object({
  type: z.literal("status"),
  runId: z.string(),
  status: AnyStatus,
  errorReason: z.string().nullable().optional(),
  attempt: z.number().int().optional(),
  backend: z.string().nullable().optional(),
});

/** One `data:` line of `GET /api/v1/runs/:id/stream`. */
export const CliStreamEvent = z.union([RunStreamEvent, LooseStatusEvent]);
export type CliStreamEvent = z.infer<typeof CliStreamEvent>;
