import { inflateSync } from "node:zlib";
import { crc32 } from "./crc32";
import { decodePng } from "./png-decoder";
import { PNG_SIGNATURE, encodePng, floatsToBytes, upscaleImage } from "./png-encoder";

describe("crc32", () => {
  it("matches the standard check value for '123456789'", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });
});

describe("encodePng", () => {
  const gray = { width: 3, height: 2, channels: 1 as const, data: Uint8Array.of(0, 128, 255, 10, 20, 30) };

  it("writes the signature and a 13-byte IHDR with the size and colour type", () => {
    const png = encodePng(gray);
    expect(Array.from(png.subarray(0, 8))).toEqual(Array.from(PNG_SIGNATURE));
    const view = new DataView(png.buffer, png.byteOffset);
    expect(view.getUint32(8)).toBe(13);
    expect(String.fromCharCode(...png.subarray(12, 16))).toBe("IHDR");
    expect(view.getUint32(16)).toBe(3);
    expect(view.getUint32(20)).toBe(2);
    expect(png[24]).toBe(8);
    expect(png[25]).toBe(0);
    expect(view.getUint32(29)).toBe(crc32(png.subarray(12, 29)));
  });

  it("stores filter-0 rows that zlib inflates back to the pixels", () => {
    const png = encodePng(gray);
    const idat = 8 + 25; // signature + IHDR chunk
    const length = new DataView(png.buffer, png.byteOffset).getUint32(idat);
    const raw = inflateSync(png.subarray(idat + 8, idat + 8 + length));
    expect(Array.from(raw)).toEqual([0, 0, 128, 255, 0, 10, 20, 30]);
  });

  it("round-trips grayscale and RGB images through decodePng", () => {
    expect(decodePng(encodePng(gray))).toEqual(gray);
    const rgb = { width: 2, height: 2, channels: 3 as const, data: Uint8Array.from({ length: 12 }, (_, i) => i * 20) };
    expect(decodePng(encodePng(rgb))).toEqual(rgb);
  });

  it("rejects data of the wrong size", () => {
    expect(() => encodePng({ ...gray, data: new Uint8Array(5) })).toThrow(/expected 6/);
  });

  it("detects a corrupted chunk", () => {
    const png = encodePng(gray);
    png[20] = png[20]! ^ 1;
    expect(() => decodePng(png)).toThrow(/CRC/);
  });
});

describe("floatsToBytes and upscaleImage", () => {
  it("maps [low, high] to 0..255 with clipping, optionally inverted", () => {
    expect(Array.from(floatsToBytes([-1, 0, 0.5, 1, 2]))).toEqual([0, 0, 128, 255, 255]);
    expect(Array.from(floatsToBytes([0, 1], 0, 1, true))).toEqual([255, 0]);
  });

  it("repeats each pixel factor x factor times", () => {
    const up = upscaleImage({ width: 2, height: 1, channels: 1, data: Uint8Array.of(1, 2) }, 2);
    expect(up).toEqual({ width: 4, height: 2, channels: 1, data: Uint8Array.of(1, 1, 2, 2, 1, 1, 2, 2) });
  });
});
