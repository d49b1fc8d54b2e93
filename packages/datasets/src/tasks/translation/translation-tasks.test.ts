import { createTask } from "../../catalog";
import { DATE_FORMATS, dateFromDayNumber, dayNumberOf, isoDate } from "./date-formats";
import { maxNumberWordsLength, numberToWords } from "./number-words";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

describe("date formats", () => {
  it("writes 2026-11-25 in the human formats with its true weekday", () => {
    const date = dateFromDayNumber(dayNumberOf(2026, 11, 25));
    expect(isoDate(date)).toBe("2026-11-25");
    const texts = DATE_FORMATS.map((format) => format(date));
    expect(texts).toEqual(
      expect.arrayContaining(["25 November 2026", "Nov 25, 2026", "25/11/2026", "Wednesday, 25 November 2026"]),
    );
    expect(texts).toContain("the 25th of November 2026");
  });

  it("weekdays in generated inputs match the calendar of the target", () => {
    const task = createTask("translation-dates", { validationSize: 400 }, 3);
    for (const preview of task.preview(400)) {
      const weekday = WEEKDAYS.find((day) => preview.input.startsWith(day.slice(0, 3)));
      if (!weekday) continue;
      const [y, m, d] = preview.target.split("-").map(Number) as [number, number, number];
      expect(WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]).toBe(weekday);
    }
  });

  it("never shows a validation or test date in train", () => {
    const task = createTask(
      "translation-dates",
      { fromYear: 2000, toYear: 2009, validationSize: 300, testSize: 300 },
      1,
    );
    const train = new Set(task.preview(3000, "train").map((p) => p.target));
    for (const split of ["validation", "test"] as const) {
      for (const preview of task.preview(300, split)) expect(train.has(preview.target)).toBe(false);
    }
  });

  it("rejects a year range that ends before it starts", () => {
    expect(() => createTask("translation-dates", { fromYear: 2000, toYear: 1999 }, 1)).toThrow(/toYear/);
  });
});

describe("number words", () => {
  it("spells numbers in British English", () => {
    expect(numberToWords(0)).toBe("zero");
    expect(numberToWords(21)).toBe("twenty-one");
    expect(numberToWords(412)).toBe("four hundred and twelve");
    expect(numberToWords(1005)).toBe("one thousand and five");
    expect(numberToWords(100_000)).toBe("one hundred thousand");
    expect(numberToWords(999_999)).toBe("nine hundred and ninety-nine thousand nine hundred and ninety-nine");
  });

  it("computes the longest word form like brute force does", () => {
    for (const maxValue of [150, 20_000]) {
      let longest = 0;
      for (let n = 0; n <= maxValue; n++) longest = Math.max(longest, numberToWords(n).length);
      expect(maxNumberWordsLength(maxValue)).toBe(longest);
    }
  });

  it("translates words to digits, keeps test numbers out of train and decodes targets", () => {
    const task = createTask("translation-numbers", { maxValue: 2000, validationSize: 100, testSize: 100 }, 2);
    const train = new Set(task.preview(3000, "train").map((p) => p.target));
    for (const preview of task.preview(100, "test")) {
      expect(train.has(preview.target)).toBe(false);
      expect(numberToWords(Number(preview.target))).toBe(preview.input);
    }
    const batch = task.split("test").batch(0, 1);
    expect(task.decodeTarget!(batch.targets)).toBe(task.preview(1, "test")[0]!.target);
    expect(() => createTask("translation-numbers", { maxValue: 10 }, 1)).toThrow(/maxValue must be at least 100/);
  });
});

describe("encodeInput (the playground's typed source)", () => {
  it.each(["translation-dates", "translation-numbers"])(
    "%s: inverts the input codec and refuses unknown characters",
    (name) => {
      const task = createTask(name, {}, 3);
      const preview = task.preview(1, "validation")[0]!;
      const ids = task.encodeInput!(preview.input);
      const batch = task.split("validation").batch(0, 1);
      const features = task.spec.inputFeatures;
      // The first sample's one-hot input rows are exactly the encoded ids.
      ids.forEach((id, t) => expect(batch.inputs[t * features + id]).toBe(1));
      expect(() => task.encodeInput!("\u0000")).toThrow(/not in the input alphabet/);
    },
  );
});
