import type { IncomingMessage } from "node:http";
import type { BlockList } from "node:net";

/** Reverse proxies whose X-Forwarded-For is believed (SEQLAB_TRUSTED_PROXIES). */
export interface TrustedProxies {
  list: BlockList;
  any: boolean;
}
export function trustedProxies(spec: string): TrustedProxies;
export function clientAddress(req: IncomingMessage, proxies: TrustedProxies): string;
