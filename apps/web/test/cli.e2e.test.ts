import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase, testArtifactStoreConfig } from "@seqlab/db/testing";
import { TrainingQueue, createRedisConnection } from "@seqlab/queue";
import { createWorker, type SeqlabWorker } from "@seqlab/worker";
import { signIn } from "@seqlab/launcher/signed-in-client";
import { REDIS_URL, startWebProcess } from "./harness";

jest.setTimeout(300_000);

const ADMIN = { email: "cli-e2e@example.com", password: "cli e2e password" };
const REPO_ROOT = path.resolve(__dirname, "../../..");
const SEQLAB = path.join(REPO_ROOT, "apps/cli/bin/seqlab.cjs");
const hasTmux = spawnSync("tmux", ["-V"]).status === 0;

/**
 * The `seqlab` command line end to end against the real production server and a real worker: login, launch
 * --follow with its progress bar read from a pseudo-terminal (a tmux pane), listings as JSON, and one-line errors.
 */
(hasTmux ? describe : describe.skip)("the seqlab CLI against a real server, in a terminal", () => {
  let db: TestDatabase;
  let web: Awaited<ReturnType<typeof startWebProcess>>;
  let worker: SeqlabWorker;
  let configDir: string;
  const prefix = `cli-e2e-${randomUUID()}`;
  const session = `seqlab-cli-e2e-${process.pid}`;
  const env = () => ({ ...process.env, SEQLAB_CONFIG_DIR: configDir, SEQLAB_URL: "", SEQLAB_API_KEY: "" });
  /** The CLI without a terminal: stdout a pipe. */
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [SEQLAB, ...args], { cwd: REPO_ROOT, env: env(), encoding: "utf8", timeout: 60_000 });
  /** The same, without blocking this process's event loop (the worker lives in it). */
  const cliAsync = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [SEQLAB, ...args], { cwd: REPO_ROOT, env: env() });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
  const tmux = (...args: string[]) => spawnSync("tmux", args, { encoding: "utf8" });

  beforeAll(async () => {
    db = await createTestDatabase();
    configDir = mkdtempSync(path.join(tmpdir(), "seqlab-cli-e2e-"));
    web = await startWebProcess({
      DATABASE_URL: db.url,
      REDIS_URL,
      SEQLAB_QUEUE_PREFIX: prefix,
      SEQLAB_ADMIN_EMAIL: ADMIN.email,
      SEQLAB_ADMIN_PASSWORD: ADMIN.password,
    });
    worker = await createWorker({
      prisma: db.prisma,
      artifactStore: testArtifactStoreConfig(),
      redisUrl: REDIS_URL,
      queues: ["default"],
      prefix,
      backend: "cpu",
      log: () => undefined,
    });
  });
  afterAll(async () => {
    tmux("kill-session", "-t", session);
    await worker?.close();
    const redis = createRedisConnection(REDIS_URL);
    await new TrainingQueue({ connection: redis, queue: "default", prefix }).queue.obliterate({ force: true });
    redis.disconnect();
    await web?.stop();
    await db?.drop();
    rmSync(configDir, { recursive: true, force: true });
  });

  it("logs in, launches with --follow and draws a live bar in a terminal, then lists the run as JSON", async () => {
    const admin = await signIn(web.url, ADMIN);
    const created = await admin.fetch("/api/account/api-keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "cli e2e" }),
    });
    const { key } = (await created.json()) as { key: string };

    const login = cli("login", "--url", web.url, "--key", key);
    expect(login.stderr).toBe("");
    expect(login.status).toBe(0);
    const credentials = path.join(configDir, "credentials.json");
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(credentials, "utf8"))).toEqual({ url: web.url, apiKey: key });

    // A real terminal 140 columns wide; the command's exit code lands in a file when it ends.
    const rcFile = path.join(configDir, "launch.rc");
    const command =
      `SEQLAB_CONFIG_DIR=${configDir} ${process.execPath} ${SEQLAB} launch lstm adding ` +
      `-p units=8 -d length=10 -t steps=120 -t batchSize=16 -t evalEvery=20 --seed 5 --name cli-follow --follow; ` +
      `echo $? > ${rcFile}; sleep 600`;
    expect(tmux("new-session", "-d", "-s", session, "-x", "140", "-y", "20", command).status).toBe(0);

    const frames: string[] = [];
    for (let i = 0; i < 1200 && !existsSync(rcFile); i++) {
      const pane = tmux("capture-pane", "-p", "-t", session).stdout;
      if (frames.at(-1) !== pane) frames.push(pane);
      await new Promise((r) => setTimeout(r, 100));
    }
    frames.push(tmux("capture-pane", "-p", "-t", session).stdout);
    expect(readFileSync(rcFile, "utf8").trim()).toBe("0");

    // A bar part-way: filled and empty cells on one line with "step/total" counts, redrawn in place.
    const partial = frames.find((f) => /\u2588+\u2591+/.test(f) && /\b\d+\/120\b/.test(f));
    expect(partial).toBeDefined();
    const last = frames.at(-1)!;
    expect(last).toMatch(/120\/120/);
    expect(last).toMatch(/SUCCEEDED/);
    // Redrawn, not scrolled: the bar's line appears once in the final screen.
    expect(last.split("\n").filter((line) => line.includes("\u2588"))).toHaveLength(1);
    expect(last).toMatch(/run \S+ SUCCEEDED at step 120\/120/);

    const listed = await cliAsync("runs", "ls", "--json");
    expect(listed.status).toBe(0);
    const runs = JSON.parse(listed.stdout) as { runs: { name: string; status: string }[] };
    expect(runs.runs).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "cli-follow", status: "SUCCEEDED" })]),
    );
  });

  it("prints progress as plain lines without a terminal, and bad input as one line with a non-zero exit", async () => {
    const piped = await cliAsync(
      "launch",
      "rnn",
      "adding",
      "-p",
      "units=4",
      "-d",
      "length=5",
      "-t",
      "steps=20",
      "--follow",
    );
    expect(piped.status).toBe(0);
    // No escape sequences and no bar redraws in a pipe.
    expect(piped.stdout).not.toMatch(/\u001b\[/);
    expect(piped.stdout).not.toMatch(/\r/);
    expect(piped.stdout).toMatch(/SUCCEEDED/);

    const unknownModel = cli("launch", "transformer-xl", "adding");
    expect(unknownModel.status).not.toBe(0);
    expect(unknownModel.stderr.trim().split("\n")).toHaveLength(1);
    expect(unknownModel.stderr).toMatch(/transformer-xl/);
    expect(unknownModel.stderr).toMatch(/lstm/);

    const badFlag = cli("runs", "ls", "--limit", "many");
    expect(badFlag.status).not.toBe(0);
    expect(badFlag.stderr.trim().split("\n")).toHaveLength(1);

    const unreachable = spawnSync(
      process.execPath,
      [SEQLAB, "runs", "ls", "--url", "http://127.0.0.1:9", "--key", "k"],
      {
        cwd: REPO_ROOT,
        env: env(),
        encoding: "utf8",
      },
    );
    expect(unreachable.status).not.toBe(0);
    expect(unreachable.stderr.trim().split("\n")).toHaveLength(1);
    expect(unreachable.stderr).toMatch(/reach|running/i);
  });
});
