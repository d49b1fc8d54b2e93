import { mkdirSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase, testArtifactStoreConfig } from "@seqlab/db/testing";
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
      artifactStore: testArtifactStoreConfig(),
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

  it("checks every field before launching: a cleared field is an error next to it, focused, and nothing launches", async () => {
    const page = await context.newPage();
    await page.goto(`${projectUrl}/new`);
    const runsBefore = await db.prisma.run.count();
    const launches: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/api/runs") launches.push(r.url());
    });
    await page.fill("#training\\.steps", "");
    await page.fill("#training\\.learningRate", "fast");
    await page.fill("#name", "x".repeat(121));
    await page.click("[data-testid=launch]");

    // Each message sits in the field's own block, under its input, not only in the banner.
    const stepsField = page.locator(".field", { has: page.locator("#training\\.steps") });
    await stepsField.locator("[data-testid=error-training\\.steps]").waitFor({ timeout: 10_000 });
    expect(await stepsField.locator("[data-testid=error-training\\.steps]").textContent()).toBe(
      "Required: enter a whole number (default 500)",
    );
    expect(await page.getAttribute("#training\\.steps", "aria-invalid")).toBe("true");
    expect(await page.textContent("[data-testid=error-training\\.learningRate]")).toBe('"fast" is not a number');
    const nameField = page.locator(".field", { has: page.locator("#name") });
    expect(await nameField.locator("[data-testid=error-name]").textContent()).toMatch(/at most 120 characters/);
    // The first field in error has the focus (and so is scrolled into view); the banner lists all three.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("training.steps");
    expect(await page.locator("[data-testid=launch-errors] li").count()).toBe(3);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "e2e-launch-form-error.png") });

    // Nothing was sent, so nothing was launched.
    await page.waitForTimeout(500);
    expect(launches).toEqual([]);
    expect(await db.prisma.run.count()).toBe(runsBefore);
    expect(page.url()).toMatch(/\/new$/);

    // Fixing a field clears its error as it is typed.
    await page.fill("#training\\.steps", "60");
    expect(await page.locator("[data-testid=error-training\\.steps]").count()).toBe(0);
  });

  it("switches to the task's recommended model and settings, and keeps the user's own on request", async () => {
    const page = await context.newPage();
    await page.goto(`${projectUrl}/new`);
    await page.selectOption("#dataset", "handwriting-lines");
    expect(await page.inputValue("#model")).toBe("cnn-bilstm-ctc");
    expect(Number(await page.inputValue("#training\\.steps"))).toBeGreaterThanOrEqual(1000);
    expect(await page.textContent("[data-testid=preset-note]")).toMatch(/^Recommended for Handwriting lines/);
    // Untouched settings have nothing to keep.
    expect(await page.locator("[data-testid=keep-own]").count()).toBe(0);

    await page.fill("#training\\.steps", "40");
    await page.selectOption("#dataset", "translation-dates");
    expect(await page.inputValue("#model")).toBe("seq2seq-attention");
    expect(await page.inputValue("#training\\.steps")).not.toBe("40");
    await page.click("[data-testid=keep-own]");
    // The CNN recogniser cannot translate, so only the training settings come back.
    expect(await page.inputValue("#training\\.steps")).toBe("40");
    expect(await page.inputValue("#model")).toBe("seq2seq-attention");
    expect(await page.textContent("[data-testid=preset-note]")).toMatch(/^Kept your training settings/);
  });

  it("shows the server's field errors next to the fields they name", async () => {
    const page = await context.newPage();
    await page.goto(`${projectUrl}/new`);
    await page.selectOption("#dataset", "handwriting-lines");
    // Each value is in range, so the browser lets it through; the pair breaks a rule only the server checks.
    await page.fill("#modelHyperparameters\\.windowWidth", "10");
    await page.click("[data-testid=launch]");
    const field = page.locator(".field", { has: page.locator("#modelHyperparameters\\.windowWidth") });
    await field.locator("[data-testid=error-modelHyperparameters\\.windowWidth]").waitFor({ timeout: 10_000 });
    expect(await field.locator(".error").textContent()).toBe("windowWidth must be a multiple of windowStride");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("modelHyperparameters.windowWidth");
    expect(page.url()).toMatch(/\/new$/);
  });
});
