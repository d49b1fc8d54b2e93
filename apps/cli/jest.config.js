const preset = require("@seqlab/config/jest.preset.js");
/** @type {import('jest').Config} */
module.exports = {
  ...preset,
  displayName: require("./package.json").name,
  // commander ships ES modules only: SWC turns it into CommonJS for Jest like the preset's list.
  transformIgnorePatterns: preset.transformIgnorePatterns.map((pattern) => pattern.replace("(?!(", "(?!(commander|")),
};
