import type { Colors } from "./colors";

/** One column of a {@link renderTable} table. */
export interface Column<Row> {
  header: string;
  /** The cell's plain text. */
  value: (row: Row) => string;
  /** Colours the cell after it is padded (so escape codes never count towards the width). */
  style?: (row: Row, text: string) => string;
  /** Numbers read best right-aligned; default left. */
  align?: "left" | "right";
  /** The column that gives up width first when the table is wider than the terminal (truncated with "…"). */
  flexible?: boolean;
  /** Columns with a drop rank are left out, highest rank first, when truncating is not enough. */
  dropRank?: number;
}

/** Spaces between columns: one would run adjacent ids and names together. */
const GAP = "  ";
/** A flexible column never shrinks below this: fewer characters of a name identify nothing. */
const MIN_FLEXIBLE_WIDTH = 8;

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * Rows as an aligned text table with a header, one line per row, ending in a newline. With `width` (the terminal's)
 * it fits: the flexible column is truncated first, then columns are dropped by rank; without, nothing is cut (a
 * pipe gets every character).
 */
export function renderTable<Row>(
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  options: { width?: number; colors: Colors },
): string {
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const natural = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const widths = natural.slice();
  const shown = columns.map(() => true);
  const total = () =>
    widths.reduce((sum, w, i) => sum + (shown[i] ? w : 0), 0) + GAP.length * (shown.filter(Boolean).length - 1);
  if (options.width !== undefined) {
    const flex = columns.findIndex((c) => c.flexible);
    const byRank = columns
      .map((c, i) => ({ i, rank: c.dropRank }))
      .filter((c): c is { i: number; rank: number } => c.rank !== undefined)
      .sort((a, b) => b.rank - a.rank);
    const shrinkFlex = () => {
      if (flex < 0) return;
      const excess = total() - options.width!;
      if (excess > 0) widths[flex] = Math.max(Math.min(MIN_FLEXIBLE_WIDTH, natural[flex]!), widths[flex]! - excess);
    };
    shrinkFlex();
    for (const { i } of byRank) {
      if (total() <= options.width) break;
      shown[i] = false;
      // A dropped column gives its width back to the flexible one.
      if (flex >= 0) widths[flex] = natural[flex]!;
      shrinkFlex();
    }
  }
  const line = (texts: string[], style: (i: number, padded: string) => string) =>
    columns
      .map((c, i) => {
        if (!shown[i]) return null;
        const text = truncate(texts[i]!, widths[i]!);
        const padded = c.align === "right" ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
        return style(i, padded);
      })
      .filter((cell): cell is string => cell !== null)
      .join(GAP)
      .trimEnd();
  const header = line(
    columns.map((c) => c.header),
    (_, padded) => options.colors.bold(padded),
  );
  const body = rows.map((row, r) =>
    line(cells[r]!, (i, padded) => {
      const style = columns[i]!.style;
      return style ? style(row, padded) : padded;
    }),
  );
  return `${[header, ...body].join("\n")}\n`;
}
