import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import type { RedisClient } from "@seqlab/queue";
import type { AttemptOutcome, JobPayload, MetricPoint, RunEventData, RunStatus } from "@seqlab/contracts";
import type { ArtifactRepository, EventRepository, MetricRepository, RunRepository } from "@seqlab/db";
import { publishRunEvent } from "@seqlab/queue";
import { MetricWriter } from "./metric-writer";
import { retryUntil } from "./retry";
import { SystemMetricsSampler } from "./system-metrics";
import type { TrainerProcess } from "./trainer-process";
import type { ChildMessage, ResumeCandidate } from "./trainer-protocol";

export interface SupervisorDeps {
  runs: RunRepository;
  metrics: MetricRepository;
  artifacts: ArtifactRepository;
  events: EventRepository;
  redis: RedisClient;
  workerId: string;
  backend: { backend: string; device: string };
  /** A training process that is ready (warm) or about to be. */
  takeTrainer: () => TrainerProcess;
  log: (message: string) => void;
  /** GPU index the training process uses, for nvidia-smi queries. */
  gpuIndex?: string;
  /** Test-only fault injection passed to the training process. */
  fault?: string;
  /** How often cancellation and ownership are read from the database. 250 ms keeps cancel well inside 2 s. */
  controlPollMs?: number;
  /**
   * System metrics cadence: 2 s (MLflow samples every 10 s, W&B every 15 s; a run of a minute would get a few dots).
   */
  systemMetricsMs?: number;
  /** How long a stopped training process may take to reach a step boundary before it is killed. */
  stopGraceMs?: number;
  /** How long the writes that end a run are retried while the database is unreachable. */
  finalWriteDeadlineMs?: number;
  /**
   * Local directory for checkpoint files in transit (one subdirectory per attempt, removed when it ends): the
   * training process writes a checkpoint there and the worker streams it to the artifact store, and back on resume.
   */
  spoolDir: string;
  /** Told of what the attempt persisted, for the worker's Prometheus counters. */
  observer?: AttemptObserver;
}

/** Counts what attempts persist (the worker's /metrics). */
export interface AttemptObserver {
  pointsPersisted(count: number): void;
  checkpointWritten(bytes: number): void;
}

/** What the worker does with the job after a supervised attempt. */
export type SupervisionResult = { kind: "finished" } | { kind: "crashed"; reason: string } | { kind: "handover" };

/** Handle the worker uses to ask a supervised run to hand itself back (graceful shutdown). */
export interface SupervisionControl {
  requestHandover(): void;
}

/** How an attempt can end a run (a sweep trial that succeeds at a rung below its top ends PAUSED instead). */
type AttemptEnd = Exclude<RunStatus, "QUEUED" | "RUNNING" | "CRASHED" | "PAUSED">;

const TERMINAL: Record<string, AttemptEnd> = {
  succeeded: "SUCCEEDED",
  failed: "FAILED",
  diverged: "DIVERGED",
  cancelled: "CANCELLED",
};

/** CRASHED is for external runs only; a worker's attempt never ends with it. */
const OUTCOME: Record<AttemptEnd, AttemptOutcome> = {
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  DIVERGED: "diverged",
  CANCELLED: "cancelled",
};

function isOutOfMemory(stderr: string): boolean {
  return /heap out of memory|Reached heap limit|Allocation failed|std::bad_alloc|OOM/i.test(stderr);
}

/**
 * Supervises one attempt of a run from the worker process: claims the attempt, hands the training process the
 * config and latest good checkpoint, persists what it reports (metrics in batches, checkpoints with their sha256,
 * log lines as run events), watches for cancellation and for another attempt taking over, samples system metrics,
 * and records the outcome. The training itself never runs on this event loop.
 */
