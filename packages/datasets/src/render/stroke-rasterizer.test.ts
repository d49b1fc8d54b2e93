import { addCanvasClipped, createGrayCanvas } from "./gray-canvas";
import { strokePolyline, strokeSegment } from "./stroke-rasterizer";

function rowSums(canvas: { width: number; height: number; data: Float32Array }): number[] {
  const sums: number[] = [];
  for (let y = 0; y < canvas.height; y++) {
    let s = 0;
    for (let x = 0; x < canvas.width; x++) s += canvas.data[y * canvas.width + x]!;
    sums.push(s);
  }
  return sums;
}

describe("strokeSegment", () => {
  it("lights exactly the row of a 1-px horizontal stroke through pixel centres", () => {
    const canvas = createGrayCanvas(20, 10);
    strokeSegment(canvas, 2.5, 4.5, 17.5, 4.5, 1);
    const sums = rowSums(canvas);
    // Row 4 is fully covered from x = 2 to 17; rows 3 and 5 sit exactly 1 px away, where coverage reaches 0.
    expect(sums[4]).toBeCloseTo(16, 5);
    sums.forEach((s, y) => {
      if (y !== 4) expect(s).toBe(0);
    });
    expect(canvas.data[4 * 20 + 10]).toBe(1);
  });

  it("anti-aliases a stroke between rows: both rows get half the ink", () => {
    const canvas = createGrayCanvas(20, 10);
    strokeSegment(canvas, 2, 5, 18, 5, 1);
    expect(canvas.data[4 * 20 + 10]).toBeCloseTo(0.5, 5);
    expect(canvas.data[5 * 20 + 10]).toBeCloseTo(0.5, 5);
  });

  it("a wider stroke covers more rows, symmetric about its centre", () => {
    const canvas = createGrayCanvas(20, 11);
    strokeSegment(canvas, 2.5, 5.5, 17.5, 5.5, 3);
    const column = [...Array(11).keys()].map((y) => canvas.data[y * 20 + 10]!);
    expect(column.slice(4, 7)).toEqual([1, 1, 1]);
    expect(column[3]).toBeCloseTo(column[7]!, 6);
    expect(column[2]).toBe(0);
  });

  it("clips at the canvas border without throwing", () => {
    const canvas = createGrayCanvas(5, 5);
    strokeSegment(canvas, -10, 2.5, 20, 2.5, 2);
    expect(rowSums(canvas)[2]).toBeCloseTo(5, 5);
  });

  it("combines overlapping segments with max, so joints are not darker than 1", () => {
    const canvas = createGrayCanvas(10, 10);
    strokePolyline(canvas, [1.5, 5.5, 5.5, 5.5, 5.5, 1.5], 1, 0.7);
    expect(Math.max(...canvas.data)).toBeCloseTo(0.7, 6);
  });
});

describe("addCanvasClipped", () => {
  it("adds overlapping ink and clips at 1, dropping what falls outside", () => {
    const target = createGrayCanvas(4, 1);
    target.data.set([0.2, 0.6, 0.9, 0]);
    const source = createGrayCanvas(3, 1);
    source.data.set([0.5, 0.5, 0.5]);
    addCanvasClipped(target, source, 2, 0);
    expect(Array.from(target.data).map((v) => Number(v.toFixed(4)))).toEqual([0.2, 0.6, 1, 0.5]);
  });
});
