/** Where the dashboard is reached: the hosts it answers to and the origins whose requests may change state. */
export interface PublicUrl {
  /** The configured URL (SEQLAB_URL), normalised: origin only. */
  baseUrl: string;
  /** `host[:port]` values accepted in the Host header. */
  hosts: Set<string>;
  /** Origins accepted in the Origin header of a state-changing request. */
  origins: Set<string>;
}
export function dashboardUrl(settings: { url: string | undefined; port: number }): string;
export function extraHostNames(list: string): string[];
export function publicUrl(url: string, extraHosts?: string[]): PublicUrl;
