/** A text styler: wraps text in an ANSI colour when colours are on, returns it unchanged otherwise. */
export type Style = (text: string) => string;

/** The styles the CLI uses. */
export interface Colors {
  readonly enabled: boolean;
  green: Style;
  red: Style;
  yellow: Style;
  cyan: Style;
  dim: Style;
  bold: Style;
}

/** SGR codes: each style opens with its code and closes with the matching reset, so styles nest. */
const sgr =
  (open: number, close: number): Style =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Style = (text) => text;

/** Styles that colour when `enabled` (a terminal, and NO_COLOR unset) and are the identity otherwise. */
export function createColors(enabled: boolean): Colors {
  if (!enabled) return { enabled, green: plain, red: plain, yellow: plain, cyan: plain, dim: plain, bold: plain };
  return {
    enabled,
    green: sgr(32, 39),
    red: sgr(31, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
    dim: sgr(2, 22),
    bold: sgr(1, 22),
  };
}

/** The style of a run status: green for success, red for a failure, yellow for cancelled, cyan while training. */
export function statusStyle(colors: Colors, status: string): Style {
  switch (status) {
    case "SUCCEEDED":
      return colors.green;
    case "FAILED":
    case "DIVERGED":
    case "CRASHED":
      return colors.red;
    case "CANCELLED":
      return colors.yellow;
    case "RUNNING":
      return colors.cyan;
    default:
      return colors.dim;
  }
}

/** Text without ANSI escape sequences: what a styled cell occupies on screen. */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}
