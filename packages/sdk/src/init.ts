import {
  CreateExternalRunRequest,
  EXTERNAL_HEARTBEAT_INTERVAL_MS,
  type CreateExternalRunResponse,
} from "@seqlab/contracts";
import { ClientApiClient } from "./client-api-client";
import type { EnvSource } from "./env";
import { captureEnvironment } from "./environment";
import { Run } from "./run";
import { SeqlabInitError } from "./seqlab-init-error";
import { resolveSettings } from "./settings";
import { TransportError } from "./transport";
import { messageOf } from "./message-of";

/** Options of {@link init}. Only `project` is required. */
export interface InitOptions {
  /** The project's slug (lower-case letters, digits and dashes), e.g. "default". */
  project: string;
  /** The team's slug; may be left out when the key's user is in one team (or the key is scoped to one). */
  team?: string;
  /** Shown in the dashboard; default "<model> <date>", chosen by the server. */
  name?: string;
  /** Hyperparameters, any JSON object: the runs table filters and sorts on them as `config.<path>`. Default {}. */
  config?: Record<string, unknown>;
  /** Labels, up to 32 of 1-40 characters. Default none. */
  tags?: string[];
  /** Free text shown on the run page. Default "". */
  notes?: string;
  /** The model column's text; default "external". */
  model?: string;
  /** The dataset column's text; default "-". */
  dataset?: string;
  /** The steps the script means to train: the run page shows progress against it. */
  totalSteps?: number;
  /** The platform's URL; default `SEQLAB_URL`, else the credentials file of `seqlab login`. */
  url?: string;
  /** An API key; default `SEQLAB_API_KEY`, else the credentials file (for its own URL only). */
  apiKey?: string;
  /** Where unsent points are kept; default `SEQLAB_SPOOL_DIR`, else `$XDG_STATE_HOME/seqlab/spool`. */
  spoolDir?: string;
  /** Told what went wrong after `init` (once per kind of trouble); default `console.warn`. Never thrown. */
  onProblem?: (message: string) => void;
  /** Time between heartbeats; default EXTERNAL_HEARTBEAT_INTERVAL_MS (15 s). Shorter only for tests. */
  heartbeatIntervalMs?: number;
  /** Where to read SEQLAB_* and XDG_* from; default `process.env`. */
  env?: EnvSource;
}

/** The create call may take this long: one INSERT on the server; longer means something is wrong, say so. */
const CREATE_TIMEOUT_MS = 15_000;

/**
 * Starts tracking a run: resolves the URL and key (options, else SEQLAB_URL / SEQLAB_API_KEY, else the
 * credentials file of `seqlab login`), records the environment (git commit, Node, packages, tfjs backend),
 * creates the run on the server and returns it; the points earlier runs spooled are sent in the background.
 *
 * Unlike everything after it, `init` throws: a {@link SeqlabInitError} with one message saying what to do when
 * no URL or key is configured, an option is invalid, the server cannot be reached, refuses the key (401) or does
 * not know the project (404). It happens before training starts, so the script stops at once instead of training
 * unrecorded; catch it to train without tracking.
 */
export async function init(options: InitOptions): Promise<Run> {
  if (typeof options !== "object" || options === null) {
    throw new SeqlabInitError('init takes an options object, e.g. init({ project: "default" })');
  }
  const request = CreateExternalRunRequest.safeParse({
    team: options.team,
    project: options.project,
    name: options.name,
    config: options.config,
    tags: options.tags,
    notes: options.notes,
    model: options.model,
    dataset: options.dataset,
    totalSteps: options.totalSteps,
  });
  if (!request.success) {
    const issues = request.error.issues.map((i) => `${i.path.join(".") || "options"} ${i.message}`).join("; ");
    throw new SeqlabInitError(`seqlab init: invalid options: ${issues}`);
  }
  const settings = await resolveSettings(options, options.env);
  const environment = await captureEnvironment();
  const target = { baseUrl: settings.url, apiKey: settings.apiKey };
  let created: CreateExternalRunResponse;
  try {
    created = await new ClientApiClient(target).createExternalRun({ ...request.data, environment }, CREATE_TIMEOUT_MS);
  } catch (error) {
    throw initError(error, settings.url, options);
  }
  return new Run({
    summary: created.run,
    url: pageUrl(created.url, settings.url),
    target,
    spoolDir: settings.spoolDir,
    onProblem: options.onProblem ?? ((message) => console.warn(message)),
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? EXTERNAL_HEARTBEAT_INTERVAL_MS,
  });
}

/** The create call's failure as one message saying what to do. */
function initError(error: unknown, url: string, options: InitOptions): SeqlabInitError {
  const why = messageOf(error);
  const status = error instanceof TransportError ? error.status : undefined;
  const where = options.team ? `"${options.project}" in team "${options.team}"` : `"${options.project}"`;
  const say = (message: string) => new SeqlabInitError(message, status, { cause: error });
  if (!(error instanceof TransportError)) return say(`seqlab init failed: ${why}`);
  if (status === undefined && !error.retryable) {
    return say(`${url} answered, but not as seqlab does (${why}): is it seqlab's URL, and is seqlab up to date?`);
  }
  if (status === undefined) {
    return say(
      `seqlab is not reachable at ${url} (${why}): is the platform running (\`seqlab start\`)? ` +
        "Check the URL (the `url` option, SEQLAB_URL or `seqlab login`).",
    );
  }
  if (status === 401) {
    return say(`seqlab refused the API key (${why}): run \`seqlab login\` again, or check SEQLAB_API_KEY`);
  }
  if (status === 403) return say(`seqlab: the API key may not create runs in project ${where} (${why})`);
  if (status === 404) {
    return say(
      `seqlab has no project ${where} that this key can see (${why}): create it in the dashboard, or pass another \`project\``,
    );
  }
  if (status === 400 || status === 422) return say(`seqlab refused the run's options (${why})`);
  if (status >= 200 && status < 300)
    return say(`${url} answered, but not as seqlab does (${why}): is it seqlab's URL?`);
  return say(`seqlab at ${url} could not create the run (${why}): try again in a moment`);
}

/** The run page's URL, absolute whether the server answered with a path or a full URL. */
function pageUrl(url: string, base: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}
