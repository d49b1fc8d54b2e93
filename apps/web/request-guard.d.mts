import type { IncomingMessage, ServerResponse } from "node:http";
import type { PublicUrl } from "./public-url.mjs";

export const MAX_BODY_BYTES: number;
export const MAX_ARTIFACT_BODY_BYTES: number;
export const SECURITY_HEADERS: Record<string, string>;
export function answer(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void;
export function createRequestGuard(url: PublicUrl): (req: IncomingMessage, res: ServerResponse) => boolean;
