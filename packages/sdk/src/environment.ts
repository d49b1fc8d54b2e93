import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { RunEnvironment } from "@seqlab/contracts";
import sdkPackage from "../package.json";

/** Where to look: the script's working directory and command line. */
export interface CaptureEnvironmentOptions {
  /** Directory whose git checkout and package.json describe the run; default `process.cwd()`. */
  cwd?: string;
  /** The command line to record; default `process.argv`. */
  argv?: readonly string[];
}

/**
 * A git command that takes longer is abandoned (its answer recorded as unknown): `git status` on a large checkout
 * answers well under a second, and a hung one (a network file system, a lock) must not hold `init` for long.
 */
const GIT_TIMEOUT_MS = 2_000;
/** Packages recorded at most: a script's direct dependencies are tens; a cap keeps a monorepo's root sane. */
const MAX_PACKAGES = 200;
/** The schema's limits (contracts' RunEnvironment): longer strings are cut to fit rather than refused. */
const LIMITS = { short: 64, host: 256, arg: 4096, args: 256, cwd: 4096, name: 214, remote: 1024 } as const;
/** TensorFlow.js packages recorded whenever installed, whether or not package.json names them. */
const TFJS_PACKAGES = [
  "@tensorflow/tfjs",
  "@tensorflow/tfjs-core",
  "@tensorflow/tfjs-node",
  "@tensorflow/tfjs-node-gpu",
  "@tensorflow/tfjs-backend-cpu",
  "@tensorflow/tfjs-backend-wasm",
  "@tensorflow/tfjs-backend-webgl",
  "@tensorflow/tfjs-backend-webgpu",
];

const clip = (value: string, max: number) => (value.length > max ? value.slice(0, max) : value);

/** A flag whose value is a secret: recorded as "***" so an API key typed on the command line is never stored. */
const SECRET_FLAG = /^--?[\w-]*(key|token|secret|password|passwd)[\w-]*$/i;

/** `argv` with the values of secret-looking flags (`--api-key X`, `--token=X`) replaced by "***". */
function redact(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    if (eq > 0 && SECRET_FLAG.test(arg.slice(0, eq))) out.push(`${arg.slice(0, eq)}=***`);
    else if (SECRET_FLAG.test(arg) && i + 1 < argv.length) {
      out.push(arg, "***");
      i += 1;
    } else out.push(arg);
  }
  return out;
}

/** Runs git in `cwd`; its trimmed output, or null when it failed, timed out or git is not installed. */
function git(cwd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    try {
      execFile("git", args, { cwd, timeout: GIT_TIMEOUT_MS, windowsHide: true }, (error, stdout) =>
        resolve(error ? null : String(stdout).trim()),
      );
    } catch {
      resolve(null);
    }
  });
}

/** A remote URL without the user and password some clones carry (https://user:token@host/...). */
function withoutCredentials(remote: string): string {
  try {
    const url = new URL(remote);
    if (url.username || url.password) {
      url.username = "";
      url.password = "";
    }
    return url.href;
  } catch {
    return remote; // scp-like "git@host:owner/repo.git": the user is not a secret.
  }
}

async function captureGit(cwd: string): Promise<RunEnvironment["git"]> {
  const [commit, branch, status, remote] = await Promise.all([
    git(cwd, ["rev-parse", "HEAD"]),
    git(cwd, ["symbolic-ref", "--short", "-q", "HEAD"]),
    // --no-optional-locks: never take the index lock a git command the user runs meanwhile would then fail on.
    git(cwd, ["--no-optional-locks", "status", "--porcelain", "--untracked-files=no"]),
    git(cwd, ["config", "--get", "remote.origin.url"]),
  ]);
  if (commit === null || !/^[0-9a-f]{7,64}$/.test(commit)) return null;
  return {
    commit,
    branch: branch ? clip(branch, 256) : null,
    dirty: status === null ? false : status !== "",
    remote: remote ? clip(withoutCredentials(remote), LIMITS.remote) : null,
  };
}

/** The nearest package.json at or above `dir`, or null. */
function nearestPackageJson(dir: string): string | null {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const candidate = path.join(current, "package.json");
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
    if (path.dirname(current) === current) return null;
  }
}

