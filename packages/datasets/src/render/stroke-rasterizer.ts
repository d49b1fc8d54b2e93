import type { GrayCanvas } from "./gray-canvas";

// Module-scope copies of Math members: inside vm contexts (Jest) every global lookup goes through an
// interceptor, which made these hot loops several times slower.
const { ceil, floor, max, min, sqrt } = Math;

/**
 * Draws one line segment with round caps and the given stroke width, anti-aliased by distance: a pixel whose
 * centre lies at distance d from the segment gets coverage clamp(width/2 + 0.5 - d, 0, 1), an approximation of
 * the area the stroke covers in that pixel. Coverage is combined with `max`, so the joints of a polyline are not
 * drawn twice as dark. `intensity` scales the coverage (ink darkness).
 */
export function strokeSegment(
  canvas: GrayCanvas,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  strokeWidth: number,
  intensity = 1,
): void {
  const half = strokeWidth / 2;
  const reach = half + 0.5;
  const xMin = max(0, floor(min(ax, bx) - reach));
  const xMax = min(canvas.width - 1, ceil(max(ax, bx) + reach));
  const yMin = max(0, floor(min(ay, by) - reach));
  const yMax = min(canvas.height - 1, ceil(max(ay, by) + reach));
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  for (let y = yMin; y <= yMax; y++) {
    const py = y + 0.5;
    for (let x = xMin; x <= xMax; x++) {
      const px = x + 0.5;
      // Project the pixel centre onto the segment, clamped to its ends (round caps).
      let t = lengthSquared > 0 ? ((px - ax) * dx + (py - ay) * dy) / lengthSquared : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = px - (ax + t * dx);
      const ey = py - (ay + t * dy);
      const coverage = reach - sqrt(ex * ex + ey * ey);
      if (coverage <= 0) continue;
      const value = (coverage > 1 ? 1 : coverage) * intensity;
      const i = y * canvas.width + x;
      if (value > canvas.data[i]!) canvas.data[i] = value;
    }
  }
}

/**
 * Strokes a polyline given as flat coordinates [x0, y0, x1, y1, ...] in pixel units (pixel (i, j) covers
 * [i, i+1) x [j, j+1)). A single point draws a dot of the stroke's width.
 */
export function strokePolyline(
  canvas: GrayCanvas,
  points: ArrayLike<number>,
  strokeWidth: number,
  intensity = 1,
): void {
  if (points.length < 2) return;
  if (points.length < 4) {
    strokeSegment(canvas, points[0]!, points[1]!, points[0]!, points[1]!, strokeWidth, intensity);
    return;
  }
  for (let i = 2; i + 1 < points.length; i += 2) {
    strokeSegment(canvas, points[i - 2]!, points[i - 1]!, points[i]!, points[i + 1]!, strokeWidth, intensity);
  }
}
