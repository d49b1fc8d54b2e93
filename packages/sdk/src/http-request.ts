import { createReadStream, openAsBlob } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { pipeline } from "node:stream/promises";
import { TransportError } from "./transport";

/** Where and how to reach the client API; shared by the point transport and the other routes. */
export interface HttpTarget {
  /** The platform's URL, e.g. http://localhost:3000. */
  baseUrl: string;
  /** An API key (Settings → API keys), sent as a bearer token. */
  apiKey: string;
  /** For tests: the fetch to use; default the global fetch. */
  fetch?: typeof fetch;
  /** Aborts every request made with this target (the run's `finish` does, so no socket outlives it). */
  signal?: AbortSignal;
}

/** One POST to the client API. */
export interface PostRequest {
  /** The route, e.g. `/api/v1/runs/<id>/points`. */
  path: string;
  /** Query parameters; undefined ones are left out. */
  query?: Record<string, string | number | undefined>;
  /**
   * A JSON body, or raw bytes sent as application/octet-stream: in memory, or a file streamed from disk as the
   * socket takes it (a checkpoint of gigabytes never sits in the script's memory); none when left out.
   */
  body?: { json: unknown } | { bytes: Uint8Array } | { file: string; size: number };
  /** The request (answer included) is abandoned after this long: a hung server never holds a caller. */
  timeoutMs: number;
}

/** The first characters of an error body that is not JSON (a proxy's error page) are enough to say what it was. */
const MAX_MESSAGE_CHARS = 300;

/**
 * POSTs to the client API and returns the answer's JSON (null for an empty body). Throws a {@link TransportError}
 * with a one-line message: "<origin> did not answer (<code>)" when there was no answer, which is retryable, or
 * "<status> <the server's `error`>" (and its field issues) when the server said no; 429 and 5xx are retryable, any
 * other 4xx is not. A 2xx whose body is not JSON (a captive portal, a wrong URL) is retryable too: it stored nothing.
 */
export async function postToSeqlab(target: HttpTarget, request: PostRequest): Promise<unknown> {
  const url = new URL(request.path, target.baseUrl);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = { authorization: `Bearer ${target.apiKey}` };
  let body: string | Blob | undefined;
  let file: { file: string; size: number } | null = null;
  if (request.body && "json" in request.body) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(request.body.json);
  } else if (request.body && "file" in request.body) {
    headers["content-type"] = "application/octet-stream";
    file = request.body;
  } else if (request.body) {
    headers["content-type"] = "application/octet-stream";
    // A Blob is a body in every lib typing of fetch (a bare Uint8Array is not in the DOM one).
    body = new Blob([new Uint8Array(request.body.bytes)]);
  }
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = target.signal ? AbortSignal.any([timeout, target.signal]) : timeout;
  let status: number;
  let text: string;
  try {
    if (file && !target.fetch) {
      ({ status, text } = await sendFile(url, headers, file, signal));
    } else {
      if (file) body = await openAsBlob(file.file);
      const response = await (target.fetch ?? fetch)(url, { method: "POST", headers, body, signal });
      status = response.status;
      text = await response.text();
    }
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
    const why = timeout.aborted
      ? `no answer within ${request.timeoutMs} ms`
      : target.signal?.aborted
        ? "abandoned: the run finished"
        : (cause ?? (error as Error).name);
    throw new TransportError(`${url.origin} did not answer (${why})`, true);
  }
  let json: unknown = null;
  let parsed = text.trim() === "";
  if (!parsed) {
    try {
      json = JSON.parse(text);
      parsed = true;
    } catch {
      // Not JSON: handled below by status.
    }
  }
  if (status >= 200 && status < 300) {
    if (!parsed) throw new TransportError(`${status} from ${url.origin} is not seqlab's API (not JSON)`, true, status);
    return json;
  }
  throw new TransportError(
    `${status} ${parsed ? errorMessage(json, text) : text.slice(0, MAX_MESSAGE_CHARS)}`.trim(),
    status === 429 || status >= 500,
    status,
  );
}

/** The API's error body `{ error, issues? }` as one line: "the reason: path message; path message". */
function errorMessage(json: unknown, text: string): string {
  if (json === null || typeof json !== "object") return text.slice(0, MAX_MESSAGE_CHARS);
  const { error, issues } = json as { error?: unknown; issues?: unknown };
  const base = typeof error === "string" ? error : text.slice(0, MAX_MESSAGE_CHARS);
  if (!Array.isArray(issues) || issues.length === 0) return base;
  const details = issues
    .map((issue: { path?: unknown; message?: unknown }) => `${String(issue.path ?? "")} ${String(issue.message ?? "")}`)
    .join("; ");
  return `${base}: ${details}`.slice(0, 2 * MAX_MESSAGE_CHARS);
}

/**
 * POSTs a file as the body through node:http(s), read from disk only as fast as the socket drains. Not fetch: its
 * undici (Node 20) takes a streamed or file-backed body faster than it sends it, and a 200 MB upload grew the
 * process by about 200 MB (bench/sdk-artifact-upload.ts); here it is a few chunks. A server that answers before
 * taking the whole body (a 413) is still an answer, not a broken connection.
 */
function sendFile(
  url: URL,
  headers: Record<string, string>,
  file: { file: string; size: number },
  signal: AbortSignal,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      url,
      { method: "POST", headers: { ...headers, "content-length": String(file.size) }, signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    // An early answer closes the socket under the rest of the body: give the answer a moment to arrive first.
    const failed = (error: unknown) => setTimeout(() => reject(error), 1_000).unref();
    req.on("error", failed);
    pipeline(createReadStream(file.file), req).catch(failed);
  });
}
