import { mkdirSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { createPrismaClient, MetricRepository, type Db } from "@seqlab/db";
import { createTestDatabase, type TestDatabase } from "@seqlab/db/testing";
import { launchChromium, REDIS_URL, startWebProcess } from "./harness";

jest.setTimeout(240_000);

const SCREENS = path.resolve(__dirname, "../../../.data/test/screens");
const ADMIN = { email: "tracker@example.com", password: "tracking e2e password" };

describe("experiment tracking in real Chromium: filter, select, tag, compare, config diff, and the same state after a reload", () => {
  let db: TestDatabase;
  let prisma: Db;
  let web: Awaited<ReturnType<typeof startWebProcess>>;
  let browser: Browser;
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    db = await createTestDatabase();
    prisma = createPrismaClient({ databaseUrl: db.url, poolSize: 2 });
    web = await startWebProcess({
      DATABASE_URL: db.url,
      REDIS_URL,
      SEQLAB_QUEUE_PREFIX: `tracking-${randomUUID()}`,
      SEQLAB_ADMIN_EMAIL: ADMIN.email,
      SEQLAB_ADMIN_PASSWORD: ADMIN.password,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await prisma?.$disconnect();
    await db?.drop();
  });

  it("narrows the table with a filter, tags two runs in bulk, compares them, and restores it all from the URL", async () => {
    const errors: string[] = [];
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${web.url}/sign-in`);
    await page.fill("input[name=email]", ADMIN.email);
    await page.fill("input[name=password]", ADMIN.password);
    await Promise.all([page.waitForURL(/\/t\/[^/]+\/p\/[^/]+$/), page.click("[data-testid=submit]")]);
    const projectUrl = page.url();

    // Six runs with different widths and learning rates (on a queue nobody serves: they wait), and their losses.
    const ids: string[] = [];
    for (const [i, units] of [8, 16, 32, 64, 128, 256].entries()) {
      const response = await page.request.post(`${web.url}/api/runs`, {
        headers: { origin: web.url },
        data: {
          name: `width-${units}`,
          model: "lstm",
          dataset: "adding",
          modelHyperparameters: { units },
          training: { steps: 300, learningRate: i % 2 ? 1e-3 : 3e-3 },
          queue: "tracking-e2e",
        },
      });
      expect(response.status()).toBe(201);
      ids.push(((await response.json()) as { run: { id: string } }).run.id);
    }
    const metrics = new MetricRepository(prisma);
    for (const [i, id] of ids.entries()) {
      await metrics.insertPoints(
        id,
        Array.from({ length: 300 }, (_, step) => ({
          key: "train/loss",
          step,
          value: Math.exp(-step / (50 + 40 * i)) + 0.01 * i,
          wallTime: Date.now() - (300 - step) * 1000,
        })),
      );
    }

    // 1. Filter: the wide runs only.
    await page.goto(projectUrl);
    await page.waitForSelector("[data-testid=run-row]");
    expect(await page.textContent("[data-testid=runs-total]")).toBe("6 runs");
    await page.fill(
      "[data-testid=filter-input]",
      "config.modelHyperparameters.units >= 32 AND summary.train/loss < 0.5",
    );
    await page.press("[data-testid=filter-input]", "Enter");
    await page.waitForFunction(() => document.querySelector("[data-testid=runs-total]")?.textContent === "4 runs");
    const names = await page.locator("[data-testid=run-row] a").allTextContents();
    expect(names.filter((n) => n.startsWith("width-")).sort()).toEqual(
      ["width-128", "width-256", "width-32", "width-64"].sort(),
    );
    await shot(page, "21-runs-filtered");

    // 2. A bad expression points at its position and keeps the table as it was.
    await page.fill("[data-testid=filter-input]", "summary.train/loss < ");
    await page.press("[data-testid=filter-input]", "Enter");
    await page.waitForSelector("[data-testid=filter-error]");
    expect(await page.textContent("[data-testid=filter-error]")).toContain("at 21");
    expect(await page.textContent("[data-testid=runs-total]")).toBe("4 runs");
    await page.fill(
      "[data-testid=filter-input]",
      "config.modelHyperparameters.units >= 32 AND summary.train/loss < 0.5",
    );
    await page.press("[data-testid=filter-input]", "Enter");
    await page.waitForFunction(() => !document.querySelector("[data-testid=filter-error]"));

    // 3. Select two runs and tag them in bulk.
    const row = (name: string) => page.locator("[data-testid=run-row]", { hasText: name });
    await row("width-32").locator("[data-testid=select-row]").check();
    await row("width-64").locator("[data-testid=select-row]").check();
    await page.waitForSelector("[data-testid=bulk-bar]");
    await page.click("[data-testid=bulk-tag]");
    await page.fill("[data-testid=bulk-tag-input]", "shortlist");
    await page.click("[data-testid=bulk-tag-apply]");
    await page.waitForFunction(() =>
      /2 changed/.test(document.querySelector("[data-testid=bulk-result]")?.textContent ?? ""),
    );
    await row("width-32").locator(".tag", { hasText: "shortlist" }).waitFor();
    await row("width-64").locator(".tag", { hasText: "shortlist" }).waitFor();
    await shot(page, "22-runs-selected-tagged");

    // 4. A reload restores the filter and the selection from the URL.
    const tableUrl = page.url();
    expect(new URL(tableUrl).searchParams.get("filter")).toBe(
      "config.modelHyperparameters.units >= 32 AND summary.train/loss < 0.5",
    );
    await page.reload();
    await page.waitForSelector("[data-testid=run-row]");
    expect(await page.inputValue("[data-testid=filter-input]")).toBe(
      "config.modelHyperparameters.units >= 32 AND summary.train/loss < 0.5",
    );
    expect(await page.textContent("[data-testid=runs-total]")).toBe("4 runs");
    expect(await row("width-32").locator("[data-testid=select-row]").isChecked()).toBe(true);
    expect(await row("width-64").locator("[data-testid=select-row]").isChecked()).toBe(true);
    expect(await row("width-128").locator("[data-testid=select-row]").isChecked()).toBe(false);

    // 5. Compare the two: overlaid loss, and a config diff of only what differs.
    await Promise.all([page.waitForURL(/\/compare\?runs=/), page.click("[data-testid=bulk-compare]")]);
    await page.waitForSelector("[data-testid=compare-view]");
    await page.waitForFunction(
      () => Number(document.querySelector("[data-testid=chart-loss]")?.getAttribute("data-points")) >= 600,
    );
    const legend = await page.locator("[data-testid=compare-legend]").textContent();
    expect(legend).toContain("width-32");
    expect(legend).toContain("width-64");
    const diffKeys = await page
      .locator("[data-testid=config-diff-row]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-key")));
    expect(diffKeys).toEqual(expect.arrayContaining(["modelHyperparameters.units", "training.learningRate"]));
    expect(diffKeys).not.toContain("model");
    expect(diffKeys).not.toContain("training.steps");
    await shot(page, "23-compare");

    // 6. Back to the table: the same state.
    await page.goto(tableUrl);
    await page.waitForSelector("[data-testid=run-row]");
    expect(await page.textContent("[data-testid=runs-total]")).toBe("4 runs");
    expect(await row("width-64").locator("[data-testid=select-row]").isChecked()).toBe(true);
    expect(errors).toEqual([]);
  });
});
