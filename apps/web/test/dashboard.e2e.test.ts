import { mkdirSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "@seqlab/db/testing";
import { createWorker, type SeqlabWorker } from "@seqlab/worker";
import { launchChromium, REDIS_URL, startWebProcess } from "./harness";

const ARTIFACTS = path.resolve(__dirname, "../../../.data/test");
jest.setTimeout(240_000);

/** The loss chart's point count once it equals `expected` or 10 s have passed (then the last value, for the message). */
async function pointsWhenSettled(page: Page, expected: string): Promise<string | null> {
  const deadline = Date.now() + 10_000;
  let value: string | null = null;
  while (Date.now() < deadline) {
    value = await page.locator("[data-testid=chart-loss]").getAttribute("data-points");
    if (value === expected) break;
    await page.waitForTimeout(100);
  }
  return value;
}

describe("dashboard in real Chromium", () => {
  let db: TestDatabase;
  let web: Awaited<ReturnType<typeof startWebProcess>>;
  let worker: SeqlabWorker;
  let browser: Browser;
  let context: BrowserContext;
  let baseUrl: string;
  /** The first account's team: where these tests launch. */
  let projectUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const prefix = `e2e-${randomUUID()}`;
    web = await startWebProcess({ DATABASE_URL: db.url, REDIS_URL, SEQLAB_QUEUE_PREFIX: prefix });
    baseUrl = web.url;
    worker = await createWorker({
      prisma: db.prisma,
      redisUrl: REDIS_URL,
      queues: ["default"],
      prefix,
      backend: "wasm",
      log: () => undefined,
    });
    browser = await launchChromium();
    // A fresh instance asks for its first account; its team gets a default project.
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await page.goto(baseUrl);
    await page.waitForURL(/\/setup$/);
    await page.fill("#name", "Ada");
    await page.fill("#email", "ada@example.com");
    await page.fill("#password", "correct horse battery");
    await page.fill("#teamName", "Lab");
    await Promise.all([page.waitForURL(/\/t\/lab\/p\/default$/), page.click("[data-testid=submit]")]);
    projectUrl = `${baseUrl}/t/lab/p/default`;
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await web?.stop();
    await db?.drop();
  });

  it("launches a run through the form, shows its chart growing live, and sees it succeed", async () => {
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    await page.goto(`${projectUrl}/new`);
    await page.selectOption("#dataset", "adding");
    await page.selectOption("#model", "lstm");
    await page.fill("#datasetParams\\.length", "12");
    await page.fill("#modelHyperparameters\\.units", "16");
    await page.fill("#training\\.steps", "60");
    await page.fill("#training\\.batchSize", "16");
    await page.fill("#training\\.evalEvery", "15");
    await page.fill("#name", "e2e-lstm");
    await Promise.all([page.waitForURL(/\/t\/lab\/p\/default\/runs\/[a-z0-9]+$/), page.click("[data-testid=launch]")]);

    // The loss chart gains points while the run trains (pushed over SSE, no reload).
    const chart = page.locator("[data-testid=chart-loss]");
    await chart.waitFor({ timeout: 60_000 });
    const seen = new Set<number>();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      seen.add(Number(await chart.getAttribute("data-points")));
      if ((await page.textContent("[data-testid=run-status]")) === "SUCCEEDED") break;
      await page.waitForTimeout(100);
    }
    const counts = [...seen].sort((a, b) => a - b);
    expect(counts.length).toBeGreaterThanOrEqual(3);
    await page.locator("[data-testid=run-status]", { hasText: "SUCCEEDED" }).waitFor({ timeout: 60_000 });
    // loss has 60 points and val/loss 4: every step arrived.
    expect(await pointsWhenSettled(page, "64")).toBe("64");
    await page.locator("[data-testid=artifacts]").waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "e2e-run.png"), fullPage: true });

    // A refresh rebuilds the same chart from the stream's snapshot.
    await page.reload();
    expect(await pointsWhenSettled(page, "64")).toBe("64");

    // The runs list (where / leads a signed-in member) shows it with its final loss.
    await page.goto(baseUrl);
    await page.waitForURL(/\/t\/lab\/p\/default$/);
    const row = page.locator("[data-testid=runs-table] tr", { hasText: "e2e-lstm" });
    await expect(row.textContent()).resolves.toContain("SUCCEEDED");
    expect(consoleErrors).toEqual([]);
  });

  it("shows the server's field errors for a bad form", async () => {
    const page = await context.newPage();
    await page.goto(`${projectUrl}/new`);
    await page.fill("#modelHyperparameters\\.units", "-3");
    await page.click("[data-testid=launch]");
    await page.locator("[data-testid=error-modelHyperparameters\\.units]").waitFor({ timeout: 10_000 });
    expect(page.url()).toMatch(/\/new$/);
  });
});
