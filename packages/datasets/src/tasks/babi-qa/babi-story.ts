import type { Rng } from "../../random";
import { DROP_VERBS, LOCATIONS, MOVE_VERBS, OBJECTS, PEOPLE, TAKE_VERBS } from "./story-world";

/** Which questions a story may end with: about where a person is, where an object is (two facts), or either. */
export type QuestionKind = "people" | "objects" | "mixed";

/** A story as sentences of words, the question, and the answer location's index. */
export interface Story {
  sentences: string[][];
  question: string[];
  answer: number;
}

/**
 * One story of `length` sentences. People move between locations and pick up and drop objects; the question asks
 * where someone or something is at the end, and is always answerable from the story (an object's location may
 * need two facts: who holds it and where they went).
 */
export function generateStory(rng: Rng, length: number, kind: QuestionKind): Story {
  // Redraw the rare story that has no answerable question of the requested kind (e.g. no object was ever taken).
  for (;;) {
    const personAt = new Map<number, number>();
    const holder = new Map<number, number>();
    const objectAt = new Map<number, number>();
    const sentences: string[][] = [];
    while (sentences.length < length) {
      const person = rng.int(0, PEOPLE.length);
      const name = PEOPLE[person] as string;
      const here = personAt.get(person);
      const held = OBJECTS.map((_, o) => o).filter((o) => holder.get(o) === person);
      const free = OBJECTS.map((_, o) => o).filter((o) => !holder.has(o));
      // About 60% moves, 25% pick-ups, 15% drops (when possible): bAbI's mix, where most facts are movements and
      // objects change hands often enough for two-fact questions.
      const roll = rng.float();
      if (here !== undefined && held.length > 0 && roll < 0.15) {
        const object = rng.pick(held);
        holder.delete(object);
        objectAt.set(object, here);
        sentences.push([name, ...rng.pick(DROP_VERBS).split(" "), "the", OBJECTS[object] as string, "."]);
      } else if (here !== undefined && free.length > 0 && roll < 0.4) {
        const object = rng.pick(free);
        holder.set(object, person);
        objectAt.delete(object);
        sentences.push([name, ...rng.pick(TAKE_VERBS).split(" "), "the", OBJECTS[object] as string, "."]);
      } else {
        const location = rng.int(0, LOCATIONS.length);
        personAt.set(person, location);
        sentences.push([name, ...rng.pick(MOVE_VERBS).split(" "), "the", LOCATIONS[location] as string, "."]);
      }
    }
    const questions: Story[] = [];
    if (kind !== "objects") {
      for (const [person, location] of personAt) {
        questions.push({ sentences, question: ["Where", "is", PEOPLE[person] as string, "?"], answer: location });
      }
    }
    if (kind !== "people") {
      OBJECTS.forEach((object, o) => {
        const who = holder.get(o);
        const location = who === undefined ? objectAt.get(o) : personAt.get(who);
        if (location !== undefined) {
          questions.push({ sentences, question: ["Where", "is", "the", object, "?"], answer: location });
        }
      });
    }
    if (questions.length > 0) return rng.pick(questions);
  }
}

/** A story and its question as plain text. */
export function storyText(story: Pick<Story, "sentences" | "question">): string {
  const join = (words: string[]) => words.join(" ").replace(/ ([.?])/g, "$1");
  return `${story.sentences.map(join).join(" ")} ${join(story.question)}`;
}
