/**
 * The runs table and compare page in real Chromium, on the production server:
 *  1. Scrolling 10,000 rows: the table's scroll container is scrolled by a fixed distance every animation frame for
 *     SCROLL_SECONDS (5 or 40 rows a frame, past pages that load as they come into view); frames per second from
 *     the requestAnimationFrame timestamps (median and 5th percentile of the per-frame rate, and frames over 20 ms).
 *     The baseline in the same run is the same loop on an empty page (what this headless Chromium can do at all).
 *  2. Compare: 20 runs × 100,000 points each, from navigation to every chart drawn with all 20 runs' lines.
 *
 *   npx tsx bench/dashboard-figures.ts
 *
 * Runs and summaries of (1) come from runs-table-figures.ts's SQL seed; the series of (2) go through
 * MetricRepository.insertPoints (the worker's path). Needs PostgreSQL (TEST_DATABASE_URL), Redis (TEST_REDIS_URL),
 * Chromium (/usr/bin/chromium) and a production build of apps/web.
 */
import path from "node:path";
import pg from "pg";
import type { Page } from "playwright-core";
import { createPrismaClient, MetricRepository } from "@seqlab/db";
import { launchChromium } from "@seqlab/launcher/browser";
import { HEADLESS_ADMIN } from "@seqlab/launcher/signed-in-client";
import { seed } from "./runs-table-figures";
import { databaseFor, startServer } from "./servers";

const ROOT = path.resolve(__dirname, "..");
const SCROLL_SECONDS = 6;
const COMPARE_RUNS = 20;
const COMPARE_POINTS = Number(process.env.COMPARE_POINTS ?? 100_000);
const COMPARE_REPS = 3;
const SKIP_SCROLL = process.env.SKIP_SCROLL === "1";

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

/** Scrolls the element (or the page's own scroller) every frame and returns the frame intervals in ms. */
async function scrollFrames(page: Page, selector: string | null, pixelsPerFrame: number): Promise<number[]> {
  return page.evaluate(
    async ({ selector, seconds, pixelsPerFrame }) => {
      const table = selector ? document.querySelector(selector) : null;
      let box: HTMLElement | null = table as HTMLElement | null;
      while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
      const scroller = box ?? document.scrollingElement!;
      const frames: number[] = [];
      await new Promise<void>((resolve) => {
        let last = performance.now();
        const end = last + seconds * 1000;
        const tick = (now: number) => {
          frames.push(now - last);
          last = now;
          scroller.scrollTop += pixelsPerFrame;
          if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2) scroller.scrollTop = 0;
          if (now < end) requestAnimationFrame(tick);
          else resolve();
        };
        requestAnimationFrame(tick);
      });
      return frames.slice(2);
    },
    { selector, seconds: SCROLL_SECONDS, pixelsPerFrame },
  );
}

function fpsRow(label: string, frames: number[]): string {
  const rates = frames.map((ms) => 1000 / ms);
  const long = frames.filter((ms) => ms > 20).length;
  return `| ${label} | ${quantile(rates, 0.5).toFixed(0)} | ${quantile(rates, 0.05).toFixed(0)} | ${(1000 / (frames.reduce((a, b) => a + b, 0) / frames.length)).toFixed(1)} | ${long} of ${frames.length} |`;
}

