import { createColors, stripAnsi } from "./colors";
import { formatBytes, formatDuration, formatMetric } from "./format";
import { renderTable } from "./table";

describe("output helpers", () => {
  it("formats sizes, durations and metrics compactly", () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(5 * 1024 ** 3)]).toEqual(["512 B", "1.5 KiB", "5.0 GiB"]);
    expect([
      formatDuration(4_400),
      formatDuration(185_000),
      formatDuration(7_800_000),
      formatDuration(3 * 86_400_000),
    ]).toEqual(["4s", "3m 05s", "2h 10m", "3d 0h"]);
    expect([
      formatMetric(0.123456),
      formatMetric(2),
      formatMetric(0.0000123),
      formatMetric(NaN),
      formatMetric(12345.678),
    ]).toEqual(["0.1235", "2", "1.23e-5", "NaN", "12350"]);
  });

  it("pads styled cells by their visible width", () => {
    const colors = createColors(true);
    const table = renderTable(
      [
        { a: "x", b: "1" },
        { a: "longer", b: "22" },
      ],
      [
        { header: "A", value: (r) => r.a, style: (_r, text) => colors.red(text) },
        { header: "B", value: (r) => r.b, align: "right" },
      ],
      { colors },
    );
    expect(stripAnsi(table).split("\n")).toEqual(["A        B", "x        1", "longer  22", ""]);
  });
});
