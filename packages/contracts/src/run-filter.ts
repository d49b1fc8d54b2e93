import { z } from "zod";
import { MetricKey } from "./metric-point";
import { RunStatus } from "./run";

// The runs table's filter language: `status IN (running, queued) AND summary.val/loss.min < 0.3`. A hand-written
// tokenizer and recursive-descent parser turn the text into a typed AST (every node with its source offsets, so
// the editor can underline what an error names); `packages/db` compiles the AST to parameterised SQL.
//
// Errors come in two passes: the first syntax error wins, and only a text that parses completely reports the
// first meaning error (an unknown field, a status that does not exist, `<` on a name). So `(a = 1` says that
// ")" is missing rather than that there is no field "a".

/** Longest filter text accepted: ten times the longest filter seen in use, and small enough to parse instantly. */
export const RUN_FILTER_MAX_LENGTH = 4000;
/** Deepest nesting of parentheses and NOTs: far beyond what a person writes, far below a stack overflow. */
export const RUN_FILTER_MAX_DEPTH = 32;

/** Filter text as the API accepts it (the parser enforces the same limit with a positioned error). */
export const RunFilterText = z.string().max(RUN_FILTER_MAX_LENGTH);
export type RunFilterText = z.infer<typeof RunFilterText>;

/**
 * The run columns a filter can name (`tag` is accepted as a synonym of `tags`). `duration` is in seconds: from the
 * start to the end, or to now while the run is running; a run that never started has none.
 */
export const FILTER_COLUMNS = [
  "status",
  "name",
  "model",
  "dataset",
  "user",
  "tags",
  "created",
  "step",
  "duration",
  "id",
] as const;
export type FilterColumn = (typeof FILTER_COLUMNS)[number];

/** What `summary.<key>.<aggregate>` reads of a metric's summary; `last` when the reference names none. */
export const SUMMARY_AGGREGATES = ["last", "min", "max", "step", "count"] as const;
export type SummaryAggregate = (typeof SUMMARY_AGGREGATES)[number];

/** What a filter, a sort key or a table column refers to. */
export type FilterField =
  | { kind: "column"; column: FilterColumn }
  /** A path into the run's JSON config, one key (or array index) per element. */
  | { kind: "config"; path: string[] }
  | { kind: "summary"; key: string; aggregate: SummaryAggregate };

/** Comparison operators; `~` is "contains", case-insensitive. */
export type FilterOp = "=" | "!=" | "<" | "<=" | ">" | ">=" | "~";

/** Offsets into the filter text: `start` inclusive, `end` exclusive. */
export interface FilterSpan {
  start: number;
  end: number;
}

/**
 * A literal after it has been typed against its field: text columns turn any literal into text, `status` values
 * are the enum's spelling, `created` values are dates.
 */
export type FilterValue =
  | ({ kind: "number"; value: number } & FilterSpan)
  | ({ kind: "string"; value: string } & FilterSpan)
  | ({ kind: "boolean"; value: boolean } & FilterSpan)
  | ({
      kind: "date";
      /** The instant as an ISO string in UTC (the start of the day for a plain date). */
      value: string;
      /** "day" for a plain date (`2026-11-01`): `=` means during that day, `<=` up to its end, and so on. */
      precision: "day" | "instant";
      /** The relative form it was written in ("7d"), resolved against the parse's `now`; null for absolute dates. */
      relative: string | null;
    } & FilterSpan);

/** A parsed filter. `and`/`or` are binary and left-associative, as written. */
export type FilterNode =
  | ({ kind: "and" | "or"; left: FilterNode; right: FilterNode } & FilterSpan)
  | ({ kind: "not"; operand: FilterNode } & FilterSpan)
  | ({ kind: "compare"; field: FilterField; op: FilterOp; value: FilterValue } & FilterSpan)
  | ({ kind: "in"; field: FilterField; values: FilterValue[] } & FilterSpan)
  | ({ kind: "exists"; field: FilterField } & FilterSpan);

