import { mkdirSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { createTestDatabase, type TestDatabase, testArtifactStoreConfig } from "@seqlab/db/testing";
import { createWorker, type SeqlabWorker } from "@seqlab/worker";
import { dropQueues, launchChromium, REDIS_URL, startWebProcess } from "./harness";

jest.setTimeout(300_000);

const SCREENS = path.resolve(__dirname, "../../../.data/test/screens");
const ADMIN = { email: "sweeps-e2e@example.com", password: "sweeps e2e password" };

/**
 * In real Chromium against the production server and a real worker: Sweep from this run, the sweep page as trials
 * are paused at rungs and promoted, and Compare top k.
 */
describe("sweeps in the browser", () => {
  let db: TestDatabase;
  let web: Awaited<ReturnType<typeof startWebProcess>>;
  let worker: SeqlabWorker;
  let browser: Browser;
  const prefix = `sweeps-e2e-${randomUUID()}`;

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    db = await createTestDatabase();
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
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await web?.stop();
    await dropQueues(prefix);
    await db?.drop();
  });

  it("creates a sweep from a run, shows trials paused and promoted, and opens the top trials in compare", async () => {
    const errors: string[] = [];
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`${web.url}/sign-in`);
    await page.fill("input[name=email]", ADMIN.email);
    await page.fill("input[name=password]", ADMIN.password);
    await Promise.all([page.waitForURL(/\/t\/[^/]+\/p\/[^/]+$/), page.click("[data-testid=submit]")]);
    const projectUrl = page.url();

    const launched = await page.request.post(`${web.url}/api/runs`, {
      headers: { origin: web.url },
      data: {
        name: "base",
        model: "lstm",
        modelHyperparameters: { units: 4 },
        dataset: "adding",
        datasetParams: { length: 5 },
        training: { steps: 36, batchSize: 8, evalEvery: 4, checkpointEvery: 1000 },
        seed: 5,
      },
    });
    expect(launched.status()).toBe(201);
    const runId = ((await launched.json()) as { run: { id: string } }).run.id;
    await page.goto(`${projectUrl}/runs/${runId}`);
    await page.waitForSelector("[data-testid=run-status]:has-text('SUCCEEDED')", { timeout: 120_000 });

    await Promise.all([page.waitForURL(/\/sweeps\/new\?from=/), page.click("[data-testid=sweep-from-run]")]);
    await page.waitForSelector("[data-testid=sweep-form]");
    // The learning rate is swept by default, around the run's; ASHA's ladder comes from the run's 36 steps.
    expect(
      await page.locator("[data-testid=sweep-param][data-path='training.learningRate']").getAttribute("data-enabled"),
    ).toBe("true");
    await page.fill("[id='definition.limits.maxTrials']", "9");
    await page.fill("[id='definition.scheduler.minSteps']", "4");
    await page.screenshot({ path: path.join(SCREENS, "sweep-form.png"), fullPage: true });
    await Promise.all([page.waitForURL(/\/sweeps\/[a-z0-9]+$/), page.click("[data-testid=sweep-submit]")]);

    await page.waitForSelector("[data-testid=trial-row]");
    // Live: trials pause at the first rung and the best are promoted, without a reload.
    await page.waitForSelector("[data-testid=trial-row][data-status=PAUSED]", { timeout: 120_000 });
    await page.waitForSelector("[data-testid=trial-row][data-rung='1']", { timeout: 120_000 });
    await page.screenshot({ path: path.join(SCREENS, "sweep-running.png"), fullPage: true });
    await page.waitForSelector("[data-testid=sweep-status]:has-text('COMPLETED')", { timeout: 180_000 });
    expect(await page.locator("[data-testid=trial-row]").count()).toBe(9);
    for (const id of ["best-so-far", "rung-chart", "parallel-coordinates"]) {
      expect(await page.locator(`[data-testid=${id}]`).count()).toBeGreaterThan(0);
    }
    await page.screenshot({ path: path.join(SCREENS, "sweep-completed.png"), fullPage: true });

    const compareLink = page.locator("[data-testid=compare-top] a, a[data-testid=compare-top]").first();
    await Promise.all([page.waitForURL(/\/compare\?runs=/), compareLink.click()]);
    const ids = new URL(page.url()).searchParams.get("runs")!.split(",");
    expect(ids).toHaveLength(5);
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: path.join(SCREENS, "sweep-compare.png"), fullPage: true });
    expect(errors).toEqual([]);
  });
});
