import { deflateSync } from "node:zlib";
import { crc32 } from "./crc32";

/** An 8-bit image, row-major, `channels` interleaved bytes per pixel (1 = grayscale, 3 = RGB). */
export interface PngImage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  // The CRC covers the chunk type and data, not the length.
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes an 8-bit grayscale or RGB image as a PNG (IHDR, one IDAT, IEND; filter 0 on every row).
 * Differs from a general encoder: no per-row filter choice, since previews are small and size hardly matters.
 */
export function encodePng(image: PngImage): Uint8Array {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: width and height must be positive integers, got ${width}x${height}`);
  }
  const rowBytes = width * channels;
  if (data.length !== rowBytes * height) {
    throw new Error(`encodePng: data has ${data.length} bytes, expected ${rowBytes * height}`);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // colour type: 0 grayscale, 2 truecolour
  // Bytes 10-12 (compression, filter method, interlace) stay 0: deflate, adaptive filtering, no interlace.
  const raw = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (rowBytes + 1)] = 0; // filter type None
    raw.set(data.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  }
  const parts = [
    PNG_SIGNATURE,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Encodes a PNG and returns it base64-encoded, as `TaskPreview.pngBase64` wants. */
export function encodePngBase64(image: PngImage): string {
  return Buffer.from(encodePng(image)).toString("base64");
}

/**
 * Maps float intensities to bytes: `value` in [low, high] becomes 0..255, clipped.
 * `invert` draws high values dark (ink on paper), which reads better for line images.
 */
export function floatsToBytes(values: ArrayLike<number>, low = 0, high = 1, invert = false): Uint8Array {
  const out = new Uint8Array(values.length);
  const range = high - low || 1;
  for (let i = 0; i < values.length; i++) {
    const t = Math.min(1, Math.max(0, (values[i]! - low) / range));
    out[i] = Math.round((invert ? 1 - t : t) * 255);
  }
  return out;
}

/** Upscales an image by an integer factor (nearest neighbour) so tiny previews are visible on the dashboard. */
export function upscaleImage(image: PngImage, factor: number): PngImage {
  if (!Number.isInteger(factor) || factor < 1) {
    throw new Error(`upscaleImage: factor must be a positive integer, got ${factor}`);
  }
  const { width, height, channels, data } = image;
  const w = width * factor;
  const h = height * factor;
  const out = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < w; x++) {
      const src = (sy * width + Math.floor(x / factor)) * channels;
      const dst = (y * w + x) * channels;
      for (let c = 0; c < channels; c++) out[dst + c] = data[src + c]!;
    }
  }
  return { width: w, height: h, channels, data: out };
}