/**
 * The installed version of `name` as `from` would load it, read from its package.json in the node_modules
 * directories Node searches (not through `require.resolve`, which an `exports` map without "./package.json" refuses).
 */
function installedVersion(from: NodeJS.Require, name: string): string | null {
  for (const dir of from.resolve.paths(name) ?? []) {
    try {
      const json = JSON.parse(readFileSync(path.join(dir, name, "package.json"), "utf8")) as { version?: unknown };
      if (typeof json.version === "string") return json.version;
    } catch {
      // Not installed here: look further up.
    }
  }
  return null;
}

function capturePackages(cwd: string): Record<string, string> {
  const packages: Record<string, string> = { "@seqlab/sdk": sdkPackage.version };
  const manifest = nearestPackageJson(cwd);
  const from = createRequire(manifest ?? path.join(path.resolve(cwd), "package.json"));
  let names: string[] = [];
  if (manifest) {
    try {
      const json = JSON.parse(readFileSync(manifest, "utf8")) as { dependencies?: Record<string, unknown> };
      names = Object.keys(json.dependencies ?? {});
    } catch {
      // An unreadable package.json: the tfjs packages below are still worth recording.
    }
  }
  for (const name of [...TFJS_PACKAGES, ...names]) {
    if (Object.keys(packages).length >= MAX_PACKAGES) break;
    if (name.length > LIMITS.name || name in packages) continue;
    const version = installedVersion(from, name);
    if (version !== null) packages[name] = clip(version, LIMITS.short);
  }
  return packages;
}

/** The backend of a TensorFlow.js already loaded by the script (CommonJS), without loading or initialising one. */
function loadedTfjsBackend(): string | null {
  const cache = typeof require === "undefined" ? undefined : require.cache;
  for (const [file, entry] of Object.entries(cache ?? {})) {
    if (!/[\\/]@tensorflow[\\/]tfjs(-core)?[\\/]/.test(file)) continue;
    const getBackend = (entry?.exports as { getBackend?: unknown } | undefined)?.getBackend;
    if (typeof getBackend !== "function") continue;
    try {
      // getBackend() reads the engine's current backend name; it never initialises a backend.
      const name: unknown = getBackend();
      return typeof name === "string" && name !== "" ? clip(name, LIMITS.short) : null;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Where the run's code came from and ran: the git checkout (commit, branch, uncommitted changes, remote without
 * credentials; null outside a checkout or without git), Node, platform, host, command line (secret-looking flag
 * values redacted), working directory, installed versions of the nearest package.json's dependencies and of
 * TensorFlow.js, and tfjs's backend when the script has loaded it. Every probe is best-effort: this never throws,
 * and what cannot be found is null or left out. Strings are cut to the schema's limits.
 */
export async function captureEnvironment(options: CaptureEnvironmentOptions = {}): Promise<RunEnvironment> {
  const cwd = options.cwd ?? process.cwd();
  const argv = redact(options.argv ?? process.argv);
  const base = {
    node: clip(process.version, LIMITS.short),
    platform: clip(`${process.platform}-${process.arch}`, LIMITS.short),
    host: clip(
      safely(() => os.hostname(), "unknown"),
      LIMITS.host,
    ),
    command: argv.slice(0, LIMITS.args).map((a) => clip(a, LIMITS.arg)),
    cwd: clip(cwd, LIMITS.cwd),
  };
  const [git, packages, tfjsBackend] = await Promise.all([
    captureGit(cwd).catch(() => null),
    Promise.resolve().then(() => safely(() => capturePackages(cwd), {})),
    Promise.resolve().then(() => safely(loadedTfjsBackend, null)),
  ]);
  const parsed = RunEnvironment.safeParse({ ...base, git, packages, tfjsBackend });
  // Cut to fit above, so this holds; if some probe still produced an odd value, record what surely fits.
  return parsed.success ? parsed.data : { ...base, git: null, packages: {}, tfjsBackend: null };
}

function safely<T>(probe: () => T, fallback: T): T {
  try {
    return probe();
  } catch {
    return fallback;
  }
}
