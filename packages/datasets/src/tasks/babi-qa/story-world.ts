/**
 * The cast and world of the stories, as in bAbI tasks 1 and 2 (Weston et al. 2015). These tables live apart from
 * the story generator so that the task's spec (vocabulary, sentence lengths, answers) is known without loading it.
 */
export const PEOPLE = ["Mary", "John", "Sandra", "Daniel", "Fred", "Bill"] as const;
/** Answers: every question asks for a location. */
export const LOCATIONS = ["kitchen", "garden", "hallway", "bathroom", "bedroom", "office"] as const;
/** Objects people carry. */
export const OBJECTS = ["apple", "football", "milk", "box"] as const;

/** How a person moves to a location. */
export const MOVE_VERBS = ["went to", "moved to", "journeyed to", "travelled to"];
/** How a person picks up an object. */
export const TAKE_VERBS = ["picked up", "grabbed", "got"];
/** How a person drops an object. */
export const DROP_VERBS = ["dropped", "put down", "left"];

/** Every word a story can contain, punctuation included: the input vocabulary. */
export const STORY_VOCABULARY: readonly string[] = [
  ...new Set(
    [
      ...PEOPLE,
      ...LOCATIONS,
      ...OBJECTS,
      ...[...MOVE_VERBS, ...TAKE_VERBS, ...DROP_VERBS].flatMap((v) => v.split(" ")),
      "the",
      "Where",
      "is",
      ".",
      "?",
    ].sort(),
  ),
];

/** Longest sentence ("Mary picked up the apple .") and question ("Where is the apple ?"), in tokens. */
export const MAX_SENTENCE_TOKENS = 6;
/** Longest question in tokens. */
export const MAX_QUESTION_TOKENS = 5;