/** A filter text that does not parse, or names something that does not exist; `position` is a 0-based offset. */
export class FilterSyntaxError extends Error {
  override readonly name = "FilterSyntaxError";
  constructor(
    /** What was expected or what is wrong, without the position (the message ends with " at <position>"). */
    readonly reason: string,
    readonly position: number,
    /** How many characters the problem spans (0 at the end of the text). */
    readonly length: number = 0,
  ) {
    super(`${reason} at ${position}`);
  }
}

const STATUSES: readonly string[] = RunStatus.options;
const KEYWORDS = new Set(["and", "or", "not", "in", "exists", "true", "false"]);
const ORDERING_OPS = new Set<FilterOp>(["<", "<=", ">", ">="]);
const FIELD_LIST =
  "status, name, model, dataset, user, tags, created, step, duration, id, config.<path> and summary.<metric>[.last|.min|.max|.step|.count]";

const isIdentStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
/** Characters of an unquoted field segment. */
const isSegmentChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_/-]/.test(c);
/** Characters of an unquoted value (`@` beyond the usual, so `user = ada@example.com` needs no quotes). */
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_\-./:@]/.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

type TokenKind = "(" | ")" | "," | "op" | "&&" | "||" | "!" | "string" | "number" | "word" | "eof";
interface Token extends FilterSpan {
  kind: TokenKind;
  /** The token's source text. */
  text: string;
  /** The unescaped content of a string, the value of a number. */
  value?: string | number;
}

/** Reads the quoted string that starts at `start`; returns its content and the offset after the closing quote. */
function readQuoted(source: string, start: number): { value: string; end: number } {
  const quote = source[start];
  let value = "";
  let i = start + 1;
  while (i < source.length) {
    const c = source[i];
    if (c === quote) return { value, end: i + 1 };
    if (c === "\\") {
      const escaped = source[i + 1];
      if (escaped !== '"' && escaped !== "'" && escaped !== "\\") {
        throw new FilterSyntaxError(
          escaped === undefined
            ? `unterminated string: expected a closing ${quote}`
            : `unknown escape "\\${escaped}" (only \\" \\' and \\\\ are allowed)`,
          i,
          escaped === undefined ? 1 : 2,
        );
      }
      value += escaped;
      i += 2;
    } else {
      value += c;
      i += 1;
    }
  }
  throw new FilterSyntaxError(`unterminated string: expected a closing ${quote}`, start, source.length - start);
}

/** The token at `start` (after whitespace) of the value-and-operator vocabulary; fields are scanned separately. */
function lex(source: string, from: number): Token {
  let start = from;
  while (start < source.length && /\s/.test(source[start] as string)) start += 1;
  const c = source[start];
  const token = (kind: TokenKind, end: number, value?: string | number): Token => ({
    kind,
    text: source.slice(start, end),
    start,
    end,
    ...(value === undefined ? {} : { value }),
  });
  if (c === undefined) return token("eof", start);
  if (c === "(" || c === ")" || c === ",") return token(c, start + 1);
  const next = source[start + 1];
  if (c === "<" || c === ">") return token("op", next === "=" ? start + 2 : start + 1);
  if (c === "=" || c === "~") return token("op", start + 1);
  if (c === "!") return next === "=" ? token("op", start + 2) : token("!", start + 1);
  if (c === "&" || c === "|") {
    if (next === c) return token(c === "&" ? "&&" : "||", start + 2);
    throw new FilterSyntaxError(`unexpected "${c}" (did you mean "${c}${c}"?)`, start, 1);
  }
  if (c === '"' || c === "'") {
    const { value, end } = readQuoted(source, start);
    return token("string", end, value);
  }
  if (isDigit(c) || (c === "-" && isDigit(next))) {
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(source);
    const end = start + (match?.[0].length ?? 0);
    if (!isWordChar(source[end])) return token("number", end, Number(source.slice(start, end)));
  }
  if (isWordChar(c)) {
    let end = start;
    while (isWordChar(source[end])) end += 1;
    return token("word", end);
  }
  throw new FilterSyntaxError(`unexpected character ${JSON.stringify(c)}`, start, 1);
}

