export { PointSender, type PointSenderOptions, type SendReport } from "./point-sender";
export { Spool } from "./spool";
export { TransportError, type PointBatch, type Transport } from "./transport";
export { HttpTransport, type HttpTransportOptions } from "./http-transport";
