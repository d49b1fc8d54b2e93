// One Jest run over every workspace that has tests, so `npm test` reports one total.
const fs = require("node:fs");
const path = require("node:path");

const projects = ["packages", "apps", "examples"]
  .flatMap((dir) => fs.readdirSync(path.join(__dirname, dir)).map((name) => path.join(__dirname, dir, name)))
  .concat(path.join(__dirname, "scripts"))
  .filter((dir) => fs.existsSync(path.join(dir, "jest.config.js")));

/** @type {import('jest').Config} */
module.exports = {
  projects,
  // With several projects, Jest takes testTimeout from here, not from each project's config: 120 s covers the
  // slowest setup (embedded PostgreSQL start-up and wasm migrations on a loaded 2-core machine).
  testTimeout: 120_000,
};
