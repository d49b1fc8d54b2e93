import { createTask } from "../../catalog";
import { TimeSeriesParams, timeSeriesTask } from "./time-series-task";

describe("time-series task", () => {
  it("forecasts a horizon as one output vector and the persistence baseline is exactly last-value MSE", () => {
    const params = TimeSeriesParams.parse({ length: 32, horizon: 4, trainSize: 100, validationSize: 50, testSize: 50 });
    const task = timeSeriesTask.create(params, 2);
    expect(task.spec).toMatchObject({ inputLength: 32, inputFeatures: 1, outputSize: 4, targetLength: 1 });
    const batch = task.split("test").batch(0, 50);
    let squared = 0;
    for (let row = 0; row < 50; row++) {
      const last = batch.inputs[row * 32 + 31]!;
      for (let h = 0; h < 4; h++) squared += (batch.targets[row * 4 + h]! - last) ** 2;
    }
    expect(task.baseline("test").mse).toBeCloseTo(squared / 200, 6);
  });

  it("makes continuous sine windows: steps change little compared with the window's range", () => {
    const task = createTask("time-series", { noise: 0, validationSize: 20 }, 4);
    const batch = task.split("validation").batch(0, 20);
    for (let row = 0; row < 20; row++) {
      const window = Array.from(batch.inputs.subarray(row * 64, (row + 1) * 64));
      // Periods of at least 4 steps bound a step's change by 2 * pi / 4 * (sum of amplitudes <= 3) + trend.
      for (let t = 1; t < 64; t++) expect(Math.abs(window[t]! - window[t - 1]!)).toBeLessThan(4.8);
      expect(Math.max(...window) - Math.min(...window)).toBeGreaterThan(0);
    }
  });

  it("makes finite, non-constant ARMA series whose next value persistence predicts better than chance", () => {
    const task = createTask("time-series", { process: "arma" }, 5);
    const batch = task.split("validation").batch(0, 64);
    expect(batch.inputs.every(Number.isFinite)).toBe(true);
    const baseline = task.baseline("validation");
    expect(baseline.mse).toBeGreaterThan(0);
    expect(baseline.accuracy).toBeGreaterThan(0);
  });

  it("names the field of an invalid param", () => {
    expect(() => createTask("time-series", { horizon: 0 }, 1)).toThrow(/horizon must be at least 1/);
    expect(() => createTask("time-series", { process: "garch" }, 1)).toThrow(/process/);
  });
});
