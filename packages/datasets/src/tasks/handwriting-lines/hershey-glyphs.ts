import hersheyData from "hersheytext/hersheytext.min.json";
import type { HersheyFont } from "./hershey-fonts";

/**
 * One glyph in font units: y grows downwards, the baseline is at y = 22 and capitals reach y = 1 (Hershey's
 * coordinates, shifted by `hersheytext` so that x starts near 0).
 */
export interface HersheyGlyph {
  /** Polylines as flat [x0, y0, x1, y1, ...] coordinates. */
  strokes: Float32Array[];
  /** Ink bounding box. */
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  /** Advance width: `hersheytext` stores half of it as `o`. */
  advance: number;
}

/** Font-unit y of the baseline in `hersheytext`'s Hershey data. */
export const HERSHEY_BASELINE = 22;

interface RawFont {
  name: string;
  chars: ({ d: string; o: number } | null)[];
}

const FONTS = hersheyData as unknown as Record<string, RawFont>;
const cache = new Map<string, Map<string, HersheyGlyph | null>>();

/** Parses a path of absolute `M x,y L x,y x,y ...` commands, the only ones the Hershey data uses. */
function parsePath(d: string): Float32Array[] {
  const strokes: Float32Array[] = [];
  for (const part of d.split("M")) {
    const numbers = part
      .replace("L", " ")
      .trim()
      .split(/[\s,]+/)
      .filter((s) => s.length > 0)
      .map(Number);
    if (numbers.length >= 2 && numbers.every(Number.isFinite)) strokes.push(Float32Array.from(numbers));
  }
  return strokes;
}

/**
 * The glyph of `char` in `font`, or null for a space or a character the font lacks. Parsed on first use and cached,
 * since a line reuses few glyphs many times.
 */
export function hersheyGlyph(font: HersheyFont, char: string): HersheyGlyph | null {
  let glyphs = cache.get(font);
  if (!glyphs) {
    glyphs = new Map();
    cache.set(font, glyphs);
  }
  const cached = glyphs.get(char);
  if (cached !== undefined) return cached;
  const raw = FONTS[font]?.chars[char.charCodeAt(0) - 33];
  let glyph: HersheyGlyph | null = null;
  if (raw && raw.d && char.length === 1) {
    const strokes = parsePath(raw.d);
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (const s of strokes) {
      for (let i = 0; i < s.length; i += 2) {
        minX = Math.min(minX, s[i]!);
        maxX = Math.max(maxX, s[i]!);
        minY = Math.min(minY, s[i + 1]!);
        maxY = Math.max(maxY, s[i + 1]!);
      }
    }
    if (strokes.length > 0) glyph = { strokes, minX, maxX, minY, maxY, advance: 2 * raw.o };
  }
  glyphs.set(char, glyph);
  return glyph;
}
