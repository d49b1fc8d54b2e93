/**
 * Child process for the embedded-postgres concurrency test: a Prisma client with a pool of 4 on the URL given
 * in argv[2] runs plain writes, reads and interactive transactions at once, then prints one JSON line.
 */
import { createPrismaClient } from "../client";

async function main(): Promise<void> {
  const [url, tag, projectId] = process.argv.slice(2);
  if (!url || !tag || !projectId) throw new Error("usage: concurrent-client <url> <tag> <projectId>");
  const prisma = createPrismaClient({ databaseUrl: url, poolSize: 4 });
  const ops: Promise<unknown>[] = [];
  // 10 of each: enough to keep all 4 pooled connections busy against the other process.
  for (let i = 0; i < 10; i++) {
    ops.push(
      prisma.run.create({
        data: { projectId, name: `${tag}-${i}`, modelName: "m", datasetName: "d", config: { i }, seed: i },
      }),
    );
    ops.push(
      prisma.$transaction(
        async (tx) => {
          const run = await tx.run.create({
            data: { projectId, name: `${tag}-tx-${i}`, modelName: "m", datasetName: "d", config: {}, seed: i },
          });
          await tx.metricPoint.createMany({
            data: [{ runId: run.id, key: "loss", step: 0, value: 1, wallTime: new Date() }],
          });
          return tx.metricPoint.count({ where: { runId: run.id } });
        },
        // Transactions are serialised by the embedded server; wait for a turn longer than Prisma's 2 s default.
        { maxWait: 30_000, timeout: 30_000 },
      ),
    );
    ops.push(prisma.run.findMany({ where: { name: { startsWith: tag } }, take: 5 }));
  }
  const results = await Promise.allSettled(ops);
  const failures = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason).slice(0, 500)] : []));
  await prisma.$disconnect();
  console.log(JSON.stringify({ ok: results.length - failures.length, failures }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
