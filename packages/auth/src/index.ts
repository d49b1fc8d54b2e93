export { createAuth, API_KEY_PREFIX, CLIENT_IP_HEADER } from "./create-auth";
export type { AuthOptions, SeqlabAuth } from "./create-auth";
export { can, isReadOnly, TEAM_ROLES, TeamRole } from "./access-policy";
export type { Permission } from "./access-policy";
export { secureId } from "./secure-id";