export async function superviseRun(
  payload: JobPayload<"run.train">,
  deps: SupervisorDeps,
  registerControl: (control: SupervisionControl) => void = () => undefined,
): Promise<SupervisionResult> {
  const { runId, config } = payload;
  const claim = await deps.runs.startAttempt(runId, { workerId: deps.workerId, ...deps.backend });
  if (!claim) {
    deps.log(`run ${runId}: nothing to do (finished, cancelled, taken by another attempt, or out of restarts)`);
    const status = await deps.runs.getStatus(runId);
    if (status?.status === "FAILED")
      await publishRunEvent(deps.redis, { type: "status", runId, status: "FAILED" }).catch(() => undefined);
    return { kind: "finished" };
  }
  const { attempt } = claim;
  const spool = path.join(deps.spoolDir, `${runId}-a${attempt}-${randomUUID().slice(0, 8)}`);
  await mkdir(spool, { recursive: true });
  try {
    return await superviseAttempt(payload, deps, registerControl, attempt, spool);
  } finally {
    await rm(spool, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function superviseAttempt(
  payload: JobPayload<"run.train">,
  deps: SupervisorDeps,
  registerControl: (control: SupervisionControl) => void,
  attempt: number,
  spool: string,
): Promise<SupervisionResult> {
  const { runId, config } = payload;
  const finalDeadline = deps.finalWriteDeadlineMs ?? 5 * 60_000;
  const event = async (message: string, level: "info" | "warn" | "error" = "info", data?: RunEventData) => {
    deps.log(`run ${runId}: ${message}`);
    await Promise.all([
      deps.events
        .addEvent(runId, { level, message, attempt, data })
        .catch((e) => deps.log(`run ${runId}: could not store event: ${String(e)}`)),
      publishRunEvent(deps.redis, { type: "log", runId, level, message, at: Date.now() }).catch(() => undefined),
    ]);
  };
  await publishRunEvent(deps.redis, {
    type: "status",
    runId,
    status: "RUNNING",
    attempt,
    backend: deps.backend.backend,
  }).catch(() => undefined);
  await event(
    `attempt ${attempt} started on ${deps.workerId} (${deps.backend.backend}, ${deps.backend.device})`,
    "info",
    {
      kind: "attempt-start",
      worker: deps.workerId,
      backend: deps.backend.backend,
      device: deps.backend.device,
    },
  );

  // Resume candidates, newest first; each is read (and its sha256 checked) only when the newer ones failed.
  const candidates = await retryUntil(() => deps.artifacts.checkpointCandidates(runId), { deadlineMs: finalDeadline });
  let nextIndex = 0;
  const skipped = (artifactId: string, reason: string) => {
    const c = candidates.find((x) => x.id === artifactId);
    const name = c?.name ?? artifactId;
    return event(`skipped checkpoint ${name} (step ${c?.step ?? "?"}) on resume: ${reason}`, "warn", {
      kind: "checkpoint-skipped",
      artifactId,
      name,
      step: c?.step ?? null,
      reason,
    });
  };
  const nextCandidate = async (): Promise<ResumeCandidate | undefined> => {
    while (nextIndex < candidates.length) {
      const c = candidates[nextIndex++]!;
      const file = path.join(spool, `resume-${c.id}.ckpt`);
      const read = await retryUntil(() => deps.artifacts.checkpointToFile(c.id, file), { deadlineMs: finalDeadline });
      if (read.ok) return { artifactId: c.id, name: c.name, step: c.step, file };
      await skipped(c.id, read.reason);
    }
    return undefined;
  };
  const checkpoint = await nextCandidate();
  const writer = new MetricWriter({
    runId,
    attempt,
    // Another attempt owns the run (this host was cut off and it resumed elsewhere): stop training at once.
    onFenced: () => stop("superseded"),
    ...(deps.observer ? { onPersisted: (count: number) => deps.observer?.pointsPersisted(count) } : {}),
    metrics: deps.metrics,
    redis: deps.redis,
    onError: (e) =>
      deps.log(`run ${runId}: metric write failed, buffering: ${e instanceof Error ? e.message : String(e)}`),
  });
  const trainer = deps.takeTrainer();
  trainer.onOutput = (line, stream) => void event(line, stream === "stderr" ? "warn" : "info");
  let step = checkpoint?.step ?? 0;
  let lastLoss: number | null = null;
  let done: Extract<ChildMessage, { type: "done" }> | null = null;
  let stopSent: "cancel" | "handover" | "superseded" | null = null;
  // Checkpoints and logged artifacts are saved one after another, in order; the end of the run waits for the last.
  let checkpointChain: Promise<void> = Promise.resolve();
  let lastProgressAt = 0;

  const stop = (reason: "cancel" | "handover" | "superseded") => {
    if (stopSent) return;
    stopSent = reason;
    trainer.send({ type: "stop", reason });
    // A step that never ends (a hang, a huge batch) must not hold the slot: kill after the grace period.
    setTimeout(() => trainer.kill("SIGKILL"), reason === "handover" ? 30_000 : (deps.stopGraceMs ?? 1_500)).unref();
  };
  registerControl({ requestHandover: () => stop("handover") });

  trainer.on((message) => {
    switch (message.type) {
      case "metrics": {
        step = message.step;
        if (message.loss !== null) lastLoss = message.loss;
        writer.record(message.points);
        const now = Date.now();
        if (now - lastProgressAt > 1_000) {
          lastProgressAt = now;
          void deps.runs.recordProgress(runId, attempt, step, lastLoss).catch(() => undefined);
        }
        break;
      }
      case "checkpoint": {
        const file = message.file;
        const ckStep = message.step;
        // Every point up to the checkpoint's step is persisted before the checkpoint is: a resume starts after
        // that step, so a point still buffered when this worker dies would otherwise never be recomputed.
        checkpointChain = checkpointChain.then(() =>
          retryUntil(() => writer.persistAll(), { deadlineMs: finalDeadline })
            .then(() =>
              // A fenced attempt (the run resumed on another worker) must not leave a checkpoint to resume from:
              // the metric writer knows it already, or the artifact's own attempt check finds out.
              writer.fenced
                ? { fenced: true as const }
                : retryUntil(
                    () =>
                      deps.artifacts.saveAttemptArtifact({
                        runId,
                        kind: "checkpoint",
                        name: `step-${String(ckStep).padStart(8, "0")}`,
                        // A fresh stream per try: streamed from the spool file, never read whole.
                        source: createReadStream(file),
                        step: ckStep,
                        attempt,
                      }),
                    {
                      deadlineMs: finalDeadline,
                      onRetry: (e) => deps.log(`run ${runId}: checkpoint save failed, retrying: ${String(e)}`),
                    },
                  ),
            )
            .then(
              (saved) => {
                if (saved.fenced) {
                  stop("superseded");
                  return;
                }
                deps.observer?.checkpointWritten(saved.artifact.size);
                writer.record([
                  { key: "system/checkpoint_ms", step: ckStep, value: message.saveMs, wallTime: Date.now() },
                  { key: "system/step_ms", step: ckStep, value: message.stepMs, wallTime: Date.now() },
                ]);
              },
              (e) => deps.log(`run ${runId}: checkpoint at step ${ckStep} lost: ${String(e)}`),
            )
            .finally(() => rm(file, { force: true }).catch(() => undefined)),
        );
        break;
      }
      case "artifact": {
        const { kind, name, step: atStep, json } = message;
        checkpointChain = checkpointChain.then(() =>
          retryUntil(
            () =>
              deps.artifacts.saveAttemptArtifact({
                runId,
                kind,
                name,
                content: new TextEncoder().encode(json),
                step: atStep,
                attempt,
              }),
            {
              deadlineMs: finalDeadline,
              onRetry: (e) => deps.log(`run ${runId}: ${kind} artifact save failed, retrying: ${String(e)}`),
            },
          ).then(
            () => undefined,
            (e) => deps.log(`run ${runId}: ${kind} artifact ${name} lost: ${String(e)}`),
          ),
        );
        break;
      }
      case "log":
        void event(message.message, message.level);
        break;
      case "checkpoint-rejected":
        // The training process waits for the answer; the next candidate (or none: start from step 0) follows.
        void skipped(message.artifactId, `it cannot be loaded: ${message.reason}`)
          .then(nextCandidate)
          .then((next) => {
            step = next?.step ?? 0;
            trainer.send({ type: "next-checkpoint", ...(next ? { checkpoint: next } : {}) });
          });
        break;
      case "done":
        done = message;
        break;
      default:
        break;
    }
  });

  const controlTimer = setInterval(() => {
    deps.runs.getStatus(runId).then(
      (status) => {
        if (!status) return stop("superseded");
        if (status.cancelRequested && status.status === "RUNNING") return stop("cancel");
        if (status.attempt !== attempt || status.status !== "RUNNING") stop("superseded");
      },
      () => undefined, // Database unreachable: keep training; the next poll will know.
    );
  }, deps.controlPollMs ?? 250);
  const sampler = new SystemMetricsSampler(trainer.child.pid ?? 0, deps.gpuIndex);
  const systemTimer = setInterval(() => {
    void sampler.sample().then((values) => {
      const wallTime = Date.now();
      writer.record(Object.entries(values).map(([key, value]): MetricPoint => ({ key, step, value, wallTime })));
    });
  }, deps.systemMetricsMs ?? 2_000);

  let exit: Awaited<TrainerProcess["exited"]>;
  try {
    await trainer.ready;
    trainer.send({
      type: "start",
      runId,
      attempt,
      config,
      ...(checkpoint ? { checkpoint } : {}),
      ...(deps.fault ? { fault: deps.fault } : {}),
      spoolDir: spool,
    });
    exit = await trainer.exited;
  } catch (error) {
    exit = await trainer.exited;
    deps.log(`run ${runId}: training process failed to start: ${String(error)}`);
  } finally {
    clearInterval(controlTimer);
    clearInterval(systemTimer);
  }

  await checkpointChain;
  await retryUntil(() => writer.close(), {
    deadlineMs: finalDeadline,
    onRetry: (e) => deps.log(`run ${runId}: flushing metrics failed, retrying: ${String(e)}`),
  });
  const finish = async (status: AttemptEnd, errorReason: string | null) => {
    const written = await retryUntil(
      () => deps.runs.finishAttempt(runId, attempt, status, { errorReason, finalLoss: lastLoss, lastStep: step }),
      { deadlineMs: finalDeadline },
    );
    if (written)
      await publishRunEvent(deps.redis, { type: "status", runId, status: written, errorReason, attempt }).catch(
        () => undefined,
      );
    const paused = written === "PAUSED" ? ", paused at its rung until the sweep promotes it" : "";
    await event(`attempt ${attempt} ended: ${OUTCOME[status]}${paused}`, status === "SUCCEEDED" ? "info" : "warn", {
      kind: "attempt-end",
      outcome: OUTCOME[status],
      step,
    });
  };

  // `done` is assigned in a message callback, which control-flow analysis cannot see.
  const result = done as Extract<ChildMessage, { type: "done" }> | null;
  if (result) {
    step = Math.max(step, result.step);
    if (result.outcome in TERMINAL) {
      await finish(TERMINAL[result.outcome]!, result.error ?? null);
      return { kind: "finished" };
    }
    if (result.outcome === "handover") {
      await retryUntil(() => deps.runs.handBack(runId, attempt), { deadlineMs: finalDeadline });
      await event(
        `attempt ${attempt} handed back at step ${result.step}: another worker resumes from its checkpoint`,
        "warn",
        { kind: "attempt-end", outcome: "handed back", step: result.step },
      );
      await publishRunEvent(deps.redis, { type: "status", runId, status: "QUEUED", attempt }).catch(() => undefined);
      return { kind: "handover" };
    }
    // The attempt that took the run over has already closed this one (as lost): a log line, not a second end.
    await event(`attempt ${attempt} stopped: another attempt owns the run`, "warn");
    return { kind: "finished" };
  }
  // No "done": the process died. Cancel and hand-over kills are still what the user or the worker asked for.
  if (stopSent === "cancel") {
    await finish("CANCELLED", null);
    return { kind: "finished" };
  }
  if (stopSent === "superseded") return { kind: "finished" };
  const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
  if (isOutOfMemory(exit.stderrTail)) {
    await finish(
      "FAILED",
      `out of memory: the training process ${how}: ${exit.stderrTail.split("\n").slice(-3).join(" ")}`,
    );
    return { kind: "finished" };
  }
  const reason = `training process ${how} at step ${step}`;
  await retryUntil(() => deps.runs.recordCrash(runId, attempt, reason), { deadlineMs: finalDeadline });
  await event(`attempt ${attempt} crashed: ${reason}; the run resumes from its latest checkpoint`, "error", {
    kind: "attempt-end",
    outcome: "crashed",
    step,
  });
  return { kind: "crashed", reason };
}
