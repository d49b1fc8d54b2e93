/** A check over the whole repository that `./seqlab test` runs before Jest; each counts as one test. */
export interface StaticCheck {
  title: string;
  command: string;
  args: string[];
  /** What to run to see or fix what it found. */
  fix: string;
}

/** Lint (with type information), formatting, unused files, exports and dependencies, and the deployment files. */
export const STATIC_CHECKS: StaticCheck[] = [
  {
    title: "eslint (type-aware: floating promises, type imports, the dependency arrows of STYLE.md)",
    command: "npx",
    args: ["eslint", "--max-warnings=0", "."],
    fix: "npx eslint . ; npx eslint --fix . fixes type imports",
  },
  {
    title: "prettier --check",
    command: "npx",
    args: ["prettier", "--check", "--log-level=warn", "."],
    fix: "npx prettier --write .",
  },
  {
    title: "knip (unused files, exports and dependencies)",
    command: "npx",
    args: ["knip", "--no-progress"],
    fix: "npx knip",
  },
  {
    // Its own package (schema validators nothing else needs), installed on first use.
    title: "infra/validate (compose, Kubernetes and Dockerfiles, offline)",
    command: "bash",
    args: [
      "-o",
      "pipefail",
      "-c",
      "cd infra/validate && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && node validate.mjs | grep -v '^ok '",
    ],
    fix: "cd infra/validate && node validate.mjs",
  },
];
