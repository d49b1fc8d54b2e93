import type { Rng } from "../../random";
import { SHAPE_COLOURS, type Scene, type Shape } from "./scene";

// Module-scope copies of Math members: inside vm contexts (Jest) every global lookup goes through an
// interceptor, which made these hot loops several times slower.
const { abs, ceil, floor, max, min, round } = Math;

/** Sub-pixel samples per axis for anti-aliasing: 4 x 4 gives 17 coverage levels, smooth edges at 32 px. */
const SUPERSAMPLING = 4;
/** Background grey level range (0-255) and per-pixel noise amplitude: scenes are not perfectly clean. */
const BACKGROUND = [20, 60] as const;
const BACKGROUND_NOISE = 6;

function inside(shape: Shape, px: number, py: number): boolean {
  const dx = px - shape.x;
  const dy = py - shape.y;
  const r = shape.radius;
  if (shape.kind === "circle") return dx * dx + dy * dy <= r * r;
  // A square of the same visual weight as a circle of radius r has half-side ~0.88 r.
  if (shape.kind === "square") return abs(dx) <= 0.88 * r && abs(dy) <= 0.88 * r;
  // Upward triangle with apex at (0, -r) and base at y = +0.75 r from -r to +r (nearly equilateral).
  if (dy < -r || dy > 0.75 * r) return false;
  const halfWidth = ((dy + r) / (1.75 * r)) * r;
  return abs(dx) <= halfWidth;
}

/**
 * Renders a scene as 8-bit RGB (row-major, 3 bytes per pixel): a noisy dark background and anti-aliased flat
 * shapes, later shapes over earlier ones (they never overlap in drawn scenes).
 */
export function renderScene(rng: Rng, scene: Scene): Uint8Array {
  const { size } = scene;
  const image = new Uint8Array(size * size * 3);
  const grey = rng.uniform(...BACKGROUND);
  for (let i = 0; i < size * size; i++) {
    const v = round(grey + rng.uniform(-BACKGROUND_NOISE, BACKGROUND_NOISE));
    image[i * 3] = v;
    image[i * 3 + 1] = v;
    image[i * 3 + 2] = v;
  }
  for (const shape of scene.shapes) {
    const colour = SHAPE_COLOURS[shape.colour].map((c, k) => min(255, max(0, c + shape.tint[k]!)));
    const x0 = max(0, floor(shape.x - shape.radius - 1));
    const x1 = min(size - 1, ceil(shape.x + shape.radius + 1));
    const y0 = max(0, floor(shape.y - shape.radius - 1));
    const y1 = min(size - 1, ceil(shape.y + shape.radius + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        let hits = 0;
        for (let sy = 0; sy < SUPERSAMPLING; sy++) {
          for (let sx = 0; sx < SUPERSAMPLING; sx++) {
            if (inside(shape, x + (sx + 0.5) / SUPERSAMPLING, y + (sy + 0.5) / SUPERSAMPLING)) hits++;
          }
        }
        if (hits === 0) continue;
        const alpha = hits / (SUPERSAMPLING * SUPERSAMPLING);
        const i = (y * size + x) * 3;
        for (let k = 0; k < 3; k++) image[i + k] = round(image[i + k]! * (1 - alpha) + colour[k]! * alpha);
      }
    }
  }
  return image;
}
