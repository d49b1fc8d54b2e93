// Shared Jest preset: SWC strips types (fast on 2 cores); `npm run typecheck` (tsc) checks them.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  transform: {
    "^.+\\.[cm]?[tj]sx?$": [
      "@swc/jest",
      {
        jsc: {
          parser: { syntax: "typescript", tsx: true },
          target: "es2022",
          transform: { react: { runtime: "automatic" } },
        },
        module: { type: "commonjs" },
      },
    ],
  },
  // Workspace packages export TypeScript sources and some deps ship ESM only: transform those too.
  // better-auth and its dependencies ship ES modules only: SWC turns them into CommonJS for Jest too.
  transformIgnorePatterns: [
    "/node_modules/(?!(@seqlab|better-auth|@better-auth|better-call|@better-fetch|@noble|jose|kysely|nanostores|rou3|set-cookie-parser|defu|@opentelemetry|uncrypto)/)",
  ],
  testMatch: ["<rootDir>/src/**/*.test.ts", "<rootDir>/test/**/*.test.ts"],
  moduleFileExtensions: ["ts", "tsx", "js", "mjs", "cjs", "json"],
};
