import type { FilterColumn, FilterField, FilterNode, FilterOp, FilterValue, SummaryAggregate } from "@seqlab/contracts";
import { Prisma } from "../generated/prisma/client";

// Compiles the runs-table filter (parsed by @seqlab/contracts' parseRunFilter) to a SQL condition. Every value,
// config path and metric key is a bound parameter; the SQL text is only ever built from the fixed fragments below,
// chosen by the AST's discriminants, so no user text can reach it.
//
// The fragment runs in
//   ... FROM "Run" r JOIN "Project" p ON p.id = r."projectId" LEFT JOIN "User" u ON u.id = r."createdById"
//   WHERE <team scope> AND (<fragment>)
//
// NULLs: a comparison with a missing value is NULL (no match), except `!=`, which is true there ("runs whose lr is
// not 0.1" includes runs without lr): IS DISTINCT FROM. NOT is a clean negation of a condition that may be NULL.

const { sql, join } = Prisma;

type Sql = Prisma.Sql;

const ONE_DAY_MS = 86_400_000;

/** The binary SQL operator of each filter operator but `~` (ILIKE, built separately). */
const COMPARE: Record<Exclude<FilterOp, "~">, (left: Sql, right: Sql) => Sql> = {
  "=": (l, r) => sql`${l} = ${r}`,
  "!=": (l, r) => sql`${l} IS DISTINCT FROM ${r}`,
  "<": (l, r) => sql`${l} < ${r}`,
  "<=": (l, r) => sql`${l} <= ${r}`,
  ">": (l, r) => sql`${l} > ${r}`,
  ">=": (l, r) => sql`${l} >= ${r}`,
};

/** The text columns of the run a filter compares as text. */
const TEXT_COLUMNS: Partial<Record<FilterColumn, Sql>> = {
  status: sql`r.status::text`,
  name: sql`r.name`,
  model: sql`r."modelName"`,
  dataset: sql`r."datasetName"`,
  id: sql`r.id`,
};

/** The column of "MetricSummary" (under the alias `s`) each aggregate reads. */
const SUMMARY_COLUMNS: Record<SummaryAggregate, (s: Sql) => Sql> = {
  last: (s) => sql`${s}.last`,
  min: (s) => sql`${s}.min`,
  max: (s) => sql`${s}.max`,
  step: (s) => sql`${s}."lastStep"`,
  count: (s) => sql`${s}.count`,
};

/** Filter-time values of the aggregates: NaN (a diverged loss) compares like a missing value, not above every number. */
const SUMMARY_COMPARED: Record<SummaryAggregate, (s: Sql) => Sql> = {
  last: (s) => sql`NULLIF(${s}.last, 'NaN'::float8)`,
  min: (s) => sql`NULLIF(${s}.min, 'NaN'::float8)`,
  max: (s) => sql`NULLIF(${s}.max, 'NaN'::float8)`,
  step: (s) => sql`${s}."lastStep"`,
  count: (s) => sql`${s}.count`,
};

/**
 * Summary metrics read through one LEFT JOIN per metric key instead of a correlated subquery per run and
 * reference: over 10,000 runs the planner then hash-joins each key's summaries once (bench/runs-table-figures.ts).
 * The caller adds `joins()` after its FROM. Aliases are ours (s0, s1, ...); keys are bound parameters.
 */
export class SummaryJoins {
  private readonly aliases = new Map<string, string>();

  alias(key: string): Sql {
    if (typeof key !== "string") throw new FilterCompileError("a metric key is text");
    let alias = this.aliases.get(key);
    if (!alias) {
      alias = `s${this.aliases.size}`;
      this.aliases.set(key, alias);
    }
    return Prisma.raw(alias);
  }

  joins(): Sql {
    if (this.aliases.size === 0) return Prisma.empty;
    return join(
      [...this.aliases].map(
        ([key, alias]) =>
          sql`LEFT JOIN "MetricSummary" ${Prisma.raw(alias)} ON ${Prisma.raw(alias)}."runId" = r.id AND ${Prisma.raw(alias)}.key = ${key}::text`,
      ),
      " ",
    );
  }
}

