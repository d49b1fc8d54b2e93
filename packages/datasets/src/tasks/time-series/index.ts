export { TimeSeriesParams, timeSeriesDefinition } from "./time-series-definition";
export { TIME_SERIES_TOLERANCE, timeSeriesTask } from "./time-series-task";
