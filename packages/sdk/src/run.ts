import { stat } from "node:fs/promises";
import {
  ArtifactUploadQuery,
  FinishExternalRunRequest,
  MAX_ARTIFACT_UPLOAD_BYTES,
  MAX_POINTS_PER_BATCH,
  MetricKey,
  type RunSummary,
} from "@seqlab/contracts";
import { ClientApiClient, type ArtifactSummary } from "./client-api-client";
import { Heartbeat } from "./heartbeat";
import type { HttpTarget } from "./http-request";
import { HttpTransport } from "./http-transport";
import { PointSender, type SendReport } from "./point-sender";
import { Spool } from "./spool";
import { syncSpool } from "./sync-spool";
import { TransportError } from "./transport";
import { messageOf } from "./message-of";

/** Options of {@link Run.log}. */
export interface LogOptions {
  /**
   * The step these values belong to: an integer >= 0. Default: one more than the largest step logged so far (0 for
   * the first call), so `log({ "train/loss": l })` once per iteration numbers the iterations.
   */
  step?: number;
}

/** Options of {@link Run.logArtifact}. */
export interface ArtifactOptions {
  /** What it is: 1-32 lower-case letters, digits or -, e.g. "model", "checkpoint", "predictions". */
  kind: string;
  /** Its file name: 1-128 letters, digits, _ . or -, e.g. "weights.json". */
  name: string;
  /** The step it belongs to (an integer >= 0); none by default. */
  step?: number;
}

/** Options of {@link Run.finish}. */
export interface FinishOptions {
  /** How the script ended; default "succeeded". */
  outcome?: "succeeded" | "failed" | "cancelled";
  /** Why it failed, shown on the run page: a message, or what was thrown (its message is used). */
  error?: unknown;
  /** `finish` returns within this long whatever the server does, spooling what it could not send; default 10 s. */
  timeoutMs?: number;
}

/** What became of the run's points and of the run itself once `finish` returned. */
export interface FinishReport extends SendReport {
  /** The server marked the run finished (otherwise it shows crashed once its heartbeats stop). */
  finished: boolean;
  /** Where spooled points wait for `seqlab sync`. */
  spoolDir: string;
}

/** What {@link init} hands a Run (not constructed by scripts: `init` builds it once the server created the run). */
export interface RunParts {
  summary: RunSummary;
  /** The run's page in the dashboard, absolute. */
  url: string;
  target: HttpTarget;
  spoolDir: string;
  onProblem: (message: string) => void;
  heartbeatIntervalMs: number;
}

/** Default of {@link FinishOptions.timeoutMs}: enough to send a few thousand points and the finish call. */
const DEFAULT_FINISH_TIMEOUT_MS = 10_000;
/** Of the finish budget, this much (or a quarter, if less) is kept for the finish call after the points. */
const FINISH_CALL_RESERVE_MS = 2_000;
/** First wait between finish calls that failed but may succeed (a 503); doubled each time, within the budget. */
const FINISH_RETRY_MS = 250;
/**
 * An artifact upload may take 5 minutes, or as long as its bytes take at 1 MB/s (a slow uplink) when that is longer:
 * a 1.2 GB checkpoint gets 20 minutes.
 */
const ARTIFACT_TIMEOUT_MS = 300_000;
const artifactTimeoutMs = (bytes: number) => Math.max(ARTIFACT_TIMEOUT_MS, Math.ceil(bytes / 1_000));
const LIMIT = `${MAX_ARTIFACT_UPLOAD_BYTES / 1024 ** 3} GiB`;
/** Distinct metric keys remembered as checked: far more than a dashboard shows, bounded if keys are generated. */
const MAX_REMEMBERED_KEYS = 10_000;
/** A bad key is quoted this long at most in a message (a huge key would flood the console). */
const QUOTED_KEY_CHARS = 80;

/**
 * A heartbeat is abandoned after the interval (the next tick sends another), at most 10 s (HttpTransport's
 * timeout) and at least 1 s, so a test's short interval on a loaded machine does not fail every heartbeat.
 */
