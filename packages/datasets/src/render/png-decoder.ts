import { inflateSync } from "node:zlib";
import { crc32 } from "./crc32";
import { PNG_SIGNATURE, type PngImage } from "./png-encoder";

/**
 * Decodes the PNGs `encodePng` writes (8-bit grayscale or RGB, non-interlaced, any of the five row filters),
 * verifying the signature and every chunk's CRC. Exists so tests and tools can check previews without a dependency.
 */
export function decodePng(bytes: Uint8Array): PngImage {
  for (let i = 0; i < PNG_SIGNATURE.length; i++) {
    if (bytes[i] !== PNG_SIGNATURE[i]) throw new Error("decodePng: bad PNG signature");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels: 1 | 3 = 1;
  const idat: Uint8Array[] = [];
  let sawEnd = false;
  while (offset < bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    if (crc !== crc32(bytes.subarray(offset + 4, offset + 8 + length)))
      throw new Error(`decodePng: bad CRC in ${type}`);
    if (type === "IHDR") {
      const h = new DataView(data.buffer, data.byteOffset, data.byteLength);
      width = h.getUint32(0);
      height = h.getUint32(4);
      if (data[8] !== 8) throw new Error(`decodePng: unsupported bit depth ${data[8]}`);
      if (data[9] !== 0 && data[9] !== 2) throw new Error(`decodePng: unsupported colour type ${data[9]}`);
      if (data[12] !== 0) throw new Error("decodePng: interlaced PNGs are not supported");
      channels = data[9] === 0 ? 1 : 3;
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      sawEnd = true;
      break;
    }
    offset += 12 + length;
  }
  if (width === 0 || !sawEnd) throw new Error("decodePng: missing IHDR or IEND");
  const raw = inflateSync(Buffer.concat(idat));
  const rowBytes = width * channels;
  if (raw.length !== (rowBytes + 1) * height) throw new Error("decodePng: image data has the wrong size");
  const out = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (rowBytes + 1)]!;
    for (let x = 0; x < rowBytes; x++) {
      const value = raw[y * (rowBytes + 1) + 1 + x]!;
      const left = x >= channels ? out[y * rowBytes + x - channels]! : 0;
      const up = y > 0 ? out[(y - 1) * rowBytes + x]! : 0;
      const upLeft = y > 0 && x >= channels ? out[(y - 1) * rowBytes + x - channels]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      } else if (filter !== 0) throw new Error(`decodePng: bad filter type ${filter}`);
      out[y * rowBytes + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, channels, data: out };
}
