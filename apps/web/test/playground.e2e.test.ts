import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createHash, randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { ArtifactRepository, createPrismaClient, type Db } from "@seqlab/db";
import { createTestArtifactStore, createTestDatabase, type TestDatabase } from "@seqlab/db/testing";
import { createTask } from "@seqlab/datasets";
import { createTrainer, initBackend } from "@seqlab/models";
import { launchChromium, REDIS_URL, startWebProcess } from "./harness";

jest.setTimeout(240_000);

const SCREENS = path.resolve(__dirname, "../../../.data/test/screens");
const ADMIN = { email: "player@example.com", password: "playground e2e password" };

/** The checkpoint playground in real Chromium: the run's weights, loaded by the page's own TensorFlow.js. */
describe("the checkpoint playground in real Chromium", () => {
  let db: TestDatabase;
  let prisma: Db;
  let web: Awaited<ReturnType<typeof startWebProcess>>;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    await initBackend({ prefer: "cpu" });
    db = await createTestDatabase();
    prisma = createPrismaClient({ databaseUrl: db.url, poolSize: 2 });
    web = await startWebProcess({
      DATABASE_URL: db.url,
      REDIS_URL,
      SEQLAB_QUEUE_PREFIX: `playground-${randomUUID()}`,
      SEQLAB_ADMIN_EMAIL: ADMIN.email,
      SEQLAB_ADMIN_PASSWORD: ADMIN.password,
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1300, height: 900 } })).newPage();
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${web.url}/sign-in`);
    await page.fill("input[name=email]", ADMIN.email);
    await page.fill("input[name=password]", ADMIN.password);
    await Promise.all([page.waitForURL(/\/t\/[^/]+\/p\/[^/]+$/), page.click("[data-testid=submit]")]);
  });
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await prisma?.$disconnect();
    await db?.drop();
  });

  /** A run (on a queue nobody serves) with a checkpoint of a briefly trained model, saved as a worker saves it. */
  async function runWithCheckpoint(model: string, dataset: string, hyperparameters: Record<string, unknown>) {
    const response = await page.request.post(`${web.url}/api/runs`, {
      headers: { origin: web.url },
      data: { model, dataset, modelHyperparameters: hyperparameters, training: { steps: 5 }, queue: "nobody", seed: 9 },
    });
    const text = await response.text();
    if (response.status() !== 201) throw new Error(`launch answered ${response.status()}: ${text}`);
    const id = (JSON.parse(text) as { run: { id: string } }).run.id;
    const task = createTask(dataset, {}, 9);
    const trainer = await createTrainer({
      model,
      hyperparameters,
      io: task.spec,
      optimizer: { name: "adam", learningRate: 0.01, clipNorm: 1 },
      seed: 9,
    });
    await trainer.trainStep(task.split("train").batch(0, 4));
    const bytes = await trainer.saveCheckpoint();
    trainer.dispose();
    await new ArtifactRepository(prisma, createTestArtifactStore()).saveArtifact({
      runId: id,
      kind: "checkpoint",
      name: "step-00000001",
      content: bytes,
      step: 1,
    });
    return id;
  }

  it("translates a typed date with its attention, and reads the weights from the cache on the second visit", async () => {
    const id = await runWithCheckpoint("seq2seq-attention", "translation-dates", { hiddenSize: 8, embeddingSize: 8 });
    const runUrl = `${page.url().replace(/\/$/, "")}/runs/${id}`;
    await page.goto(runUrl);
    await page.click("[data-testid=playground-link]");
    await page.waitForSelector("[data-testid=attention-map]", { timeout: 60_000 });
    await page.fill("[data-testid=playground-input]", "12 Mar 2031");
    await page.waitForFunction(
      () => document.querySelectorAll("[data-testid=attention-map] text").length >= "12 Mar 2031".length,
    );
    expect(await page.textContent("[data-testid=playground-output]")).toEqual(expect.any(String));
    const timings = page.locator("[data-testid=playground-timings]");
    expect(Number(await timings.getAttribute("data-first-prediction-ms"))).toBeGreaterThan(0);
    expect(await timings.getAttribute("data-cached")).toBe("false");
    await page.screenshot({ path: path.join(SCREENS, "playground-translation.png"), fullPage: true });
    // Fetched once: the second visit takes the weights from Cache Storage (keyed by their sha256).
    await page.reload();
    await page.waitForSelector("[data-testid=attention-map]", { timeout: 60_000 });
    expect(await page.locator("[data-testid=playground-timings]").getAttribute("data-cached")).toBe("true");
  });

  it("downloads a checkpoint from the run page, streamed from the artifact store, byte for byte", async () => {
    const id = await runWithCheckpoint("lstm", "adding", { units: 8 });
    await page.goto(`${web.url}/runs/${id}`);
    const link = page.locator('a[href^="/api/artifacts/"]', { hasText: "step-00000001" });
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const file = await download.path();
    const row = await prisma.artifact.findFirstOrThrow({ where: { runId: id, kind: "checkpoint" } });
    expect(row).toMatchObject({ storage: "fs", content: null });
    expect(createHash("sha256").update(readFileSync(file)).digest("hex")).toBe(row.sha256);
    expect(download.suggestedFilename()).toBe(`${id}-checkpoint-step-00000001.seqlab`);
  });

  it("reads a picked test line and a line drawn on the canvas", async () => {
    const id = await runWithCheckpoint("cnn-bilstm-ctc", "handwriting-lines", {});
    await page.goto(`${web.url}/runs/${id}`);
    await page.click("[data-testid=playground-link]");
    await page.waitForSelector("[data-testid=playground-line] [data-testid=alignment]", { timeout: 60_000 });
    const canvas = page.locator("[data-testid=playground-canvas]");
    await page.click("[data-testid=playground-clear]");
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 10, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 200, box.y + box.height / 3, { steps: 8 });
    await page.mouse.up();
    await page.waitForSelector("[data-testid=playground-output]");
    await page.screenshot({ path: path.join(SCREENS, "playground-line.png"), fullPage: true });
    expect(errors).toEqual([]);
  });
});
