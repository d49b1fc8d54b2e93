export { ADDING_TOLERANCE, AddingParams, addingTask } from "./adding-task";