/** A value of the wrong shape for its field: the AST did not come from the parser (or a client built it badly). */
export class FilterCompileError extends Error {
  override readonly name = "FilterCompileError";
}

function pick<K extends string, V>(table: Partial<Record<K, V>>, key: K, what: string): V {
  const found = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
  if (found === undefined) throw new FilterCompileError(`cannot compile ${what} ${JSON.stringify(key)}`);
  return found;
}

const textParam = (value: string): Sql => sql`${value}::text`;
const numberParam = (value: number): Sql => sql`${value}::float8`;

/** `%value%` with the value's own `%`, `_` and `\` escaped, for `ILIKE ... ESCAPE '\'`. */
function containsPattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const ilike = (expression: Sql, value: string): Sql =>
  sql`${expression} ILIKE ${containsPattern(value)}::text ESCAPE '\\'`;

/** A value as text, for fields that compare as text. */
function textOf(value: FilterValue): string {
  return typeof value.value === "string" ? value.value : String(value.value);
}

function numberOf(value: FilterValue, field: string): number {
  if (value.kind !== "number" || !Number.isFinite(value.value)) {
    throw new FilterCompileError(`${field} compares with finite numbers`);
  }
  return value.value;
}

/** `expression op value`, for a scalar expression that may be NULL. */
function scalar(expression: Sql, op: FilterOp, value: Sql | string): Sql {
  if (op === "~") {
    if (typeof value !== "string") throw new FilterCompileError('"~" needs a text value');
    return ilike(expression, value);
  }
  return pick(COMPARE, op, "operator")(expression, typeof value === "string" ? textParam(value) : value);
}

/** The jsonb at a config path (SQL NULL where the path does not exist). */
const configAt = (path: string[]): Sql => sql`(r.config #> ${checkPath(path)}::text[])`;

function checkPath(path: string[]): string[] {
  if (!Array.isArray(path) || path.length === 0 || !path.every((s) => typeof s === "string")) {
    throw new FilterCompileError("a config path is a non-empty list of keys");
  }
  return path;
}

function summaryOf(key: string, column: (s: Sql) => Sql, joins: SummaryJoins | undefined): Sql {
  if (typeof key !== "string") throw new FilterCompileError("a metric key is text");
  if (joins) return column(joins.alias(key));
  return sql`(SELECT ${column(sql`fs`)} FROM "MetricSummary" fs WHERE fs."runId" = r.id AND fs.key = ${key}::text)`;
}

/** `timestamp(3)` parameter text of an instant: the column holds UTC wall-clock time without a zone. */
function timestampParam(ms: number): Sql {
  return sql`${new Date(ms).toISOString().slice(0, -1)}::timestamp`;
}

function compareCreated(op: FilterOp, value: FilterValue): Sql {
  if (value.kind !== "date") throw new FilterCompileError("created compares with dates");
  const start = Date.parse(value.value);
  if (Number.isNaN(start)) throw new FilterCompileError("created compares with dates");
  const created = sql`r."createdAt"`;
  if (value.precision !== "day") return scalar(created, op, timestampParam(start));
  // A plain date is the whole day: `= 2026-11-01` during it, `<=` up to its end, `>` after it.
  const dayStart = timestampParam(start);
  const nextDay = timestampParam(start + ONE_DAY_MS);
  const during = sql`(${created} >= ${dayStart} AND ${created} < ${nextDay})`;
  switch (op) {
    case "=":
      return during;
    case "!=":
      return sql`(NOT coalesce(${during}, false))`;
    case "<":
      return sql`${created} < ${dayStart}`;
    case "<=":
      return sql`${created} < ${nextDay}`;
    case ">":
      return sql`${created} >= ${nextDay}`;
    case ">=":
      return sql`${created} >= ${dayStart}`;
    default:
      throw new FilterCompileError(`created cannot be compared with ${JSON.stringify(op)}`);
  }
}

/** A run's duration in seconds: start to end, or to now while it runs; NULL when it never started. */
const DURATION_SECONDS = sql`EXTRACT(EPOCH FROM (coalesce(r."finishedAt", now()) - r."startedAt"))::float8`;

