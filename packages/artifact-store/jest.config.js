const preset = require("@seqlab/config/jest.preset.js");
/** @type {import('jest').Config} */
module.exports = { ...preset, displayName: require("./package.json").name };
