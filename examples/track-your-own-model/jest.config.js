const preset = require("@seqlab/config/jest.preset.js");
/** @type {import('jest').Config} */
module.exports = {
  ...preset,
  displayName: require("./package.json").name,
  // An example is one script and its test, side by side at the top of the folder.
  testMatch: ["<rootDir>/*.test.ts"],
};
