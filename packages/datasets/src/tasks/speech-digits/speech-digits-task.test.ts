import { splitOfContent } from "../../task-helpers";
import { decodePng } from "../../render/png-decoder";
import { batchLabels, minimumInputSteps } from "../handwriting-lines/ctc-text-metrics";
import { SpeechDigitsParams, decodeDigits, maxFrames, speechDigitsTask, voiceOf } from "./speech-digits-task";

const params = SpeechDigitsParams.parse({ trainSize: 200, validationSize: 64, testSize: 64 });
const task = speechDigitsTask.create(params, 7);
const { spec } = task;

describe("speech-digits spec", () => {
  it("is log-mel frames in, digits out with CTC (blank 0, digit d = class d + 1)", () => {
    expect(spec).toEqual({
      problemType: "many-to-many-unaligned",
      inputFeatures: 20,
      inputLength: maxFrames(5),
      outputKind: "classes",
      outputSize: 11,
      targetLength: 5,
      heads: ["ctc"],
      blank: 0,
    });
    expect(decodeDigits([1, 0, 10, 4])).toBe("093");
    expect(task.decodeTarget!([1, 2, 3])).toBe("012");
  });
});

describe("speech-digits batches", () => {
  const batch = task.split("train").batch(0, 16);

  it("are byte-identical for the same seed and differ for another seed", () => {
    const again = speechDigitsTask.create(params, 7).split("train").batch(0, 16);
    expect(Buffer.from(again.inputs.buffer).equals(Buffer.from(batch.inputs.buffer))).toBe(true);
    expect(Array.from(again.targets)).toEqual(Array.from(batch.targets));
    const other = speechDigitsTask.create(params, 8).split("train").batch(0, 16);
    expect(Buffer.from(other.inputs.buffer).equals(Buffer.from(batch.inputs.buffer))).toBe(false);
  });

  it("have the spec's shapes, masks that cover the real frames, and standardized features", () => {
    const { inputLength: T, inputFeatures: F, targetLength: L } = spec;
    expect(batch.inputs.length).toBe(16 * T * F);
    for (let row = 0; row < 16; row++) {
      const frames = batch.inputLengths[row]!;
      const digits = batch.targetLengths[row]!;
      expect(digits).toBeGreaterThanOrEqual(1);
      expect(digits).toBeLessThanOrEqual(5);
      // Each digit lasts at least ~8 frames (130 ms) and the utterance has silences around it.
      expect(frames).toBeGreaterThan(8 * digits);
      expect(frames).toBeLessThanOrEqual(T);
      let sum = 0;
      let squares = 0;
      let badMask = 0;
      let paddingInk = 0;
      for (let t = 0; t < T; t++) {
        if (batch.inputMask[row * T + t] !== (t < frames ? 1 : 0)) badMask++;
        for (let f = 0; f < F; f++) {
          const v = batch.inputs[(row * T + t) * F + f]!;
          if (t >= frames && v !== 0) paddingInk++;
          sum += v;
          squares += v * v;
        }
      }
      expect([badMask, paddingInk]).toEqual([0, 0]);
      expect(Math.abs(sum / (frames * F))).toBeLessThan(1e-3);
      expect(squares / (frames * F)).toBeCloseTo(1, 3);
      for (let i = 0; i < L; i++) {
        expect(batch.targetMask[row * L + i]).toBe(i < digits ? 1 : 0);
        const id = batch.targets[row * L + i]!;
        if (i < digits) expect(id >= 1 && id <= 10).toBe(true);
        else expect(id).toBe(0);
      }
    }
  });

  it("make longer utterances for more digits", () => {
    const rows = [...Array(16).keys()];
    const perDigit = rows.map((r) => batch.inputLengths[r]! / batch.targetLengths[r]!);
    const one = rows.filter((r) => batch.targetLengths[r] === 1).map((r) => batch.inputLengths[r]!);
    const many = rows.filter((r) => batch.targetLengths[r]! >= 4).map((r) => batch.inputLengths[r]!);
    if (one.length > 0 && many.length > 0) expect(Math.max(...one)).toBeLessThan(Math.min(...many));
    expect(Math.min(...perDigit)).toBeGreaterThan(8);
  });
});

