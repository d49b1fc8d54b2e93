const preset = require("@seqlab/config/jest.preset.js");
/** @type {import('jest').Config} */
module.exports = {
  ...preset,
  displayName: require("./package.json").name,
  // The wasm schema engine's glue (schema_engine_bg.js) is ESM only: run it through SWC too.
  transformIgnorePatterns: ["/node_modules/(?!(@seqlab|@prisma/schema-engine-wasm)/)"],
  // Tests replay migrations through the wasm engine and start embedded PostgreSQL (seconds each on a loaded 2-core box).
  testTimeout: 120_000,
};
