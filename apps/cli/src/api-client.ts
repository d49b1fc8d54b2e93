import { z } from "zod";
import { CliError } from "./cli-error";
import { describeNetworkFailure } from "./network-error";

/**
 * A request that failed: no answer (`status` null), or the server said no. `retryable` when trying again later may
 * work (no answer, 429, 5xx); a 4xx other than 429 will answer the same next time.
 */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, undefined, options);
    this.name = "ApiError";
  }
}

/** Query parameters; undefined ones are left out. */
export type Query = Record<string, string | number | undefined>;

/** How the CLI reaches the server. */
export interface ApiClientOptions {
  /** The platform's URL, e.g. http://localhost:3000 (a path prefix behind a proxy is kept). */
  url: string;
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey: string;
  /** Default the global fetch. */
  fetch?: typeof fetch;
  /** Per request, until the whole JSON answer is in; default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** One request. */
export interface RequestOptions {
  /** Default GET. */
  method?: "GET" | "POST";
  query?: Query;
  /** A JSON body. */
  json?: unknown;
  /** Aborts the request (and the reading of its body). */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
}

/**
 * Every route answers a JSON request within a second or two; 30 s means the server is stuck, and saying so beats
 * a command that hangs.
 */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The error body of every /api route: `{ error, issues? }` (docs/api-v1.md). */
const ErrorBody = z.object({
  error: z.string(),
  issues: z
    .array(z.object({ path: z.union([z.string(), z.array(z.union([z.string(), z.number()]))]), message: z.string() }))
    .optional(),
});

/** At most this much of a body that is not the error JSON (a proxy's HTML page) goes into a message. */
const MAX_BODY_CHARS = 200;

/** The one-line message of a refused request: the server's `error`, then each issue it names that it did not say. */
function refusalMessage(body: z.infer<typeof ErrorBody>): string {
  const issues = (body.issues ?? [])
    .map((issue) => ({ path: Array.isArray(issue.path) ? issue.path.join(".") : issue.path, message: issue.message }))
    // A filter error says the whole thing in `error` already; its one issue would repeat it.
    .filter((issue) => !body.error.includes(issue.message))
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  return issues.length > 0 ? `${body.error}: ${issues.join("; ")}` : body.error;
}

/**
 * The client API (`/api/v1`, docs/api-v1.md) for the CLI: every failure is an {@link ApiError} with a one-line
 * message (an unreachable server, a 401 that says to log in, the server's own `{ error, issues }`), and JSON
 * answers are checked against the contract's zod schemas.
 */
export class ApiClient {
  /** The platform's URL without a trailing slash. */
  readonly url: string;
  private readonly apiKey: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.url = options.url.replace(/\/+$/, "");
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The full URL of `path` (`/api/v1/...`) with `query`. */
  href(path: string, query: Query = {}): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
    const text = search.toString();
    return `${this.url}${path}${text ? `?${text}` : ""}`;
  }

  /**
   * Sends a request and resolves with the response once its headers are in and its status is 2xx; the caller reads
   * the body (a download, an event stream). The timeout covers only the wait for the headers.
   */
  async open(path: string, options: RequestOptions = {}): Promise<Response> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), options.timeoutMs ?? this.timeoutMs);
    try {
      return await this.send(path, options, timeout);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A JSON request whose whole answer must arrive within the timeout; `data` is checked against `schema`. */
  async json<S extends z.ZodType>(
    path: string,
    schema: S,
    options: RequestOptions = {},
  ): Promise<{ data: z.output<S>; raw: unknown }> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), options.timeoutMs ?? this.timeoutMs);
    try {
      const response = await this.send(path, options, timeout);
      let raw: unknown;
      try {
        raw = await response.json();
      } catch (error) {
        throw this.failure(path, options, error, timeout.signal, "its answer is not JSON");
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        // Three issues say what changed; the rest of a mismatched shape would only make the line unreadable.
        const why = parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`)
          .join("; ");
        throw new ApiError(
          `unexpected answer from ${options.method ?? "GET"} ${path} (a server of another version?): ${why}`,
          response.status,
          false,
        );
      }
      return { data: parsed.data, raw };
    } finally {
      clearTimeout(timer);
    }
  }

  private async send(path: string, options: RequestOptions, timeout: AbortController): Promise<Response> {
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}`, accept: "application/json" };
    if (options.json !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await this.fetchImpl(this.href(path, options.query), {
        method: options.method ?? "GET",
        headers,
        body: options.json === undefined ? undefined : JSON.stringify(options.json),
        signal,
      });
    } catch (error) {
      throw this.failure(path, options, error, timeout.signal);
    }
    if (response.ok) return response;
    throw await this.refusal(path, options, response);
  }

  /** The error for a request that got no (complete) answer; a caller's own abort is passed through unchanged. */
  private failure(path: string, options: RequestOptions, error: unknown, timeout: AbortSignal, what?: string): unknown {
    if (options.signal?.aborted) return error;
    if (timeout.aborted) {
      const seconds = Math.round((options.timeoutMs ?? this.timeoutMs) / 1000);
      return new ApiError(
        `${this.url} did not answer ${options.method ?? "GET"} ${path} within ${seconds} s`,
        null,
        true,
      );
    }
    if (what) return new ApiError(`${this.url}: ${what} (${options.method ?? "GET"} ${path})`, null, true);
    const { reason, refused } = describeNetworkFailure(error);
    const hint = refused ? " — is the server running? (`seqlab start`)" : " — check the URL (--url, SEQLAB_URL)";
    return new ApiError(`cannot reach ${this.url}: ${reason}${hint}`, null, true, { cause: error });
  }

  /** The error for a non-2xx answer, from its `{ error, issues }` body when it has one. */
  private async refusal(path: string, options: RequestOptions, response: Response): Promise<ApiError> {
    const text = await response.text().catch(() => "");
    let body: z.infer<typeof ErrorBody> | null = null;
    try {
      const parsed = ErrorBody.safeParse(JSON.parse(text));
      if (parsed.success) body = parsed.data;
    } catch {
      body = null;
    }
    const retryable = response.status === 429 || response.status >= 500;
    if (response.status === 401) {
      const why = body?.error ?? "the server did not accept the API key";
      return new ApiError(`${why} — run \`seqlab login\``, 401, false);
    }
    if (body) return new ApiError(refusalMessage(body), response.status, retryable);
    const snippet = text.replace(/\s+/g, " ").trim().slice(0, MAX_BODY_CHARS);
    const what = `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
    return new ApiError(
      `${options.method ?? "GET"} ${path} answered ${what}${snippet ? `: ${snippet}` : ""}`,
      response.status,
      retryable,
    );
  }
}
