export { BabiQaParams, babiQaDefinition } from "./babi-qa-definition";
export { babiQaTask } from "./babi-qa-task";
export { generateStory, storyText, type QuestionKind, type Story } from "./babi-story";
export { LOCATIONS, OBJECTS, PEOPLE } from "./story-world";