interface Segment extends FilterSpan {
  text: string;
  quoted: boolean;
}

/** Scans a field reference (`config.training."learning rate"`) at `start`: its segments and where it ends. */
function scanFieldRef(source: string, start: number): { segments: Segment[]; end: number } {
  const segments: Segment[] = [];
  let i = start;
  for (;;) {
    const c = source[i];
    if (c === '"' || c === "'") {
      const { value, end } = readQuoted(source, i);
      segments.push({ text: value, quoted: true, start: i, end });
      i = end;
    } else if (isSegmentChar(c) && (segments.length > 0 || isIdentStart(c))) {
      const segmentStart = i;
      while (isSegmentChar(source[i])) i += 1;
      segments.push({ text: source.slice(segmentStart, i), quoted: false, start: segmentStart, end: i });
    } else if (segments.length === 0) {
      throw new FilterSyntaxError("expected a field name", i, c === undefined ? 0 : 1);
    } else {
      throw new FilterSyntaxError(`expected a name after "${source.slice(start, i)}"`, i, c === undefined ? 0 : 1);
    }
    if (source[i] !== ".") return { segments, end: i };
    i += 1;
  }
}

/** What a scanned reference names; throws when it names nothing. */
function resolveField(segments: Segment[], start: number, end: number): FilterField {
  const [head, ...rest] = segments;
  const unknown = () =>
    new FilterSyntaxError(
      `unknown field ${JSON.stringify(segments.map((s) => s.text).join("."))}; fields are ${FIELD_LIST}`,
      start,
      end - start,
    );
  if (head === undefined || head.quoted) throw unknown();
  const name = head.text.toLowerCase();
  if (rest.length === 0) {
    if (name === "tag") return { kind: "column", column: "tags" };
    const column = FILTER_COLUMNS.find((c) => c === name);
    if (column) return { kind: "column", column };
    if (name === "config" || name === "summary") {
      throw new FilterSyntaxError(
        name === "config"
          ? "config needs a path, e.g. config.training.steps"
          : "summary needs a metric key, e.g. summary.val/loss.min",
        end,
        0,
      );
    }
    throw unknown();
  }
  if (name === "config") return { kind: "config", path: rest.map((s) => s.text) };
  if (name !== "summary") throw unknown();
  const last = rest[rest.length - 1] as Segment;
  const aggregate = SUMMARY_AGGREGATES.find((a) => a === last.text);
  const hasAggregate = rest.length > 1 && !last.quoted && aggregate !== undefined;
  const keySegments = hasAggregate ? rest.slice(0, -1) : rest;
  const key = keySegments.map((s) => s.text).join(".");
  if (!MetricKey.safeParse(key).success) {
    const keyStart = (keySegments[0] as Segment).start;
    const keyEnd = (keySegments[keySegments.length - 1] as Segment).end;
    throw new FilterSyntaxError(
      `${JSON.stringify(key)} is not a metric key (1-64 letters, digits, _ . / -)`,
      keyStart,
      keyEnd - keyStart,
    );
  }
  return { kind: "summary", key, aggregate: hasAggregate ? aggregate : "last" };
}

/** A literal as written, before it is typed against its field. */
interface Literal extends FilterSpan {
  kind: "number" | "string" | "boolean";
  value: string | number | boolean;
  /** The source text (a number's or boolean's spelling, a string's content). */
  text: string;
}

/** The literal as text, for fields that compare as text: `name = 123` means the name "123". */
const literalText = (literal: Literal): string =>
  literal.kind === "string" ? (literal.value as string) : literal.text;

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const RELATIVE = /^(\d{1,6})([mhdw])$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

