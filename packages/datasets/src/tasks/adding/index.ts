export { AddingParams, addingDefinition } from "./adding-definition";
export { ADDING_TOLERANCE, addingTask } from "./adding-task";
