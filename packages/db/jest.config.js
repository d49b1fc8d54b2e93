const preset = require("@seqlab/config/jest.preset.js");
/** @type {import('jest').Config} */
module.exports = {
  ...preset,
  displayName: require("./package.json").name,
  // PGlite's CommonJS build (.cjs) loads its wasm and fs with dynamic import(), which Jest's vm refuses without
  // --experimental-vm-modules: also run .cjs/.mjs through SWC, which turns import() into require().
  transform: { "^.+\\.[cm]?[tj]sx?$": preset.transform["^.+\\.(t|j)sx?$"] },
  // The wasm schema engine's glue (schema_engine_bg.js) is ESM only, like PGlite: transform it too.
  transformIgnorePatterns: [
    "/node_modules/(?!(@seqlab|@electric-sql|pglite-prisma-adapter|@prisma/schema-engine-wasm)/)",
  ],
  // Tests replay migrations through the wasm engine and start PGlite (seconds each on a loaded 2-core box).
  testTimeout: 120_000,
};
