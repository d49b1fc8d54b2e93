import type { ChildProcess } from "node:child_process";

/** First restart delay after an unexpected exit; each further consecutive failure doubles it. */
export const FIRST_RESTART_DELAY_MS = 1_000;
/** The restart delay never grows past this: a broken process is retried twice a minute, not hammered. */
export const MAX_RESTART_DELAY_MS = 30_000;
/** A process that stayed up this long is considered healthy again: its next failure starts the backoff afresh. */
export const HEALTHY_UPTIME_MS = 60_000;

/**
 * The delay before restarting a process that exited unexpectedly: 1 s, 2 s, 4 s ... capped at 30 s over consecutive
 * failures, back to 1 s when it had been up for 60 s. `failures` counts the consecutive failures before this one.
 */
export function restartDelay(failures: number, uptimeMs: number): { delayMs: number; failures: number } {
  const consecutive = uptimeMs >= HEALTHY_UPTIME_MS ? 0 : failures;
  return {
    delayMs: Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** consecutive),
    failures: consecutive + 1,
  };
}

/** The kinds of process, in the order they are stopped: workers checkpoint while the web app and services are up. */
export type ProcessGroup = "worker" | "web" | "service";
const STOP_ORDER: ProcessGroup[] = ["worker", "web", "service"];

/** How long each group may take to exit after SIGTERM before it is killed. Workers checkpoint and hand back. */
const STOP_GRACE_MS: Record<ProcessGroup, number> = { worker: 30_000, web: 10_000, service: 20_000 };

/** One supervised process. */
export interface ProcessSpec {
  /** Shown in the log: "web", "worker-1", "postgres". */
  name: string;
  group: ProcessGroup;
  /** Starts (or restarts) the process. */
  start(): ChildProcess;
}

interface Supervised {
  spec: ProcessSpec;
  child: ChildProcess | null;
  startedAt: number;
  failures: number;
  timer: NodeJS.Timeout | null;
  restarts: number;
}

/** What the supervisor reports: every exit and restart, for the log and for tests. */
export type SupervisorEvent =
  | { type: "started"; name: string; pid: number | undefined; restarts: number }
  | { type: "exited"; name: string; code: number | null; signal: NodeJS.Signals | null; uptimeMs: number }
  | { type: "restarting"; name: string; delayMs: number };

/**
 * Keeps a set of processes running: one that exits while the platform is up is logged with its exit code or signal
 * and restarted after {@link restartDelay}. Only {@link Supervisor.stop} ends them, group by group.
 */
export class Supervisor {
  private readonly processes: Supervised[] = [];
  private stopping = false;

  constructor(private readonly onEvent: (event: SupervisorEvent) => void) {}

  /** Starts a process and supervises it from now on; returns its first child. */
  add(spec: ProcessSpec): ChildProcess {
    const entry: Supervised = { spec, child: null, startedAt: 0, failures: 0, timer: null, restarts: 0 };
    this.processes.push(entry);
    return this.launch(entry);
  }

  /** The live child of a named process (null between a crash and its restart). */
  child(name: string): ChildProcess | null {
    return this.processes.find((p) => p.spec.name === name)?.child ?? null;
  }

  private launch(entry: Supervised): ChildProcess {
    entry.timer = null;
    const child = entry.spec.start();
    entry.child = child;
    entry.startedAt = Date.now();
    this.onEvent({ type: "started", name: entry.spec.name, pid: child.pid, restarts: entry.restarts });
    child.once("exit", (code, signal) => {
      if (entry.child === child) entry.child = null;
      const uptimeMs = Date.now() - entry.startedAt;
      this.onEvent({ type: "exited", name: entry.spec.name, code, signal, uptimeMs });
      if (this.stopping) return;
      const next = restartDelay(entry.failures, uptimeMs);
      entry.failures = next.failures;
      entry.restarts += 1;
      this.onEvent({ type: "restarting", name: entry.spec.name, delayMs: next.delayMs });
      entry.timer = setTimeout(() => this.launch(entry), next.delayMs);
    });
    return child;
  }

  /**
   * Stops everything: no more restarts; then workers (SIGTERM: they checkpoint and hand their runs back), the web
   * app, and the services, each group given its grace period before SIGKILL.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const p of this.processes) if (p.timer) clearTimeout(p.timer);
    for (const group of STOP_ORDER) {
      const children = this.processes
        .filter((p) => p.spec.group === group && p.child)
        .map((p) => p.child!)
        .filter((c) => c.exitCode === null && c.signalCode === null);
      const exited = children.map((c) => new Promise<void>((resolve) => c.once("exit", () => resolve())));
      for (const c of children) c.kill("SIGTERM");
      const timeout = new Promise<"timeout">((resolve) =>
        setTimeout(() => resolve("timeout"), STOP_GRACE_MS[group]).unref(),
      );
      if ((await Promise.race([Promise.all(exited), timeout])) === "timeout") {
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
        await Promise.all(exited);
      }
    }
  }

  /** Kills everything at once (a second Ctrl-C). */
  killAll(): void {
    this.stopping = true;
    for (const p of this.processes) {
      if (p.timer) clearTimeout(p.timer);
      p.child?.kill("SIGKILL");
    }
  }
}