/** A UTC instant from calendar fields, or null when they name no real date (2026-02-30, 25:00). */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): Date | null {
  if (h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : null;
}

/** `created`'s value: an ISO date or datetime (UTC unless it says otherwise), or `7d` / `12h` / `30m` / `2w` ago. */
function parseDate(
  text: string,
  now: Date,
): { value: string; precision: "day" | "instant"; relative: string | null } | null {
  const relative = RELATIVE.exec(text);
  if (relative) {
    const amount = Number(relative[1]);
    const unit = relative[2] as keyof typeof UNIT_MS;
    return {
      value: new Date(now.getTime() - amount * UNIT_MS[unit]).toISOString(),
      precision: "instant",
      relative: `${amount}${unit}`,
    };
  }
  const day = DAY.exec(text);
  if (day) {
    const date = utc(Number(day[1]), Number(day[2]), Number(day[3]));
    return date && { value: date.toISOString(), precision: "day", relative: null };
  }
  const m = DATETIME.exec(text);
  if (!m) return null;
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const date = utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms);
  if (!date) return null;
  const zone = m[8];
  if (zone && zone !== "Z" && zone !== "z") {
    const digits = zone.replace(":", "");
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 23 || minutes > 59) return null;
    const sign = digits[0] === "-" ? -1 : 1;
    date.setTime(date.getTime() - sign * (hours * 60 + minutes) * 60_000);
  }
  return { value: date.toISOString(), precision: "instant", relative: null };
}

const describeField = (field: FilterField): string =>
  field.kind === "column" ? field.column : field.kind === "config" ? "config values" : "summary metrics";

class Parser {
  private pos = 0;
  private depth = 0;
  /** Text of the last consumed token, for "expected ... after ..." messages. */
  private previous: string | null = null;
  /** The first meaning error, thrown once the whole text has parsed. */
  private deferred: FilterSyntaxError | null = null;

  constructor(
    private readonly source: string,
    private readonly now: Date,
  ) {}

  parse(): FilterNode {
    const node = this.orExpr();
    const token = this.peek();
    if (token.kind === ")") throw new FilterSyntaxError('unexpected ")" without a matching "("', token.start, 1);
    if (token.kind !== "eof") throw this.expected("AND, OR or the end of the filter", token);
    if (this.deferred) throw this.deferred;
    return node;
  }

  private peek(): Token {
    return lex(this.source, this.pos);
  }

  private take(): Token {
    const token = this.peek();
    this.pos = token.end;
    this.previous = token.text;
    return token;
  }

  /** "expected <what> after <the previous token>" at `token`. */
  private expected(what: string, token: Token): FilterSyntaxError {
    const after = this.previous === null ? "" : ` after ${JSON.stringify(this.previous)}`;
    return new FilterSyntaxError(`expected ${what}${after}`, token.start, token.end - token.start);
  }

  /** Records a meaning error (only the first one counts) and lets parsing continue. */
  private defer(error: FilterSyntaxError): void {
    this.deferred ??= error;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === "word" && token.text.toLowerCase() === keyword;
  }

  private enter(at: Token): void {
    this.depth += 1;
    if (this.depth > RUN_FILTER_MAX_DEPTH) {
      throw new FilterSyntaxError(`the filter nests deeper than ${RUN_FILTER_MAX_DEPTH} levels`, at.start, 1);
    }
  }

