import { spawn, type ChildProcess } from "node:child_process";
import { restartDelay, Supervisor, type SupervisorEvent } from "./supervisor";

describe("restartDelay", () => {
  it("doubles from 1 s over consecutive failures and stops at 30 s", () => {
    let failures = 0;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const next = restartDelay(failures, 500);
      delays.push(next.delayMs);
      failures = next.failures;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it("starts again at 1 s once a process stayed up for 60 s", () => {
    expect(restartDelay(5, 59_999).delayMs).toBe(30_000);
    expect(restartDelay(5, 60_000)).toEqual({ delayMs: 1_000, failures: 1 });
  });
});

describe("Supervisor (real child processes)", () => {
  const node = (script: string) => spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "ignore"] });

  it("restarts a process that exits unexpectedly, reporting its exit code, and stops it for good on stop()", async () => {
    const events: SupervisorEvent[] = [];
    let onRestart = () => {};
    const restarted = new Promise<void>((resolve) => (onRestart = resolve));
    const supervisor = new Supervisor((event) => {
      events.push(event);
      if (event.type === "started" && event.restarts === 1) onRestart();
    });
    let starts = 0;
    supervisor.add({
      name: "flaky",
      group: "worker",
      // The first run exits with code 3 at once; the restarted one stays up until stopped.
      start: () => node(starts++ === 0 ? "process.exit(3)" : "setInterval(() => {}, 1000)"),
    });
    await restarted;
    expect(events.slice(0, 4)).toEqual([
      { type: "started", name: "flaky", pid: expect.any(Number), restarts: 0 },
      { type: "exited", name: "flaky", code: 3, signal: null, uptimeMs: expect.any(Number) },
      { type: "restarting", name: "flaky", delayMs: 1_000 },
      { type: "started", name: "flaky", pid: expect.any(Number), restarts: 1 },
    ]);
    const child = supervisor.child("flaky")!;
    await supervisor.stop();
    expect(child.signalCode).toBe("SIGTERM");
    expect(events.at(-1)).toMatchObject({ type: "exited", signal: "SIGTERM" });
    expect(events.filter((e) => e.type === "restarting")).toHaveLength(1);
  });

  it("stops workers before the web app and the web app before the services", async () => {
    const exits: string[] = [];
    const supervisor = new Supervisor((event) => event.type === "exited" && exits.push(event.name));
    // Each process takes a while to exit on SIGTERM, so an order by group cannot happen by chance. It says "ready"
    // once its handler is installed: a SIGTERM before that would kill it at once and prove nothing.
    const slow =
      "process.on('SIGTERM', () => setTimeout(() => process.exit(0), 200)); console.log('ready'); setInterval(() => {}, 1000)";
    const ready = (child: ChildProcess) => new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
    const children = [
      supervisor.add({ name: "postgres", group: "service", start: () => node(slow) }),
      supervisor.add({ name: "web", group: "web", start: () => node(slow) }),
      supervisor.add({ name: "worker-1", group: "worker", start: () => node(slow) }),
      supervisor.add({ name: "worker-2", group: "worker", start: () => node(slow) }),
    ];
    await Promise.all(children.map(ready));
    await supervisor.stop();
    expect(exits.slice(0, 2).sort()).toEqual(["worker-1", "worker-2"]);
    expect(exits.slice(2)).toEqual(["web", "postgres"]);
  });
});
