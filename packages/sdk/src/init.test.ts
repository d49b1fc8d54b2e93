import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { RunEnvironment } from "@seqlab/contracts";
import { startFakeSeqlab, type FakeSeqlab } from "../test/fake-seqlab-server";
import { init } from "./init";
import { SeqlabInitError } from "./seqlab-init-error";

describe("init", () => {
  let fake: FakeSeqlab;
  let spoolDir: string;
  beforeEach(async () => {
    fake = await startFakeSeqlab();
    spoolDir = mkdtempSync(path.join(os.tmpdir(), "seqlab-init-"));
  });
  afterEach(async () => {
    await fake.close();
    rmSync(spoolDir, { recursive: true, force: true });
  });
  /** No credentials file or SEQLAB_* variable of the machine running the tests leaks in. */
  const env = {};

  it("creates the run with its options and the environment, and returns its id and absolute URL", async () => {
    const run = await init({
      project: "default",
      name: "my run",
      config: { lr: 0.01, layers: [16, 16], optimizer: { name: "adam" } },
      tags: ["baseline"],
      notes: "first try",
      model: "GRU",
      dataset: "sine",
      totalSteps: 300,
      url: fake.url,
      apiKey: fake.apiKey,
      spoolDir,
      env,
    });
    try {
      expect(run.id).toBe("run1");
      expect(run.url).toBe(`${fake.url}/runs/run1`);
      expect(fake.requests[0]).toMatchObject({ path: "/api/v1/external-runs", auth: "Bearer sk_test" });
      const created = fake.created[0]!;
      expect(created).toMatchObject({
        project: "default",
        name: "my run",
        config: { lr: 0.01, layers: [16, 16], optimizer: { name: "adam" } },
        tags: ["baseline"],
        notes: "first try",
        model: "GRU",
        dataset: "sine",
        totalSteps: 300,
      });
      const environment = RunEnvironment.parse(created.environment);
      expect(environment).toMatchObject({ node: process.version, cwd: process.cwd(), host: os.hostname() });
      expect(environment.packages["@seqlab/sdk"]).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await run.finish({ timeoutMs: 2000 });
    }
  });

  it("throws one SeqlabInitError with the server's message when the key is refused (401)", async () => {
    const error = await init({ project: "default", url: fake.url, apiKey: "sk_wrong", spoolDir, env }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SeqlabInitError);
    expect(error).toMatchObject({
      status: 401,
      message: expect.stringMatching(
        /refused the API key \(401 the API key is unknown, revoked or expired\).*seqlab login/,
      ),
    });
  });

  it("says the project is unknown (404), and which one", async () => {
    await expect(init({ project: "nope", url: fake.url, apiKey: fake.apiKey, spoolDir, env })).rejects.toMatchObject({
      name: "SeqlabInitError",
      status: 404,
      message: expect.stringMatching(/no project "nope".*project "nope" not found/),
    });
  });

  it("says the server is not reachable when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      init({ project: "default", url: `http://127.0.0.1:${port}`, apiKey: "k", spoolDir, env }),
    ).rejects.toMatchObject({
      name: "SeqlabInitError",
      status: undefined,
      message: expect.stringMatching(/not reachable at http:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED\)/),
    });
  });

  it("refuses invalid options before calling the server", async () => {
    await expect(
      init({ project: "Not A Slug", tags: ["x".repeat(41)], url: fake.url, apiKey: fake.apiKey, spoolDir, env }),
    ).rejects.toMatchObject({
      name: "SeqlabInitError",
      message: expect.stringMatching(/^seqlab init: invalid options: project .*; tags\.0/),
    });
    expect(fake.requests).toEqual([]);
  });

  it("says how to configure seqlab when there is no URL", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "seqlab-home-"));
    try {
      await expect(init({ project: "default", spoolDir, env: { HOME: home } })).rejects.toMatchObject({
        name: "SeqlabInitError",
        message: expect.stringMatching(/SEQLAB_URL.*seqlab login/),
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