  private orExpr(): FilterNode {
    let left = this.andExpr();
    for (let token = this.peek(); token.kind === "||" || this.isKeyword(token, "or"); token = this.peek()) {
      this.take();
      const right = this.andExpr();
      left = { kind: "or", left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private andExpr(): FilterNode {
    let left = this.notExpr();
    for (let token = this.peek(); token.kind === "&&" || this.isKeyword(token, "and"); token = this.peek()) {
      this.take();
      const right = this.notExpr();
      left = { kind: "and", left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private notExpr(): FilterNode {
    const token = this.peek();
    if (token.kind !== "!" && !this.isKeyword(token, "not")) return this.primary();
    this.enter(token);
    this.take();
    const operand = this.notExpr();
    this.depth -= 1;
    return { kind: "not", operand, start: token.start, end: operand.end };
  }

  private primary(): FilterNode {
    const token = this.peek();
    if (token.kind === "(") {
      this.enter(token);
      this.take();
      const inner = this.orExpr();
      const close = this.peek();
      if (close.kind !== ")") throw this.expected('")"', close);
      this.take();
      this.depth -= 1;
      // The parentheses belong to the node's text, so an editor highlights `(a OR b)` whole.
      return { ...inner, start: token.start, end: close.end };
    }
    if (!isIdentStart(this.source[token.start])) throw this.expected('a field, NOT or "("', token);
    return this.comparison(token.start);
  }

  private comparison(start: number): FilterNode {
    const { segments, end } = scanFieldRef(this.source, start);
    this.pos = end;
    this.previous = this.source.slice(start, end);
    let field: FilterField | null = null;
    try {
      field = resolveField(segments, start, end);
    } catch (error) {
      if (!(error instanceof FilterSyntaxError)) throw error;
      this.defer(error);
    }
    const token = this.peek();
    if (token.kind === "op") {
      this.take();
      const op = token.text as FilterOp;
      if (field) this.checkOperator(field, op, token);
      const value = this.typed(field, op, this.literal());
      return { kind: "compare", field: field ?? PLACEHOLDER, op, value, start, end: value.end };
    }
    if (this.isKeyword(token, "in")) {
      this.take();
      if (field?.kind === "column" && field.column === "created") {
        this.defer(new FilterSyntaxError("created cannot be used with IN; use < and >", token.start, 2));
      }
      const open = this.peek();
      if (open.kind !== "(") throw this.expected('"("', open);
      this.take();
      const values: FilterValue[] = [];
      for (;;) {
        values.push(this.typed(field, "=", this.literal()));
        const separator = this.peek();
        if (separator.kind === ")") break;
        if (separator.kind !== ",") throw this.expected('"," or ")"', separator);
        this.take();
      }
      const close = this.take();
      return { kind: "in", field: field ?? PLACEHOLDER, values, start, end: close.end };
    }
    if (this.isKeyword(token, "exists")) {
      this.take();
      return { kind: "exists", field: field ?? PLACEHOLDER, start, end: token.end };
    }
    throw this.expected("an operator (=, !=, <, <=, >, >=, ~, IN or EXISTS)", token);
  }

  private literal(): Literal {
    const token = this.peek();
    const span = { start: token.start, end: token.end };
    if (token.kind === "number") {
      const value = token.value as number;
      if (!Number.isFinite(value))
        throw new FilterSyntaxError("number out of range", token.start, token.end - token.start);
      this.take();
      // -0 and 0 are the same number to every reader; one spelling keeps round trips exact.
      return { kind: "number", value: value === 0 ? 0 : value, text: token.text, ...span };
    }
    if (token.kind === "string") {
      this.take();
      return { kind: "string", value: token.value as string, text: token.value as string, ...span };
    }
    if (token.kind === "word") {
      const lower = token.text.toLowerCase();
      if (lower === "true" || lower === "false") {
        this.take();
        return { kind: "boolean", value: lower === "true", text: token.text, ...span };
      }
      if (!KEYWORDS.has(lower)) {
        this.take();
        return { kind: "string", value: token.text, text: token.text, ...span };
      }
    }
    throw this.expected("a value", token);
  }

  /** Refuses operators that make no sense for the field (ordering names, `~` on numbers-only fields). */
  private checkOperator(field: FilterField, op: FilterOp, token: Token): void {
    const refuse = (hint: string) =>
      this.defer(
        new FilterSyntaxError(
          `${describeField(field)} cannot be compared with "${op}"; ${hint}`,
          token.start,
          token.end - token.start,
        ),
      );
    if (field.kind === "column") {
      const column = field.column;
      const numeric = column === "step" || column === "duration";
      if (ORDERING_OPS.has(op) && column !== "created" && !numeric) refuse("use =, !=, ~ or IN");
      if (op === "~" && column === "created") refuse("use =, !=, <, <=, > or >=");
      if (op === "~" && numeric) refuse("use =, !=, <, <=, >, >= or IN");
    } else if (field.kind === "summary" && op === "~") {
      refuse("use =, !=, <, <=, >, >= or IN");
    }
  }

  /** The literal typed against its field (text columns take it as text, status as the enum, created as a date). */
  private typed(field: FilterField | null, op: FilterOp, literal: Literal): FilterValue {
    const span = { start: literal.start, end: literal.end };
    const fail = (reason: string): FilterValue => {
      this.defer(new FilterSyntaxError(reason, literal.start, literal.end - literal.start));
      return { kind: "string", value: literalText(literal), ...span };
    };
    const asText = (): FilterValue => ({ kind: "string", value: literalText(literal), ...span });
    if (field === null) return asText();
    if (field.kind === "config") {
      if (literal.kind === "boolean" && ORDERING_OPS.has(op))
        return fail("a boolean can only be compared with = or !=");
      if (op === "~") return asText();
      return literal.kind === "number"
        ? { kind: "number", value: literal.value as number, ...span }
        : literal.kind === "boolean"
          ? { kind: "boolean", value: literal.value as boolean, ...span }
          : asText();
    }
    if (field.kind === "summary") {
      if (literal.kind !== "number") return fail(`summary.${field.key} compares with numbers`);
      return { kind: "number", value: literal.value as number, ...span };
    }
    switch (field.column) {
      case "step":
      case "duration":
        if (literal.kind !== "number") return fail(`${field.column} compares with numbers`);
        return { kind: "number", value: literal.value as number, ...span };
      case "created": {
        const date = literal.kind === "string" ? parseDate(literal.value as string, this.now) : null;
        if (!date) {
          return fail(
            "expected a date (2026-11-01, 2026-11-01T09:30:00Z) or a time ago (30m, 12h, 7d, 2w) for created",
          );
        }
        return { kind: "date", ...date, ...span };
      }
      case "status": {
        if (op === "~") return asText();
        const status = literalText(literal).toUpperCase();
        if (!STATUSES.includes(status)) {
          return fail(`unknown status ${JSON.stringify(literalText(literal))}; statuses are ${STATUSES.join(", ")}`);
        }
        return { kind: "string", value: status, ...span };
      }
      default:
        return asText();
    }
  }
}

/** Stands in for a field that does not exist while the rest of the text is checked; never returned. */
const PLACEHOLDER: FilterField = { kind: "column", column: "name" };

/**
 * Parses a runs-table filter. Keywords (AND, OR, NOT, IN, EXISTS, true, false) and column names are
 * case-insensitive; `&&`, `||` and `!` are synonyms of AND, OR and NOT.
 *
 * @param now What relative dates (`created > 7d`) count back from. Default: the current time.
 * @returns The filter's AST, or null for an empty or all-whitespace text.
 * @throws FilterSyntaxError for a text that does not parse or names a field, status or date that does not exist.
 */
export function parseRunFilter(source: string, now: Date = new Date()): FilterNode | null {
  checkText(source);
  if (source.trim() === "") return null;
  return new Parser(source, now).parse();
}

function checkText(source: string): void {
  if (source.length > RUN_FILTER_MAX_LENGTH) {
    throw new FilterSyntaxError(
      `the filter is longer than ${RUN_FILTER_MAX_LENGTH} characters`,
      RUN_FILTER_MAX_LENGTH,
      source.length - RUN_FILTER_MAX_LENGTH,
    );
  }
  // PostgreSQL cannot hold NUL in text, so a value carrying one could never match: refuse it where it is typed.
  const nul = source.indexOf("\u0000");
  if (nul >= 0) throw new FilterSyntaxError("the filter contains a NUL character", nul, 1);
}

/**
 * Splits a list of field references, `a,b,"c,d"`, on the commas outside quotes: the API's `sort=` and `columns=`,
 * and the dashboard's URL, read them the same way.
 */
export function splitFieldList(text: string): string[] {
  const out: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      current += ch;
      if (ch === "\\" && i + 1 < text.length) current += text[++i];
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === ",") {
      out.push(current.trim());
      current = "";
    } else current += ch;
  }
  out.push(current.trim());
  return out.filter((f) => f.length > 0);
}

/**
 * Parses a field reference on its own, in the filter's syntax: `created`, `config.training.steps`,
 * `summary.val/loss.min`, `summary."a.min".last`. Sort keys and table columns use it.
 *
 * @throws FilterSyntaxError for anything else.
 */
export function parseFieldRef(text: string): FilterField {
  checkText(text);
  let start = 0;
  while (start < text.length && /\s/.test(text[start] as string)) start += 1;
  if (!isIdentStart(text[start])) throw new FilterSyntaxError("expected a field name", start, text[start] ? 1 : 0);
  const { segments, end } = scanFieldRef(text, start);
  if (text.slice(end).trim() !== "") {
    throw new FilterSyntaxError(
      `unexpected ${JSON.stringify(text.slice(end).trim())} after the field`,
      end,
      text.length - end,
    );
  }
  return resolveField(segments, start, end);
}

const BARE_SEGMENT = /^[A-Za-z0-9_/-]+$/;

/** A string literal in the filter's syntax: quoted with double quotes, backslash before `"` and `\`. */
function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The canonical text of a field reference; {@link parseFieldRef} reads it back to the same field. */
export function formatFieldRef(field: FilterField): string {
  switch (field.kind) {
    case "column":
      return field.column;
    case "config":
      return ["config", ...field.path.map((s) => (BARE_SEGMENT.test(s) ? s : quote(s)))].join(".");
    case "summary": {
      const parts = field.key.split(".");
      const bare = parts.every((p) => BARE_SEGMENT.test(p));
      const key = bare ? field.key : quote(field.key);
      // `summary.a.min` would read as the key "a" with the aggregate min: say `.last` to keep the key "a.min".
      const lastPart = parts[parts.length - 1] as string;
      const ambiguous = bare && parts.length > 1 && (SUMMARY_AGGREGATES as readonly string[]).includes(lastPart);
      return field.aggregate !== "last" || ambiguous ? `summary.${key}.${field.aggregate}` : `summary.${key}`;
    }
  }
}

/** A string as the shortest text that reads back as that same string: bare when it lexes as one plain word. */
function formatString(text: string): string {
  if (text !== "" && !KEYWORDS.has(text.toLowerCase()) && isWordChar(text[0])) {
    const token = lex(text, 0);
    if (token.kind === "word" && token.end === text.length && token.start === 0) return text;
  }
  return quote(text);
}

function formatValue(value: FilterValue): string {
  switch (value.kind) {
    case "number":
      return String(value.value);
    case "boolean":
      return String(value.value);
    case "string":
      return formatString(value.value);
    case "date":
      return value.relative ?? (value.precision === "day" ? value.value.slice(0, 10) : value.value);
  }
}

/** Binding strength: OR < AND < NOT < a comparison. */
const precedence = (node: FilterNode): number =>
  node.kind === "or" ? 1 : node.kind === "and" ? 2 : node.kind === "not" ? 3 : 4;

/**
 * The canonical text of a filter (what the visual builder writes): upper-case keywords, single spaces, only the
 * parentheses the structure needs. {@link parseRunFilter} reads it back to the same AST, offsets aside (relative
 * dates resolve against that parse's `now`).
 */
export function formatRunFilter(node: FilterNode): string {
  const wrap = (child: FilterNode, parens: boolean) =>
    parens ? `(${formatRunFilter(child)})` : formatRunFilter(child);
  switch (node.kind) {
    case "and":
    case "or": {
      const level = precedence(node);
      // Left-associative: a right operand of the same kind needs parentheses to stay on the right.
      return `${wrap(node.left, precedence(node.left) < level)} ${node.kind.toUpperCase()} ${wrap(node.right, precedence(node.right) <= level)}`;
    }
    case "not":
      return `NOT ${wrap(node.operand, precedence(node.operand) < 3)}`;
    case "compare":
      return `${formatFieldRef(node.field)} ${node.op} ${formatValue(node.value)}`;
    case "in":
      return `${formatFieldRef(node.field)} IN (${node.values.map(formatValue).join(", ")})`;
    case "exists":
      return `${formatFieldRef(node.field)} EXISTS`;
  }
}