const heartbeatTimeoutMs = (intervalMs: number) => Math.min(10_000, Math.max(1_000, intervalMs));

const quote = (key: string) =>
  JSON.stringify(key.length > QUOTED_KEY_CHARS ? `${key.slice(0, QUOTED_KEY_CHARS)}...` : key);

/** Resolves after `ms` (an unref()ed timer: waiting never keeps the process alive). */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());

/** `promise`, or `fallback` once `ms` have passed. */
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), Math.max(0, ms));
    timer.unref();
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A run being tracked, returned by {@link init}. `log` and `logArtifact` never block and never throw into the
 * training loop: what goes wrong is told to `onProblem` (once per kind of trouble). Points go out in batches of up
 * to 1000 or every second, are retried with backoff, and are spooled to disk when the server stays away; `seqlab
 * sync` or the next `init` sends them. Call `finish` at the end: it is bounded by its timeout.
 */
export class Run {
  /** The run's id on the server. */
  readonly id: string;
  /** The run's page in the dashboard. */
  readonly url: string;
  /** The run as the server created it (name, project, team, status). */
  readonly summary: RunSummary;
  /** Where points that could not be sent are kept. */
  readonly spoolDir: string;

  private readonly client: ClientApiClient;
  private readonly sender: PointSender;
  private readonly heartbeat: Heartbeat;
  private readonly stop = new AbortController();
  private readonly onProblem: (message: string) => void;
  private readonly told = new Set<string>();
  private readonly keys = new Map<string, boolean>();
  private readonly uploads = new Set<Promise<unknown>>();
  private readonly earlierRuns: Promise<void>;
  private maxStep = -1;
  private closed = false;
  private finishing: Promise<FinishReport> | null = null;

  /** @internal Built by {@link init}. */
  constructor(parts: RunParts) {
    this.id = parts.summary.id;
    this.url = parts.url;
    this.summary = parts.summary;
    this.spoolDir = parts.spoolDir;
    this.onProblem = parts.onProblem;
    const target: HttpTarget = { ...parts.target, signal: this.stop.signal };
    this.client = new ClientApiClient(target);
    this.heartbeat = new Heartbeat({
      intervalMs: parts.heartbeatIntervalMs,
      send: () => this.client.heartbeat(this.id, heartbeatTimeoutMs(parts.heartbeatIntervalMs)),
      onFailure: (message) => this.tell(message),
    });
    const http = new HttpTransport(target);
    this.sender = new PointSender({
      runId: this.id,
      spool: new Spool(parts.spoolDir),
      batchSize: MAX_POINTS_PER_BATCH,
      transport: {
        sendPoints: async (batch) => {
          await http.sendPoints(batch);
          this.heartbeat.noteContact();
        },
      },
      onProblem: (message) => this.tell(message),
    });
    this.heartbeat.start();
    this.earlierRuns = this.sendEarlierRuns(target);
  }

  /** Tells `onProblem`, shielding the caller from a handler that throws. */
  private tell(message: string): void {
    try {
      this.onProblem(message);
    } catch {
      // The user's handler failed; the SDK still must not throw into training.
    }
  }

  /** Tells `onProblem` the first time this kind of trouble happens. */
  private problem(kind: string, message: string): void {
    if (this.told.has(kind)) return;
    this.told.add(kind);
    this.tell(message);
  }

  /** Sends, in the background, the points that earlier runs spooled (the issue's "the next init sends them"). */
  private async sendEarlierRuns(target: HttpTarget): Promise<void> {
    try {
      const report = await syncSpool({
        url: target.baseUrl,
        apiKey: target.apiKey,
        spoolDir: this.spoolDir,
        signal: this.stop.signal,
        fetch: target.fetch,
      });
      if (report.left.points > 0 && !this.stop.signal.aborted) {
        this.problem(
          "earlier-runs",
          `seqlab could not send ${report.left.points} points spooled by earlier runs yet (${report.problem}): run \`seqlab sync\` later`,
        );
      }
    } catch (error) {
      this.problem("earlier-runs", `seqlab could not read its spool in ${this.spoolDir}: ${messageOf(error)}`);
    }
  }

