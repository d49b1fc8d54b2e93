export { BabiQaParams, babiQaDefinition } from "./babi-qa-definition";
export { babiQaTask } from "./babi-qa-task";
export { generateStory, LOCATIONS, OBJECTS, PEOPLE, storyText, type QuestionKind, type Story } from "./babi-story";
