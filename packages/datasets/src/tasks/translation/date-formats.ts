/** Calendar parts of one date; `weekday` 0 is Sunday, as `Date.getUTCDay`. */
export interface DateParts {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const pad2 = (n: number) => String(n).padStart(2, "0");
const monthName = (p: DateParts) => MONTHS[p.month - 1] as string;
const monthShort = (p: DateParts) => monthName(p).slice(0, 3);
const weekdayName = (p: DateParts) => WEEKDAYS[p.weekday] as string;

function ordinal(day: number): string {
  // 11th, 12th and 13th take "th" despite their last digit.
  if (day >= 11 && day <= 13) return `${day}th`;
  return `${day}${["th", "st", "nd", "rd"][day % 10] ?? "th"}`;
}

/**
 * The human formats a date is written in. Numeric forms are day-first only: mixing 11/25 and 25/11 would make
 * some inputs ambiguous and cap the achievable exact match below 1.
 */
export const DATE_FORMATS: readonly ((p: DateParts) => string)[] = [
  (p) => `${p.day} ${monthName(p)} ${p.year}`,
  (p) => `${monthShort(p)} ${p.day}, ${p.year}`,
  (p) => `${pad2(p.day)}/${pad2(p.month)}/${p.year}`,
  (p) => `${weekdayName(p)}, ${p.day} ${monthName(p)} ${p.year}`,
  (p) => `${monthName(p)} ${p.day}, ${p.year}`,
  (p) => `${p.day} ${monthShort(p)} ${p.year}`,
  (p) => `${weekdayName(p).slice(0, 3)}, ${monthShort(p)} ${p.day}, ${p.year}`,
  (p) => `${p.day}.${p.month}.${p.year}`,
  (p) => `the ${ordinal(p.day)} of ${monthName(p)} ${p.year}`,
  (p) => `${p.day} ${monthShort(p).toUpperCase()} ${p.year}`,
];

const MS_PER_DAY = 86_400_000;

/** The date `dayNumber` days after 1970-01-01 (UTC calendar, so no time zone or DST can shift it). */
export function dateFromDayNumber(dayNumber: number): DateParts {
  const date = new Date(dayNumber * MS_PER_DAY);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    weekday: date.getUTCDay(),
  };
}

/** Days since 1970-01-01 of a calendar date. */
export function dayNumberOf(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/** ISO 8601 calendar date, the task's target: "2026-11-25". */
export function isoDate(p: DateParts): string {
  return `${String(p.year).padStart(4, "0")}-${pad2(p.month)}-${pad2(p.day)}`;
}

/**
 * Every input character and the longest input over all formats, found by formatting one 28-year cycle (which holds
 * every combination of day, month and weekday; years are always 4 digits, so length does not depend on them).
 */
export const DATE_INPUT_STATS: { alphabet: string; maxLength: number } = (() => {
  const chars = new Set<string>("0123456789");
  let maxLength = 0;
  for (let n = dayNumberOf(2000, 1, 1); n < dayNumberOf(2028, 1, 1); n++) {
    const parts = dateFromDayNumber(n);
    for (const format of DATE_FORMATS) {
      const text = format(parts);
      maxLength = Math.max(maxLength, text.length);
      for (const char of text) chars.add(char);
    }
  }
  return { alphabet: [...chars].sort().join(""), maxLength };
})();
