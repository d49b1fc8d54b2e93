// The dashboard's server process: `node --import tsx apps/web/server.ts` (the launcher runs it), after `next build`.
import path from "node:path";
import { env } from "./src/env";
import { startWebServer } from "./src/server/http-server";

async function main(): Promise<void> {
  const { HOST, PORT } = env();
  await startWebServer({ dir: path.resolve(__dirname), host: HOST, port: PORT });
  console.log(`seqlab web: listening on http://${HOST}:${PORT}`);
  const stop = () => process.exit(0);
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