  /**
   * Logs `metrics` (key → number) at one step. Never blocks, never throws: it queues the points and returns. A
   * value that is not a finite number (a string, NaN, ±Infinity: JSON cannot carry the last three) and a key that
   * is not 1-64 letters, digits, _ . / - are skipped and told to `onProblem` once. Keys are stored as given: name
   * them `<split>/<metric>` (`train/loss`, `val/accuracy`) as seqlab's own runs do. A (key, step) is stored once:
   * logging it again at the same step keeps the first value.
   */
  log(metrics: Readonly<Record<string, number>>, options?: LogOptions): void {
    try {
      if (this.closed) return this.problem("closed", "seqlab: log() after finish() is ignored");
      let step = this.maxStep + 1;
      if (options !== undefined && options.step !== undefined) {
        step = options.step;
        if (!Number.isSafeInteger(step) || step < 0) {
          return this.problem(
            "step",
            `seqlab: step must be an integer >= 0, got ${String(options.step)}; those metrics were skipped`,
          );
        }
      }
      if (step > this.maxStep) this.maxStep = step;
      if (typeof metrics !== "object" || metrics === null) {
        return this.problem("metrics", 'seqlab: log() takes an object of numbers, like { "train/loss": 0.5 }');
      }
      const wallTime = Date.now();
      for (const key in metrics) {
        const value = metrics[key];
        if (typeof value !== "number" || !Number.isFinite(value)) {
          this.skipValue(key, value);
          continue;
        }
        if (this.keys.get(key) !== true && !this.checkKey(key)) continue;
        this.sender.recordPoint({ key, step, value, wallTime });
      }
    } catch (error) {
      this.problem("log", `seqlab: log() failed (${messageOf(error)}); the training goes on`);
    }
  }

  private skipValue(key: string, value: unknown): void {
    if (typeof value === "number") {
      this.problem(
        "non-finite",
        `seqlab: ${quote(key)} is ${String(value)}, which JSON cannot carry; non-finite values are skipped`,
      );
    } else {
      this.problem("not-a-number", `seqlab: ${quote(key)} is a ${typeof value}, not a number; it is skipped`);
    }
  }

  /** Checks a key not seen before against the API's rule (remembering the answer) and tells about a bad one. */
  private checkKey(key: string): boolean {
    const known = this.keys.get(key);
    const valid = known ?? MetricKey.safeParse(key).success;
    if (known === undefined && this.keys.size < MAX_REMEMBERED_KEYS) this.keys.set(key, valid);
    if (!valid) {
      this.problem(
        "key",
        `seqlab: metric key ${quote(key)} is not 1-64 letters, digits, _ . / -; it is skipped (e.g. "train/loss")`,
      );
    }
    return valid;
  }

  /**
   * Uploads a file (a path, read with fs) or bytes as an artifact of the run. Resolves to what the server stored,
   * or to null when it could not be uploaded (the reason goes to `onProblem`); never rejects. `finish` waits for
   * uploads still in flight, within its timeout.
   */
  logArtifact(source: string | Uint8Array, options: ArtifactOptions): Promise<ArtifactSummary | null> {
    const upload = this.upload(source, options).catch((error: unknown) => {
      const name = typeof options?.name === "string" ? ` ${quote(options.name)}` : "";
      this.tell(`seqlab could not upload artifact${name}: ${messageOf(error)}`);
      return null;
    });
    this.uploads.add(upload);
    void upload.finally(() => this.uploads.delete(upload));
    return upload;
  }

