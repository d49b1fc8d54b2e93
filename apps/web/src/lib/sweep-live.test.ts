import { isSweepLive } from "./sweep-live";

describe("when the sweep page keeps polling", () => {
  it("polls a running sweep, even before its first trial", () => {
    expect(isSweepLive({ status: "RUNNING", trials: [] })).toBe(true);
  });

  it("polls a paused or cancelled sweep while a trial is queued or training", () => {
    expect(isSweepLive({ status: "PAUSED", trials: [{ status: "PAUSED" }, { status: "RUNNING" }] })).toBe(true);
    expect(isSweepLive({ status: "CANCELLED", trials: [{ status: "QUEUED" }] })).toBe(true);
  });

  it("stops once nothing moves", () => {
    expect(isSweepLive({ status: "PAUSED", trials: [{ status: "PAUSED" }, { status: "SUCCEEDED" }] })).toBe(false);
    expect(isSweepLive({ status: "COMPLETED", trials: [{ status: "SUCCEEDED" }, { status: "FAILED" }] })).toBe(false);
  });
});