function compareColumn(column: FilterColumn, op: FilterOp, value: FilterValue): Sql {
  switch (column) {
    case "duration":
      if (op === "~") throw new FilterCompileError('duration cannot be compared with "~"');
      return scalar(DURATION_SECONDS, op, numberParam(numberOf(value, "duration")));
    case "created":
      return compareCreated(op, value);
    case "step":
      if (op === "~") throw new FilterCompileError('step cannot be compared with "~"');
      return scalar(sql`r."lastStep"`, op, numberParam(numberOf(value, "step")));
    case "user": {
      const text = textOf(value);
      if (op === "~") return sql`(${ilike(sql`u.name`, text)} OR ${ilike(sql`u.email`, text)})`;
      const matches = sql`(u.name = ${textParam(text)} OR u.email = ${textParam(text)})`;
      if (op === "=") return matches;
      if (op === "!=") return sql`(NOT coalesce(${matches}, false))`;
      throw new FilterCompileError(`user cannot be compared with ${JSON.stringify(op)}`);
    }
    case "tags": {
      const text = textOf(value);
      if (op === "~") {
        return sql`EXISTS (SELECT 1 FROM unnest(r.tags) AS ft(tag) WHERE ${ilike(sql`ft.tag`, text)})`;
      }
      // `@>` is what the GIN index on tags answers.
      const has = sql`r.tags @> ARRAY[${textParam(text)}]::text[]`;
      if (op === "=") return has;
      if (op === "!=") return sql`(NOT coalesce(${has}, false))`;
      throw new FilterCompileError(`tags cannot be compared with ${JSON.stringify(op)}`);
    }
    default: {
      const expression = pick(TEXT_COLUMNS, column, "column");
      if (op !== "=" && op !== "!=" && op !== "~") {
        throw new FilterCompileError(`${column} cannot be compared with ${JSON.stringify(op)}`);
      }
      return scalar(expression, op, textOf(value));
    }
  }
}

function compareConfig(path: string[], op: FilterOp, value: FilterValue): Sql {
  const at = configAt(path);
  if (op === "~") return ilike(sql`(r.config #>> ${checkPath(path)}::text[])`, textOf(value));
  switch (value.kind) {
    case "number":
      // CASE, not AND: PostgreSQL may evaluate AND's operands in any order, and the cast fails on non-numbers.
      return scalar(
        sql`(CASE WHEN jsonb_typeof(${at}) = 'number' THEN (${at})::float8 END)`,
        op,
        numberParam(numberOf(value, "a config number")),
      );
    case "boolean":
      if (op !== "=" && op !== "!=") throw new FilterCompileError("a boolean can only be compared with = or !=");
      return scalar(at, op, sql`to_jsonb(${value.value}::boolean)`);
    default:
      return scalar(
        sql`(CASE WHEN jsonb_typeof(${at}) = 'string' THEN r.config #>> ${checkPath(path)}::text[] END)`,
        op,
        textOf(value),
      );
  }
}

function compare(field: FilterField, op: FilterOp, value: FilterValue, joins?: SummaryJoins): Sql {
  switch (field.kind) {
    case "column":
      return compareColumn(field.column, op, value);
    case "config":
      return compareConfig(field.path, op, value);
    case "summary": {
      if (op === "~") throw new FilterCompileError('summary metrics cannot be compared with "~"');
      const column = pick(SUMMARY_COMPARED, field.aggregate, "aggregate");
      return scalar(summaryOf(field.key, column, joins), op, numberParam(numberOf(value, "a summary metric")));
    }
    default:
      throw new FilterCompileError("unknown field kind");
  }
}

