/** A check over the whole repository that `./seqlab test` runs before Jest; each counts as one test. */
export interface StaticCheck {
  title: string;
  command: string;
  args: string[];
  /** What to run to see or fix what it found. */
  fix: string;
}

/** Lint (with type information), formatting, and unused files, exports and dependencies. */
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
];
