// Lint for correctness, not taste (STYLE.md): promises that nobody awaits, type-only imports, and the dependency
// arrows between packages. Formatting is Prettier's job; `./seqlab test` runs both.
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/** A restricted-import pattern: module specifiers matching `regex` are refused with `message`. */
const refuse = (regex, message) => ({ regex, message });

/** Imports no file may make: into another package's sources. */
const crossPackage = [
  refuse("^@seqlab/[^/]+/src(/|$)", "Import a package's public entry or an `exports` subpath, never its src/."),
  refuse("^(\\.\\./)+(packages|apps)/", "Reach another package through its name (@seqlab/...), not a relative path."),
];
/** Prisma only behind repositories (STYLE.md): its client is imported in packages/db alone. */
const prismaOutsideDb = [
  refuse("(^|/)generated/prisma", "Only packages/db uses Prisma's generated client: go through a repository."),
  refuse("^@prisma/client", "Only packages/db uses Prisma's client: go through a repository."),
];
const everywhere = [...crossPackage, ...prismaOutsideDb];

/** The dependency arrows of STYLE.md, per package: which imports each may not make. */
const arrows = [
  {
    files: ["packages/contracts/**"],
    patterns: [refuse("^(?!zod$|\\.)", "@seqlab/contracts depends on zod only.")],
  },
  {
    files: ["packages/models/src/**"],
    patterns: [
      refuse("^@seqlab/(?!contracts$)", "@seqlab/models depends on @seqlab/contracts, zod and tfjs only."),
      refuse(
        "^(bullmq|ioredis|pg|next|react|@prisma/)",
        "@seqlab/models never imports the database, the queue or Next.",
      ),
    ],
  },
  {
    files: ["packages/datasets/src/**"],
    patterns: [
      refuse("^@seqlab/(?!contracts$)", "@seqlab/datasets depends on @seqlab/contracts, zod (and tfjs) only."),
      refuse(
        "^(bullmq|ioredis|pg|next|react|@prisma/)",
        "@seqlab/datasets never imports the database, the queue or Next.",
      ),
    ],
  },
  {
    files: ["packages/db/**"],
    base: crossPackage,
    patterns: [
      refuse(
        "^@seqlab/(?!(contracts|artifact-store)$)",
        "@seqlab/db depends on @seqlab/contracts and @seqlab/artifact-store only among the packages.",
      ),
      refuse("^(bullmq|ioredis|next|react|@tensorflow/)", "@seqlab/db never imports the queue, Next or tfjs."),
    ],
  },
  {
    files: ["packages/artifact-store/**"],
    patterns: [
      refuse("^@seqlab/", "@seqlab/artifact-store depends on no other seqlab package: it only moves bytes."),
      refuse(
        "^(bullmq|ioredis|pg|next|react|@prisma/|@tensorflow/)",
        "@seqlab/artifact-store never imports the database, the queue, Next or tfjs.",
      ),
    ],
  },
  {
    files: ["packages/auth/**"],
    patterns: [
      refuse(
        "^@seqlab/(?!(contracts|db)(/|$))",
        "@seqlab/auth depends on @seqlab/contracts and @seqlab/db only among the packages.",
      ),
      refuse("^(bullmq|ioredis|next|react|@tensorflow/)", "@seqlab/auth never imports the queue, Next or tfjs."),
    ],
  },
  {
    files: ["packages/sdk/src/**"],
    patterns: [
      refuse("^@seqlab/(?!contracts$)", "@seqlab/sdk depends on @seqlab/contracts only among the packages."),
      refuse(
        "^(bullmq|ioredis|pg|next|react|@prisma/|@tensorflow/)",
        "@seqlab/sdk runs in a user's training script: no database, queue, Next or tfjs of its own.",
      ),
    ],
  },
  {
    files: ["packages/queue/**"],
    patterns: [
      refuse("^@seqlab/(?!contracts$)", "@seqlab/queue depends on @seqlab/contracts only among the packages."),
      refuse("^(pg|next|react|@prisma/|@tensorflow/)", "@seqlab/queue never imports the database, Next or tfjs."),
    ],
  },
  {
    files: ["apps/web/src/**"],
    patterns: [
      refuse("^@tensorflow/", "The dashboard never loads TensorFlow.js."),
      refuse(
        "^@seqlab/(models|datasets)$",
        "The dashboard imports the light entries: @seqlab/models/catalog, @seqlab/datasets/catalog.",
      ),
      refuse(
        "^@seqlab/(worker|launcher|bench)",
        "The web app never imports the worker, the launcher or the benchmarks.",
      ),
    ],
  },
  {
    files: ["apps/worker/src/**"],
    patterns: [refuse("^(next|react|@seqlab/web)", "The worker never imports the web app.")],
  },
];

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/.next/**",
      "**/.turbo/**",
      "**/.data/**",
      "**/dist/**",
      "**/coverage/**",
      "packages/db/src/generated/**",
      "infra/validate/**",
      "**/*.js",
      "**/*.cjs",
      "**/*.mjs",
      "apps/web/next-env.d.ts",
    ],
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { "@typescript-eslint": tseslint.plugin, "react-hooks": reactHooks },
    rules: {
      // A promise nobody awaits loses its error: a failed write would vanish. `void p` says "on purpose".
      "@typescript-eslint/no-floating-promises": ["error", { ignoreVoid: true }],
      "@typescript-eslint/await-thenable": "error",
      // An async function where a plain callback is expected (an event handler, a forEach) drops its rejection.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      // Type-only imports are erased: they never load a module (the dashboard must not pull tfjs through a type).
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { prefer: "type-imports", fixStyle: "inline-type-imports" },
      ],
      "@typescript-eslint/no-import-type-side-effects": "error",
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      "no-restricted-imports": ["error", { patterns: everywhere }],
      // Env parsed once per app (STYLE.md): only env files read process.env; tests and configs are exempt below.
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read the environment only in the app's env.ts (parsed once, with zod).",
        },
      ],
    },
  },
  ...arrows.map(({ files, patterns, base = everywhere }) => ({
    files: files.map((f) => (f.endsWith("**") ? `${f}/*.{ts,tsx}` : f)),
    rules: { "no-restricted-imports": ["error", { patterns: [...base, ...patterns] }] },
  })),
  {
    // Where the environment is legitimately read: each app's env module, tests, build configs and benchmarks.
    files: [
      "**/env.ts",
      "**/*-env.ts",
      "**/*.test.ts",
      "**/test/**",
      "**/*.config.ts",
      "packages/db/src/test-database.ts",
      "bench/**",
    ],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Tests may reach across the arrows to set up what they test (a worker for the dashboard's end-to-end test).
    files: ["**/*.test.ts", "**/test/**"],
    rules: { "no-restricted-imports": ["error", { patterns: everywhere }] },
  },
  {
    files: ["packages/db/**/*.test.ts", "packages/db/test/**"],
    rules: { "no-restricted-imports": ["error", { patterns: crossPackage }] },
  },
);
