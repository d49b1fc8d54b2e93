import path from "node:path";
import { defineConfig } from "prisma/config";

// The CLI downloads the native schema engine at start-up unless this points at a binary; the host is
// unreachable here, so point it at a stub (generate never runs the engine; migrations go through
// src/migrate and the wasm engine). `??=` keeps a real engine someone exported.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(__dirname, "scripts", "schema-engine-stub.sh");
// Stops the CLI's telemetry/update look-ups, which would only time out here.
process.env.CHECKPOINT_DISABLE ??= "1";

export default defineConfig({
  schema: path.join(__dirname, "../../prisma/schema.prisma"),
  migrations: { path: path.join(__dirname, "../../prisma/migrations") },
});
