const SMALL = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/** Largest number the task writes out: the words stop at "thousand". */
export const MAX_NUMBER = 999_999;

function belowHundred(n: number): string {
  if (n < 20) return SMALL[n] as string;
  const unit = n % 10;
  return `${TENS[Math.floor(n / 10)]}${unit ? `-${SMALL[unit]}` : ""}`;
}

function belowThousand(n: number): string {
  if (n < 100) return belowHundred(n);
  const rest = n % 100;
  return `${SMALL[Math.floor(n / 100)]} hundred${rest ? ` and ${belowHundred(rest)}` : ""}`;
}

/** British English words for 0 <= n <= 999 999: 412 -> "four hundred and twelve", 1005 -> "one thousand and five". */
export function numberToWords(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > MAX_NUMBER) {
    throw new Error(`numberToWords: ${n} is outside [0, ${MAX_NUMBER}]`);
  }
  if (n < 1000) return belowThousand(n);
  const rest = n % 1000;
  const thousands = `${belowThousand(Math.floor(n / 1000))} thousand`;
  if (rest === 0) return thousands;
  return `${thousands}${rest < 100 ? " and " : " "}${belowThousand(rest)}`;
}

/** Every character `numberToWords` can produce. */
export const NUMBER_WORDS_ALPHABET: string = (() => {
  const chars = new Set<string>();
  for (let n = 0; n < 1000; n++) for (const char of numberToWords(n)) chars.add(char);
  for (const char of numberToWords(1000)) chars.add(char);
  return [...chars].sort().join("");
})();

/**
 * Length of the longest word form of any n in [0, maxValue], computed from the lengths of the parts below 1000
 * (the words for a * 1000 + b are a's words, " thousand", then " and " or " " and b's words) in O(maxValue)
 * additions rather than building every string.
 */
export function maxNumberWordsLength(maxValue: number): number {
  const short = Array.from({ length: 1000 }, (_, n) => numberToWords(n).length);
  let max = 0;
  for (let n = 0; n <= Math.min(maxValue, 999); n++) max = Math.max(max, short[n] as number);
  for (let a = 1; a <= Math.floor(maxValue / 1000); a++) {
    const head = (short[a] as number) + " thousand".length;
    const lastB = Math.min(999, maxValue - a * 1000);
    for (let b = 0; b <= lastB; b++) {
      const length = b === 0 ? head : head + (b < 100 ? 5 : 1) + (short[b] as number);
      if (length > max) max = length;
    }
  }
  return max;
}
