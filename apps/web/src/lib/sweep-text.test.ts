import { describeScheduler, formatSweepValue, methodName, parameterShortName, schedulerName } from "./sweep-text";

describe("how the sweep pages word a sweep", () => {
  it("describes each scheduler with its ladder", () => {
    expect(describeScheduler({ kind: "asha", eta: 3, minSteps: 25, maxSteps: 500 }, [[25, 75, 225, 500]])).toBe(
      "ASHA, η 3, rungs 25 · 75 · 225 · 500 steps",
    );
    expect(
      describeScheduler({ kind: "hyperband", eta: 3, minSteps: 100, maxSteps: 2700 }, [
        [100, 300, 900, 2700],
        [300, 900, 2700],
        [900, 2700],
      ]),
    ).toBe("Hyperband, η 3, 3 brackets, rungs 100 · 300 · 900 · 2,700 steps");
    expect(describeScheduler({ kind: "none" }, [[1500]])).toBe("no early stopping, every trial trains 1,500 steps");
    expect(describeScheduler({ kind: "none" }, [])).toBe("no early stopping");
  });

  it("names methods and schedulers and formats cells", () => {
    expect(methodName("grid")).toBe("grid search");
    expect(schedulerName("asha")).toBe("ASHA");
    expect(formatSweepValue(0.000123456)).toBe("1.23e-4");
    expect(formatSweepValue("adam")).toBe("adam");
    expect(formatSweepValue(undefined)).toBe("–");
    expect(parameterShortName("modelHyperparameters.units")).toBe("units");
    expect(parameterShortName("seed")).toBe("seed");
  });
});