async function main() {
  const database = await databaseFor(ROOT);
  const server = await startServer("current", ROOT, database.url);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // tsx (esbuild with keepNames) wraps the functions handed to page.evaluate in __name(...): give the page one.
    await context.addInitScript({ content: "globalThis.__name = (f) => f;" });
    const page = await context.newPage();
    await page.goto(`${server.base}/sign-in`);
    await page.fill("input[name=email]", HEADLESS_ADMIN.email);
    await page.fill("input[name=password]", HEADLESS_ADMIN.password);
    await Promise.all([page.waitForURL(/\/t\//), page.click("[data-testid=submit]")]);
    const projectUrl = page.url().replace(/\/$/, "");
    await seed(database.url);

    // 1. Scrolling 10,000 rows against an empty page's frame rate (SKIP_SCROLL=1 measures compare only).
    if (!SKIP_SCROLL) {
      await page.goto(
        `${projectUrl}?columns=${encodeURIComponent("summary.loss,summary.val/loss.min,config.training.learningRate")}`,
      );
      await page.waitForSelector("[data-testid=run-row]");
      const total = await page.textContent("[data-testid=runs-total]");
      // Two speeds: a fast wheel (160 px, 5 rows a frame, 300 rows a second) and a fling (1280 px, 40 rows a frame).
      const speeds = [160, 1280];
      const table = new Map<number, number[]>(speeds.map((v) => [v, []]));
      const blank = new Map<number, number[]>(speeds.map((v) => [v, []]));
      for (let rep = 0; rep < 2; rep++) {
        for (const speed of speeds) {
          table.get(speed)!.push(...(await scrollFrames(page, "[data-testid=runs-table]", speed)));
          const empty = await context.newPage();
          await empty.setContent(`<div style="height:400000px">empty</div>`);
          await empty.evaluate("globalThis.__name = (f) => f");
          blank.get(speed)!.push(...(await scrollFrames(empty, null, speed)));
          await empty.close();
        }
      }
      const rendered = await page.locator("[data-testid=run-row]").count();
      console.log(
        `\n## Scrolling the runs table (${total}; ${rendered} rows in the DOM at the end), ${2 * SCROLL_SECONDS} s each`,
      );
      console.log("| page | median frames/s | 5th percentile frames/s | mean frames/s | frames over 20 ms |");
      console.log("|---|---|---|---|---|");
      for (const speed of speeds) {
        console.log(fpsRow(`runs table, 10,000 runs, ${speed} px a frame`, table.get(speed)!));
        console.log(fpsRow(`baseline: an empty page, ${speed} px a frame`, blank.get(speed)!));
      }
    }

    // 2. Compare: 20 runs x 100k points.
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const { rows } = await db.query<{ id: string }>(
      `SELECT id FROM "Run" ORDER BY "createdAt" DESC LIMIT ${COMPARE_RUNS}`,
    );
    await db.end();
    const prisma = createPrismaClient({ databaseUrl: database.url, poolSize: 2 });
    const metrics = new MetricRepository(prisma);
    const t0 = performance.now();
    for (const [r, { id }] of rows.entries()) {
      for (let start = 0; start < COMPARE_POINTS; start += 10_000) {
        await metrics.insertPoints(
          id,
          Array.from({ length: 10_000 }, (_, i) => ({
            key: "loss",
            step: start + i,
            value: Math.exp(-(start + i) / (20_000 + r * 1000)) + 0.02 * Math.sin((start + i) / 50),
            wallTime: Date.UTC(2026, 11, 1) + (start + i) * 100,
          })),
        );
      }
    }
    await prisma.$disconnect();
    console.log(
      `\nseeded ${COMPARE_RUNS} x ${COMPARE_POINTS} points in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    const compareUrl = `${projectUrl}/compare?runs=${rows.map((r) => r.id).join(",")}`;
    const times: number[] = [];
    const phaseLog: { html: number; seriesStart: number; seriesEnd: number; drawn: number }[] = [];
    for (let rep = 0; rep < COMPARE_REPS + 1; rep++) {
      const t = performance.now();
      await page.goto(compareUrl);
      await page.waitForFunction(
        (n) => {
          const chart = document.querySelector("[data-testid='chart-loss']");
          return (
            chart !== null &&
            Number(chart.getAttribute("data-series") ?? chart.getAttribute("data-points")) > 0 &&
            document.querySelectorAll("[data-testid='chart-loss'] canvas").length > 0 &&
            Number(chart.getAttribute("data-runs") ?? n) >= n
          );
        },
        COMPARE_RUNS,
        { timeout: 60_000, polling: "raf" },
      );
      if (rep > 0) times.push(performance.now() - t); // the first visit warms the route
      const phases = await page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        const series = performance
          .getEntriesByType("resource")
          .filter((e) => e.name.includes("/api/runs/series"))
          .map((e) => e as PerformanceResourceTiming);
        return {
          html: nav.responseEnd,
          seriesStart: series[0]?.startTime ?? -1,
          seriesEnd: series.at(-1)?.responseEnd ?? -1,
          drawn: performance.now(),
        };
      });
      if (rep > 0) phaseLog.push(phases);
    }
    console.log(
      `\n## Compare: ${COMPARE_RUNS} runs x ${COMPARE_POINTS.toLocaleString("en")} points, navigation to the loss chart drawn`,
    );
    console.log(`median ${quantile(times, 0.5).toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(", ")})`);
    const at = (f: (p: (typeof phaseLog)[number]) => number) => quantile(phaseLog.map(f), 0.5).toFixed(0);
    console.log(
      `phases, ms from navigation start (median): page HTML ${at((p) => p.html)}, series request ${at((p) => p.seriesStart)}-${at((p) => p.seriesEnd)}, drawn ${at((p) => p.drawn)}`,
    );
  } finally {
    await browser.close();
    await server.stop();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
