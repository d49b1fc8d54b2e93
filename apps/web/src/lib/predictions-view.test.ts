import {
  alignmentSegments,
  alignmentText,
  attentionColor,
  nearestStepIndex,
  polylinePoints,
  valueRange,
} from "./predictions-view";

describe("the CTC alignment strip", () => {
  it("merges held frames and keeps a repeat split by a blank as two emissions", () => {
    const alignment = ["", "h", "h", "e", "", "l", "", "l", "o", "o", ""];
    expect(alignmentSegments(alignment)).toEqual([
      { label: "", start: 0, end: 1 },
      { label: "h", start: 1, end: 3 },
      { label: "e", start: 3, end: 4 },
      { label: "", start: 4, end: 5 },
      { label: "l", start: 5, end: 6 },
      { label: "", start: 6, end: 7 },
      { label: "l", start: 7, end: 8 },
      { label: "o", start: 8, end: 10 },
      { label: "", start: 10, end: 11 },
    ]);
    // The greedy decoding reads "hello": both l's survive, the held o is one.
    expect(alignmentText(alignment)).toBe("hello");
    expect(alignmentSegments([])).toEqual([]);
  });
});

describe("attention colours", () => {
  it("run from white at 0 to the accent at 1, clamped, and never NaN", () => {
    expect(attentionColor(0)).toBe("rgb(255, 255, 255)");
    expect(attentionColor(1)).toBe("rgb(37, 82, 196)");
    expect(attentionColor(7)).toBe(attentionColor(1));
    expect(attentionColor(-1)).toBe(attentionColor(0));
    expect(attentionColor(Number.NaN)).toBe(attentionColor(0));
    // The square root lifts small weights: 0.04 is a fifth of the way, not a twenty-fifth.
    expect(attentionColor(0.04)).toBe("rgb(211, 220, 243)");
  });
});

describe("the forecast plot", () => {
  it("places a forecast after its history on one shared x scale", () => {
    const range = valueRange([0, 1], [2]);
    expect(range).toEqual({ min: 0, max: 2 });
    const box = { width: 100, height: 10 };
    expect(polylinePoints([0, 1], 0, 3, range, box)).toBe("0.0,10.0 50.0,5.0");
    expect(polylinePoints([2], 2, 3, range, box)).toBe("100.0,0.0");
  });

  it("copes with flat and empty series", () => {
    expect(valueRange([3, 3])).toEqual({ min: 3, max: 4 });
    expect(valueRange([], [Number.NaN])).toEqual({ min: 0, max: 1 });
  });
});

describe("the step slider", () => {
  it("picks the latest step by default and the nearest logged one otherwise", () => {
    expect(nearestStepIndex([25, 50, 75], null)).toBe(2);
    expect(nearestStepIndex([25, 50, 75], 60)).toBe(1);
    expect(nearestStepIndex([25, 50, 75], 0)).toBe(0);
    expect(nearestStepIndex([], 10)).toBe(-1);
  });
});
