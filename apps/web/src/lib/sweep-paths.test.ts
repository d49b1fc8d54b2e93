import { compareRunsPath, newSweepPath, sweepPath, sweepsPath, trialRunPath } from "./sweep-paths";

const place = { team: "acme", project: "default" };

describe("sweep addresses", () => {
  it("lives under the project", () => {
    expect(sweepsPath(place)).toBe("/t/acme/p/default/sweeps");
    expect(sweepPath(place, "sw1")).toBe("/t/acme/p/default/sweeps/sw1");
    expect(newSweepPath(place)).toBe("/t/acme/p/default/sweeps/new");
    expect(newSweepPath(place, "r1")).toBe("/t/acme/p/default/sweeps/new?from=r1");
  });

  it("links trials to their run pages and the best ones to the comparison", () => {
    expect(trialRunPath(place, "r1")).toBe("/t/acme/p/default/runs/r1");
    expect(compareRunsPath(place, ["r2", "r1"])).toBe("/t/acme/p/default/compare?runs=r2,r1");
  });
});