function inList(field: FilterField, values: FilterValue[], joins?: SummaryJoins): Sql {
  if (!Array.isArray(values) || values.length === 0) throw new FilterCompileError("IN needs at least one value");
  if (field.kind === "column") {
    const texts = () => values.map(textOf);
    switch (field.column) {
      case "tags":
        return sql`r.tags && ${texts()}::text[]`;
      case "user":
        return sql`(u.name = ANY(${texts()}::text[]) OR u.email = ANY(${texts()}::text[]))`;
      case "step":
        return sql`r."lastStep"::float8 = ANY(${values.map((v) => numberOf(v, "step"))}::float8[])`;
      case "duration":
        return sql`${DURATION_SECONDS} = ANY(${values.map((v) => numberOf(v, "duration"))}::float8[])`;
      case "created":
        break;
      default:
        return sql`${pick(TEXT_COLUMNS, field.column, "column")} = ANY(${texts()}::text[])`;
    }
  }
  if (field.kind === "summary") {
    const column = pick(SUMMARY_COMPARED, field.aggregate, "aggregate");
    const numbers = values.map((v) => numberOf(v, "a summary metric"));
    return sql`${summaryOf(field.key, column, joins)} = ANY(${numbers}::float8[])`;
  }
  // Mixed kinds (config.x IN (1, "one", true)): one equality each.
  return sql`(${join(
    values.map((v) => compare(field, "=", v, joins)),
    " OR ",
  )})`;
}

function exists(field: FilterField, joins?: SummaryJoins): Sql {
  switch (field.kind) {
    case "column":
      switch (field.column) {
        case "user":
          return sql`u.id IS NOT NULL`;
        case "tags":
          return sql`coalesce(cardinality(r.tags), 0) > 0`;
        default:
          return sql`${fieldValueSql(field, joins)} IS NOT NULL`;
      }
    case "config":
      // A JSON null is as good as absent.
      return sql`coalesce(jsonb_typeof(${configAt(field.path)}) <> 'null', false)`;
    case "summary":
      if (joins) return sql`${joins.alias(field.key)}."runId" IS NOT NULL`;
      return sql`EXISTS (SELECT 1 FROM "MetricSummary" fs WHERE fs."runId" = r.id AND fs.key = ${field.key}::text)`;
    default:
      throw new FilterCompileError("unknown field kind");
  }
}

/**
 * The SQL condition of a parsed filter, for `WHERE <team scope> AND (<it>)` over `"Run" r` joined with
 * `"Project" p` and (left) `"User" u`. Every value, config path and metric key is a bound parameter.
 *
 * @throws Error (FilterCompileError) for an AST the parser would not produce: an unknown field, operator or
 *   aggregate, or a value of the wrong kind for its field.
 */
export function compileRunFilter(node: FilterNode, joins?: SummaryJoins): Prisma.Sql {
  switch (node.kind) {
    case "and":
      return sql`(${compileRunFilter(node.left, joins)} AND ${compileRunFilter(node.right, joins)})`;
    case "or":
      return sql`(${compileRunFilter(node.left, joins)} OR ${compileRunFilter(node.right, joins)})`;
    case "not":
      return sql`(NOT coalesce(${compileRunFilter(node.operand, joins)}, false))`;
    case "compare":
      return compare(node.field, node.op, node.value, joins);
    case "in":
      return inList(node.field, node.values, joins);
    case "exists":
      return exists(node.field, joins);
    default:
      throw new FilterCompileError("unknown filter node");
  }
}

/**
 * The SQL value of a field, for ORDER BY and SELECT in the same FROM as {@link compileRunFilter}: the status enum
 * (sorts in lifecycle order), text columns, the launcher's name for `user`, `r.tags` (text[]), `r."createdAt"`,
 * `r."lastStep"`, the config's jsonb at the path (NULL where absent), or the summary's aggregate (NULL where the run
 * has no such metric; NaN as stored).
 */
export function fieldValueSql(field: FilterField, joins?: SummaryJoins): Prisma.Sql {
  switch (field.kind) {
    case "column":
      switch (field.column) {
        case "status":
          return sql`r.status`;
        case "user":
          return sql`u.name`;
        case "tags":
          return sql`r.tags`;
        case "created":
          return sql`r."createdAt"`;
        case "step":
          return sql`r."lastStep"`;
        case "duration":
          return DURATION_SECONDS;
        default:
          return pick(TEXT_COLUMNS, field.column, "column");
      }
    case "config":
      return configAt(field.path);
    case "summary":
      return summaryOf(field.key, pick(SUMMARY_COLUMNS, field.aggregate, "aggregate"), joins);
    default:
      throw new FilterCompileError("unknown field kind");
  }
}