describe("speech-digits CTC feasibility", () => {
  it("every label in 128 utterances fits its frames even after 4x downsampling", () => {
    for (const batch of task.split("validation").batches(32, { count: 4 })) {
      batchLabels(batch, spec).forEach((label, row) => {
        expect(minimumInputSteps(label)).toBeLessThanOrEqual(Math.floor(batch.inputLengths[row]! / 4));
      });
    }
  });
});

describe("speech-digits splits", () => {
  it("assign each speaker to one split, so no voice is shared", () => {
    // Speakers are not in the batch; check the assignment rule and that voices are per-speaker constants.
    const owners = new Map<string, number>();
    for (let id = 0; id < params.speakers; id++) {
      const split = splitOfContent(`speaker-${id}`);
      owners.set(split, (owners.get(split) ?? 0) + 1);
    }
    expect(owners.get("validation")).toBeGreaterThan(50);
    expect(owners.get("test")).toBeGreaterThan(50);
    expect(voiceOf(7, 3)).toEqual(voiceOf(7, 3));
    expect(voiceOf(7, 3)).not.toEqual(voiceOf(7, 4));
  });

  it("draw validation and test speakers only from their own split", () => {
    for (const split of ["validation", "test"] as const) {
      for (const preview of task.preview(6, split)) {
        const speaker = /speaker (\d+)/.exec(preview.input)![1];
        expect(splitOfContent(`speaker-${speaker}`)).toBe(split);
      }
    }
  });

  it("give different inputs for the same index in different splits", () => {
    const a = task.split("validation").batch(0, 4);
    const b = task.split("test").batch(0, 4);
    expect(Buffer.from(a.inputs.buffer).equals(Buffer.from(b.inputs.buffer))).toBe(false);
  });
});

describe("speech-digits metrics and baseline", () => {
  const batch = task.split("validation").batch(0, 8);

  it("score a perfect CTC output as CER 0 and an all-blank one as CER 1", () => {
    const labels = batchLabels(batch, spec);
    const steps = 12;
    const perfect = new Float32Array(8 * steps * 11);
    const blank = new Float32Array(8 * steps * 11);
    labels.forEach((label, row) => {
      const path: number[] = [];
      label.forEach((id, i) => {
        if (i > 0 && label[i - 1] === id) path.push(0);
        path.push(id);
      });
      for (let t = 0; t < steps; t++) {
        perfect[(row * steps + t) * 11 + (path[t] ?? 0)] = 1;
        blank[(row * steps + t) * 11] = 1;
      }
    });
    expect(task.metrics(batch, { values: perfect, shape: [8, steps, 11] })).toEqual({
      cer: 0,
      corpusCer: 0,
      accuracy: 1,
    });
    expect(task.metrics(batch, { values: blank, shape: [8, steps, 11] })).toEqual({
      cer: 1,
      corpusCer: 1,
      accuracy: 0,
    });
  });

  it("has a baseline of CER 1 for silence and about 0.9 for the most frequent digit repeated", () => {
    const baseline = task.baseline("test");
    expect(baseline.emptyCer).toBe(1);
    expect(baseline.repeatedCharCer).toBeGreaterThan(0.8);
    expect(baseline.repeatedCharCer).toBeLessThan(0.97);
    expect(baseline.cer).toBe(baseline.repeatedCharCer);
  });
});

describe("speech-digits preview", () => {
  it("renders the spectrogram as a PNG, frequency up and time right, with the digits as text", () => {
    const [preview] = task.preview(1);
    const batch = task.split("validation").batch(0, 1);
    const text = decodeDigits(batchLabels(batch, spec)[0]!);
    expect(preview!.target.startsWith(`${text} (`)).toBe(true);
    const image = decodePng(Buffer.from(preview!.pngBase64!, "base64"));
    expect(image.channels).toBe(1);
    expect(image.height).toBe(20 * 3);
    expect(image.width).toBe(batch.inputLengths[0]! * 3);
    expect(new Set(image.data).size).toBeGreaterThan(20);
  });
});

describe("speech-digits params", () => {
  it.each([
    [{ minDigits: 4, maxDigits: 2 }, "minDigits"],
    [{ maxDigits: 0 }, "maxDigits"],
    [{ melBins: 4 }, "melBins"],
    [{ minSnrDb: 30, maxSnrDb: 10 }, "minSnrDb"],
    [{ speakers: 2.5 }, "speakers"],
  ])("rejects %j with a message naming %s", (input, field) => {
    const result = SpeechDigitsParams.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")).toContain(field);
  });
});
