import { createTask } from "../../catalog";
import { createRng } from "../../random";
import { generateStory, storyText } from "./babi-story";
import { LOCATIONS } from "./story-world";

/** Answers a story by reading its text, independently of the generator's bookkeeping. */
function answerFromText(text: string): string | undefined {
  const [story, question] = [text.slice(0, text.lastIndexOf(".") + 1), text.slice(text.lastIndexOf(".") + 2)];
  const personAt = new Map<string, string>();
  const holder = new Map<string, string>();
  const objectAt = new Map<string, string>();
  for (const sentence of story.split(". ").map((s) => s.replace(/\.$/, ""))) {
    const words = sentence.split(" ");
    const [name, last] = [words[0]!, words[words.length - 1]!];
    if ((LOCATIONS as readonly string[]).includes(last)) personAt.set(name, last);
    else if (/ (picked up|grabbed|got) /.test(sentence)) holder.set(last, name);
    else {
      holder.delete(last);
      objectAt.set(last, personAt.get(name)!);
    }
  }
  const subject = question.replace(/^Where is (the )?/, "").replace("?", "");
  const who = holder.get(subject);
  return personAt.get(who ?? subject) ?? objectAt.get(subject);
}

describe("babi-qa task", () => {
  it("every generated answer is what the story says", () => {
    for (const kind of ["people", "objects", "mixed"] as const) {
      for (let i = 0; i < 300; i++) {
        const story = generateStory(createRng(1, kind, i), 8, kind);
        expect(answerFromText(storyText(story))).toBe(LOCATIONS[story.answer]);
        if (kind === "objects") expect(story.question[2]).toBe("the");
        if (kind === "people") expect(story.question[2]).not.toBe("the");
      }
    }
  });

  it("previews read as stories and baseline is the most frequent answer (about 1/6)", () => {
    const task = createTask("babi-qa", { trainSize: 1000, validationSize: 300, testSize: 300 }, 1);
    const [preview] = task.preview(1);
    expect(preview!.input).toMatch(/\. Where is [A-Za-z ]+\?$/);
    expect(LOCATIONS).toContain(preview!.target);
    const { accuracy } = task.baseline("test");
    expect(accuracy).toBeGreaterThan(0.1);
    expect(accuracy).toBeLessThan(0.3);
  });

  it("names the field of an invalid param", () => {
    expect(() => createTask("babi-qa", { storyLength: 0 }, 1)).toThrow(/storyLength must be at least 1/);
    expect(() => createTask("babi-qa", { questions: "why" }, 1)).toThrow(/questions/);
  });
});
