const preset = require("@seqlab/config/jest.preset.js");
/** @type {import('jest').Config} */
module.exports = {
  ...preset,
  displayName: require("./package.json").name,
  // Sets tfjs's PROD flag before each test file, so the cpu backend's "install our node backend" banner stays out
  // of the test output (why PROD and not IS_TEST: see the file).
  setupFiles: ["<rootDir>/test/silence-tfjs-banner.ts"],
};
