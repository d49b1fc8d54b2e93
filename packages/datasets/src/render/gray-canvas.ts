/** A single-channel float image, row-major, intensities in [0, 1] (0 = background, 1 = full ink). */
export interface GrayCanvas {
  width: number;
  height: number;
  data: Float32Array;
}

/** A blank (all-zero) canvas. */
export function createGrayCanvas(width: number, height: number): GrayCanvas {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`createGrayCanvas: width and height must be positive integers, got ${width}x${height}`);
  }
  return { width, height, data: new Float32Array(width * height) };
}

/**
 * Adds `source` onto `target` with its top-left corner at (offsetX, offsetY), clipping sums at 1.
 * This is FSDL's composition rule for overlapping glyphs ("added and clipped"), and parts outside the target are dropped.
 */
export function addCanvasClipped(target: GrayCanvas, source: GrayCanvas, offsetX: number, offsetY: number): void {
  const x0 = Math.max(0, offsetX);
  const y0 = Math.max(0, offsetY);
  const x1 = Math.min(target.width, offsetX + source.width);
  const y1 = Math.min(target.height, offsetY + source.height);
  for (let y = y0; y < y1; y++) {
    const t = y * target.width;
    const s = (y - offsetY) * source.width - offsetX;
    for (let x = x0; x < x1; x++) {
      const v = target.data[t + x]! + source.data[s + x]!;
      target.data[t + x] = v > 1 ? 1 : v;
    }
  }
}
