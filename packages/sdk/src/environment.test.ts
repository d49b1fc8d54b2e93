import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { RunEnvironment } from "@seqlab/contracts";
import { captureEnvironment } from "./environment";

describe("captureEnvironment", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "seqlab-env-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const git = (...args: string[]) =>
    execFileSync(
      "git",
      ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args],
      {
        cwd: dir,
        encoding: "utf8",
      },
    ).trim();

  it("is git-less outside a checkout, and records Node, platform, host, cwd and the command", async () => {
    const environment = await captureEnvironment({ cwd: dir, argv: ["node", "train.js", "--steps", "3"] });
    expect(RunEnvironment.parse(environment)).toEqual(environment);
    expect(environment).toMatchObject({
      git: null,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      host: os.hostname(),
      cwd: dir,
      command: ["node", "train.js", "--steps", "3"],
      tfjsBackend: null,
    });
  });

  it("records the commit, the branch, the remote without its password, and whether tracked files changed", async () => {
    git("init", "-q", "-b", "main");
    git("remote", "add", "origin", "https://someone:ghp_secret@example.com/owner/repo.git");
    writeFileSync(path.join(dir, "train.js"), "console.log(1)\n");
    git("add", "train.js");
    git("commit", "-q", "-m", "first");
    const commit = git("rev-parse", "HEAD");
    // A file git does not track is not a change to the code that ran.
    writeFileSync(path.join(dir, "notes.txt"), "scratch");
    expect((await captureEnvironment({ cwd: dir })).git).toEqual({
      commit,
      branch: "main",
      dirty: false,
      remote: "https://example.com/owner/repo.git",
    });
    writeFileSync(path.join(dir, "train.js"), "console.log(2)\n");
    expect((await captureEnvironment({ cwd: dir })).git).toMatchObject({ commit, dirty: true });
    git("checkout", "-q", "--detach");
    expect((await captureEnvironment({ cwd: dir })).git).toMatchObject({ commit, branch: null });
  });

  it("records installed versions of the nearest package.json's dependencies, and redacts secret flags", async () => {
    writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ dependencies: { "left-pad": "^1.0.0", "@scope/thing": "*", "not-installed": "1" } }),
    );
    for (const [name, version] of [
      ["left-pad", "1.3.0"],
      ["@scope/thing", "2.0.0-beta.1"],
    ]) {
      mkdirSync(path.join(dir, "node_modules", name!), { recursive: true });
      // An `exports` map without "./package.json": the version is still found.
      writeFileSync(
        path.join(dir, "node_modules", name!, "package.json"),
        JSON.stringify({ name, version, exports: { ".": "./index.js" } }),
      );
    }
    const nested = path.join(dir, "src", "deep");
    mkdirSync(nested, { recursive: true });
    const environment = await captureEnvironment({
      cwd: nested,
      argv: ["node", "train.js", "--api-key", "sk_live", "--token=abc", "--steps", "5"],
    });
    expect(environment.packages).toMatchObject({ "left-pad": "1.3.0", "@scope/thing": "2.0.0-beta.1" });
    expect(environment.packages).not.toHaveProperty("not-installed");
    expect(environment.packages["@seqlab/sdk"]).toMatch(/^\d+\.\d+\.\d+/);
    expect(environment.command).toEqual(["node", "train.js", "--api-key", "***", "--token=***", "--steps", "5"]);
  });

  it("cuts what is too long to the schema's limits instead of failing", async () => {
    const environment = await captureEnvironment({
      cwd: path.join(dir, "x".repeat(5000)),
      argv: Array.from({ length: 300 }, () => "a".repeat(5000)),
    });
    expect(RunEnvironment.safeParse(environment).success).toBe(true);
    expect(environment.command).toHaveLength(256);
    expect(environment.cwd).toHaveLength(4096);
    expect(environment.git).toBeNull();
  });
});
