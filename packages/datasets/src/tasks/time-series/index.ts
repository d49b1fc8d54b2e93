export { TIME_SERIES_TOLERANCE, TimeSeriesParams, timeSeriesTask } from "./time-series-task";