  private async upload(source: string | Uint8Array, options: ArtifactOptions): Promise<ArtifactSummary> {
    if (this.finishing !== null) throw new Error("the run is finished");
    const query = ArtifactUploadQuery.safeParse({ kind: options?.kind, name: options?.name, step: options?.step });
    if (!query.success) {
      throw new Error(query.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; "));
    }
    let content: Uint8Array | { file: string; size: number };
    if (typeof source === "string") {
      const { size } = await stat(source);
      if (size > MAX_ARTIFACT_UPLOAD_BYTES) throw new Error(`${source} is ${size} bytes, over the ${LIMIT} limit`);
      // Streamed from disk as it is sent: the file is never read whole into memory.
      content = { file: source, size };
    } else if (ArrayBuffer.isView(source)) {
      // isView, not instanceof: a Buffer or a Uint8Array from another realm (a worker, a vm) is bytes too.
      content = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
      if (content.byteLength > MAX_ARTIFACT_UPLOAD_BYTES)
        throw new Error(`it is ${content.byteLength} bytes, over ${LIMIT}`);
    } else {
      throw new Error("logArtifact takes a file path or a Uint8Array");
    }
    const size = content instanceof Uint8Array ? content.byteLength : content.size;
    return this.client.uploadArtifact(this.id, query.data, content, artifactTimeoutMs(size));
  }

  /**
   * Ends the run: sends the points still queued, waits for artifact uploads in flight, then tells the server how
   * the script ended. Returns within `timeoutMs` (default 10 s) whatever the server does, spooling the points it
   * could not send; never rejects. When points were spooled, `onProblem` is told where and that `seqlab sync` sends
   * them. Calling it again returns the same report; `log` after it is ignored.
   */
  finish(options: FinishOptions = {}): Promise<FinishReport> {
    this.finishing ??= this.end(options ?? {}).catch((error: unknown) => {
      this.tell(`seqlab: finish() failed (${messageOf(error)})`);
      return { sent: 0, spooled: 0, refused: 0, finished: false, spoolDir: this.spoolDir };
    });
    return this.finishing;
  }

  private async end(options: FinishOptions): Promise<FinishReport> {
    const started = Date.now();
    const timeoutMs =
      typeof options.timeoutMs === "number" && options.timeoutMs >= 0 ? options.timeoutMs : DEFAULT_FINISH_TIMEOUT_MS;
    const deadline = started + timeoutMs;
    const reserve = Math.min(FINISH_CALL_RESERVE_MS, timeoutMs / 4);
    this.closed = true;
    this.heartbeat.stop();

    const [points] = await Promise.all([
      this.sender.finish(Math.max(0, timeoutMs - reserve)),
      within(Promise.allSettled([...this.uploads]), deadline - reserve - Date.now(), []),
    ]);
    const finished = await this.markFinished(options, deadline, timeoutMs);

    // Whatever is still in flight (a hung send, the drain of earlier runs) is abandoned: no socket outlives finish.
    this.stop.abort();
    await within(this.earlierRuns, deadline - Date.now(), undefined);
    if (points.spooled > 0) this.tell(`${points.spooled} points kept in ${this.spoolDir}: run \`seqlab sync\``);
    return { ...points, finished, spoolDir: this.spoolDir };
  }

  /** POST finish, retried while it may succeed (no answer, 5xx), until `deadline`. Whether the server took it. */
  private async markFinished(options: FinishOptions, deadline: number, timeoutMs: number): Promise<boolean> {
    const error = options.error === undefined ? undefined : messageOf(options.error).slice(0, 2000) || "(no message)";
    let body = FinishExternalRunRequest.safeParse({ outcome: options.outcome, error });
    if (!body.success) {
      this.tell(`seqlab: finish() outcome must be succeeded, failed or cancelled, got ${String(options.outcome)}`);
      body = FinishExternalRunRequest.safeParse({ outcome: error === undefined ? "succeeded" : "failed", error });
    }
    for (let wait = FINISH_RETRY_MS; ; wait *= 2) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        await this.client.finishRun(this.id, body.data ?? {}, left);
        return true;
      } catch (failure) {
        // 409: the run is finished already (an earlier finish whose answer was lost).
        if (failure instanceof TransportError && failure.status === 409) return true;
        if (!(failure instanceof TransportError && failure.retryable) || deadline - Date.now() <= wait) {
          this.tell(`seqlab could not mark the run finished (${messageOf(failure)}); it will show crashed`);
          return false;
        }
        await sleep(wait);
      }
    }
    this.tell(`seqlab could not mark the run finished within finish()'s ${timeoutMs} ms; it will show crashed`);
    return false;
  }
}
