import path from "node:path";
import pg from "pg";
import { chromium } from "playwright-core";
import { createPrismaClient, MetricRepository } from "@seqlab/db";
import { HEADLESS_ADMIN } from "@seqlab/launcher/signed-in-client";
import { seed } from "./runs-table-figures";
import { databaseFor, startServer } from "./servers";
const ROOT = path.resolve(__dirname, "..");
async function main() {
  const database = await databaseFor(ROOT);
  const server = await startServer("current", ROOT, database.url);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    page.on("console", (m) => {
      if (m.type() === "error") console.log("console:", m.text());
    });
    page.on("pageerror", (e) => console.log("pageerror:", e.message));
    await page.goto(`${server.base}/sign-in`);
    await page.fill("input[name=email]", HEADLESS_ADMIN.email);
    await page.fill("input[name=password]", HEADLESS_ADMIN.password);
    await Promise.all([page.waitForURL(/\/t\//), page.click("[data-testid=submit]")]);
    const projectUrl = page.url().replace(/\/$/, "");
    await seed(database.url);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM "Run" ORDER BY "createdAt" DESC LIMIT 5`);
    await db.end();
    const prisma = createPrismaClient({ databaseUrl: database.url, poolSize: 2 });
    const m = new MetricRepository(prisma);
    for (const [r, { id }] of rows.entries()) {
      await m.insertPoints(
        id,
        Array.from({ length: 3000 }, (_, s) => ({
          key: "loss",
          step: s,
          value: Math.exp(-s / (500 + r * 200)) + 0.05 * Math.sin(s / 20) + (s === 1500 ? 2 : 0),
          wallTime: Date.UTC(2026, 11, 1) + s * 1000,
        })),
      );
      await m.insertPoints(
        id,
        Array.from({ length: 30 }, (_, s) => ({
          key: "val/loss",
          step: s * 100,
          value: Math.exp((-s * 100) / (600 + r * 200)) + 0.1,
          wallTime: Date.UTC(2026, 11, 1) + s * 100000,
        })),
      );
    }
    await prisma.$disconnect();
    const out = process.argv[2] ?? "/tmp/shots";
    await page.goto(projectUrl);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${out}/table.png` });
    await page.goto(`${projectUrl}/runs/${rows[0]!.id}`);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${out}/run.png`, fullPage: true });
    await page.goto(`${projectUrl}/compare?runs=${rows.map((r) => r.id).join(",")}`);
    await page.waitForTimeout(2500);
    await page.screenshot({ path: `${out}/compare.png`, fullPage: true });
    if (process.env.HOLD) await new Promise((r) => setTimeout(r, Number(process.env.HOLD)));
  } finally {
    await browser.close();
    await server.stop();
    await database.drop();
  }
}
void main();
