/** Units of {@link formatBytes}: powers of 1024, as file managers and `ls -h` show sizes. */
const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** A size for people: `512 B`, `1.5 KiB`, `12.3 MiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** A duration for people, two units at most: `45s`, `3m 05s`, `2h 10m`, `3d 4h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, "0")}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** How long ago `iso` was, compactly: `12s ago`, `5m ago`, `3h ago`, `4d ago`; the date past 30 days. */
export function formatAgo(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  // Past a month "41d ago" is harder to place than the date itself.
  if (seconds < 30 * 86_400) return `${Math.floor(seconds / 86_400)}d ago`;
  return iso.slice(0, 10);
}

/** A local date and time to the second, `2025-03-04 13:05:09`: how log lines are stamped. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  );
}

/** Significant digits of a metric value: enough to see a loss move, short enough for a progress line. */
const METRIC_DIGITS = 4;

/** A metric value, compactly: `0.1235`, `1235`, `1.235e-5`, `NaN`. */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const abs = Math.abs(value);
  // Plain decimals read best in the range losses and accuracies live in; outside it, exponent notation is shorter.
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) {
    return Number(value.toPrecision(METRIC_DIGITS)).toExponential().replace("e+", "e");
  }
  return String(Number(value.toPrecision(METRIC_DIGITS)));
}

/** Hex digits of a sha256 shown to people: enough to tell files apart and to compare with `sha256sum` by eye. */
const SHA_DIGITS = 12;

/** The start of a sha256, `ab12cd34ef56`. */
export function shortSha(hex: string): string {
  return hex.slice(0, SHA_DIGITS);
}
