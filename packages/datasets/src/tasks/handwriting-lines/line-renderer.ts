import type { Rng } from "../../random";
import { addCanvasClipped, createGrayCanvas, type GrayCanvas } from "../../render/gray-canvas";
import { strokePolyline } from "../../render/stroke-rasterizer";
import type { HersheyFont } from "./hershey-fonts";
import { HERSHEY_BASELINE, hersheyGlyph } from "./hershey-glyphs";

// Module-scope copies of Math members: inside vm contexts (Jest) every global lookup goes through an
// interceptor, which made these hot loops several times slower.
const { PI, floor, max, min, sin } = Math;

/** How a line of text is drawn; every range is sampled per line (fonts per distinct character). */
export interface LineStyle {
  /** Image height in pixels; also the width of one character cell (EMNIST's 28x28 cells). */
  height: number;
  /** Image width in pixels (the padded line width). */
  width: number;
  /** Fonts a character may be drawn in; each distinct character of a line draws one. */
  fonts: readonly HersheyFont[];
  /** Upper bound of the per-line overlap U(0, maxOverlap) between neighbouring cells. */
  maxOverlap: number;
  /** Largest horizontal shear (tan of the slant angle); a line's shear is drawn from U(-maxSlant/2, maxSlant). */
  maxSlant: number;
  /** Range of the per-line glyph scale (1 = capitals 62% of the image height). */
  minScale: number;
  maxScale: number;
  /** Range of the per-line stroke width, in pixels at height 28 (scaled with the height). */
  minStrokeWidth: number;
  maxStrokeWidth: number;
  /** Amplitude in pixels (at height 28) of the smooth wobble added to each glyph's strokes. */
  jitter: number;
}

/** A rendered line and the layout facts the task needs to check CTC feasibility. */
export interface RenderedLine {
  /**
   * The line transposed: row x of this canvas is pixel column x of the line, top to bottom ([width, height]
   * row-major), which is exactly the task's input layout, so samples need no transposing copy.
   */
  columns: GrayCanvas;
  /** Horizontal distance between neighbouring character cells, in pixels. */
  pitch: number;
  /** Pixels from the left edge to the end of the last character cell. */
  extent: number;
}

/** Font units that fit the image height at scale 1: Hershey glyphs span y = -3 (accents) to 31 (descenders). */
const FONT_UNITS_PER_HEIGHT = 34;
/** Baseline position as a fraction of the image height; leaves room for descenders below it. */
const BASELINE_FRACTION = 0.7;
/** Wavelength, in font units, of the wobble: about a third of a glyph, so strokes bend rather than zigzag. */
const JITTER_WAVELENGTH = 14;
/** Per-character scale variation around the line's scale: writers are not uniform within a line. */
const CHAR_SCALE_SPREAD = 0.08;
/** Per-character baseline wander, in pixels at height 28. */
const BASELINE_WANDER = 0.8;

/** FSDL's cell pitch for an overlap: `cell - int(overlap * cell)`. */
export function cellPitch(cell: number, overlap: number): number {
  return cell - floor(overlap * cell);
}

/**
 * Draws one character into a tile two cells wide, its ink box centred on the tile's centre (EMNIST glyphs are
 * centred in their cells) and its baseline at the line's baseline. The tile is stored transposed (x and y swapped
 * as the points are stroked), which rasterizes exactly the transposed image: pixel centres map onto each other.
 */
function drawGlyphTile(
  rng: Rng,
  char: string,
  font: HersheyFont,
  style: LineStyle,
  line: { scale: number; shear: number; strokeWidth: number },
): GrayCanvas | null {
  const glyph = hersheyGlyph(font, char);
  if (!glyph) return null;
  const h = style.height;
  const px = h / 28;
  const tile = createGrayCanvas(h, 2 * h);
  const s = (h / FONT_UNITS_PER_HEIGHT) * line.scale * (1 + rng.uniform(-CHAR_SCALE_SPREAD, CHAR_SCALE_SPREAD));
  const baseline = BASELINE_FRACTION * h + rng.uniform(-BASELINE_WANDER, BASELINE_WANDER) * px;
  const centreX = (glyph.minX + glyph.maxX) / 2;
  // Shear about the glyph's vertical middle, so slanted glyphs stay centred in their cells.
  const middleY = baseline - (HERSHEY_BASELINE - (glyph.minY + glyph.maxY) / 2) * s;
  const amplitude = style.jitter * px;
  const phaseX = rng.uniform(0, 2 * PI);
  const phaseY = rng.uniform(0, 2 * PI);
  const k = (2 * PI) / JITTER_WAVELENGTH;
  for (const stroke of glyph.strokes) {
    const points = new Float32Array(stroke.length);
    for (let i = 0; i < stroke.length; i += 2) {
      const u = stroke[i]!;
      const v = stroke[i + 1]!;
      const y = baseline + (v - HERSHEY_BASELINE) * s + amplitude * sin(k * u + phaseY);
      points[i] = y;
      points[i + 1] = h + (u - centreX) * s + line.shear * (middleY - y) + amplitude * sin(k * v + phaseX);
    }
    strokePolyline(tile, points, line.strokeWidth);
  }
  return tile;
}

/**
 * Renders `text` the way FSDL composes EMNIST lines: one overlap per line from U(0, maxOverlap), cells every
 * `cell - int(overlap * cell)` pixels from the left edge, a space as an empty cell, overlapping ink added and
 * clipped at 1. Each distinct character gets one random font and one drawn glyph, reused for its repeats (FSDL
 * reuses one EMNIST sample per character per line). `minimumPitch` caps the overlap when a label needs more room.
 *
 * Differs from FSDL: glyphs are Hershey strokes under a random slant, scale, stroke width and wobble instead of
 * EMNIST samples, and glyphs keep a common baseline (EMNIST centres every glyph, so "a" is as tall as "A" there).
 */
export function renderLine(rng: Rng, text: string, style: LineStyle, minimumPitch = 0): RenderedLine {
  const h = style.height;
  const columns = createGrayCanvas(h, style.width);
  const overlap = rng.uniform(0, style.maxOverlap);
  const pitch = min(h, max(cellPitch(h, overlap), minimumPitch));
  const line = {
    scale: rng.uniform(style.minScale, style.maxScale),
    shear: rng.uniform(-style.maxSlant / 2, style.maxSlant),
    strokeWidth: rng.uniform(style.minStrokeWidth, style.maxStrokeWidth) * (h / 28),
  };
  const tiles = new Map<string, GrayCanvas | null>();
  const chars = [...text];
  chars.forEach((char, i) => {
    if (char === " ") return;
    let tile = tiles.get(char);
    if (tile === undefined) {
      // Each distinct character draws from its own stream, so a line's glyphs do not depend on character order.
      const charRng = rng.split("glyph", char);
      tile = drawGlyphTile(charRng, char, charRng.pick(style.fonts), style, line);
      tiles.set(char, tile);
    }
    if (tile) addCanvasClipped(columns, tile, 0, i * pitch - floor(h / 2));
  });
  return { columns, pitch, extent: chars.length === 0 ? 0 : (chars.length - 1) * pitch + h };
}
