import { apiKey } from "@better-auth/api-key";
import type { Db } from "@seqlab/db";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { organization } from "better-auth/plugins/organization";
import { accessControl, roles } from "./access-policy";
import { secureId } from "./secure-id";

/** Options of {@link createAuth}. */
export interface AuthOptions {
  db: Db;
  /** The dashboard's public URL (SEQLAB_URL): cookies, redirects and the origin check use it. */
  baseUrl: string;
  /** Other origins the dashboard is reached by (loopback aliases of baseUrl). */
  trustedOrigins: string[];
  /** Signs session cookies; at least 32 random bytes, the same on every web replica. */
  secret: string;
  /** How long an invitation link stays valid. Default: 7 days, W&B's and GitHub's choice. */
  invitationExpiresInSeconds?: number;
  /** A session unused this long expires. Default: 7 days; it is extended once a day while in use. */
  sessionExpiresInSeconds?: number;
  /**
   * How long a browser's signed copy of its session (a second cookie) is believed without reading the session
   * table: 2.2 ms of the runs list's 3.5 ms of authentication went to that read (bench/teams-figures.ts). The price: a
   * session ended on the server (not by signing out in that browser, which clears both cookies) keeps working for
   * up to this long. Team access does not ride on it: roles are read on every request. Default 60 s; 0: off.
   */
  sessionCacheSeconds?: number;
}

/** Header our own server sets from the socket's address (the web server overwrites any the client sent). */
export const CLIENT_IP_HEADER = "x-seqlab-client-ip";

/** Prefix of every API key, so a leaked one is recognisable (and greppable) as seqlab's. */
export const API_KEY_PREFIX = "sk_seqlab_";

const DAY_SECONDS = 24 * 60 * 60;

/**
 * better-auth configured for seqlab: email and password accounts, httpOnly SameSite=Lax session cookies (Secure
 * behind HTTPS), the organization plugin as teams (its organization is our Team, its member our Membership) with
 * seqlab's four roles, and the API-key plugin (keys owned by users, hashed, shown once). Public sign-up through better-auth's own endpoint is refused: the first account, invitations and open
 * sign-up go through the dashboard's account routes, which decide and then call `auth.api.signUpEmail`.
 */
export function createAuth(options: AuthOptions) {
  const secure = new URL(options.baseUrl).protocol === "https:";
  return betterAuth({
    appName: "seqlab",
    baseURL: options.baseUrl,
    basePath: "/api/auth",
    secret: options.secret,
    trustedOrigins: options.trustedOrigins,
    telemetry: { enabled: false },
    logger: {
      level: "warn",
      log: (level, message, ...args) => {
        // A revoked, expired or unknown key, or a wrong password, is an answer (401), not a server error.
        if (message.startsWith("Failed to validate API key") || message === "Invalid password") return;
        (level === "error" ? console.error : console.warn)(`[better-auth] ${message}`, ...args);
      },
    },
    onAPIError: {
      // A malformed body or a wrong password is the caller's mistake, answered with a 4xx: only the server's own
      // failures reach the log (better-auth's default logs both as ERROR).
      onError: (error) => {
        if (isAPIError(error) && typeof error.statusCode === "number" && error.statusCode < 500) return;
        console.error("[better-auth] request failed:", error);
      },
    },
    database: prismaAdapter(options.db, { provider: "postgresql", transaction: true }),
    // seqlab's own limiter (Redis, shared by replicas, per IP and per account) guards sign-in instead.
    rateLimit: { enabled: false },
    advanced: {
      // Every id better-auth creates is random, lower-case alphanumeric (one shape with the rest of seqlab's ids),
      // and unguessable: an invitation's id is its link.
      database: { generateId: () => secureId() },
      useSecureCookies: secure,
      cookiePrefix: "seqlab",
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", secure },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    emailAndPassword: {
      enabled: true,
      // NIST 800-63B's minimum for user-chosen passwords.
      minPasswordLength: 8,
      maxPasswordLength: 256,
      autoSignIn: true,
    },
    session: {
      expiresIn: options.sessionExpiresInSeconds ?? 7 * DAY_SECONDS,
      updateAge: DAY_SECONDS,
      cookieCache: { enabled: (options.sessionCacheSeconds ?? 60) > 0, maxAge: options.sessionCacheSeconds ?? 60 },
    },
    user: {
      additionalFields: { isInstanceAdmin: { type: "boolean", required: false, defaultValue: false, input: false } },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        // Over HTTP (ctx.request set), sign-up only happens through the dashboard's account routes.
        if (ctx.path === "/sign-up/email" && ctx.request) {
          throw new APIError("FORBIDDEN", {
            message: "sign-up is by invitation: open the invitation link an admin gave you",
            code: "SIGN_UP_BY_INVITATION",
          });
        }
      }),
    },
    plugins: [
      organization({
        ac: accessControl,
        roles,
        creatorRole: "owner",
        // Teams are created by the instance's operators (and by seqlab itself for open sign-up).
        allowUserToCreateOrganization: (user) => (user as { isInstanceAdmin?: boolean }).isInstanceAdmin === true,
        invitationExpiresIn: options.invitationExpiresInSeconds ?? 7 * DAY_SECONDS,
        // There is no mail server to verify addresses with: the link, which an admin handed to that person, is the
        // proof. (better-auth would otherwise refuse to accept any invitation.)
        requireEmailVerificationOnInvitation: false,
        // No mail server: the admin copies the invitation link from the team's settings page.
        sendInvitationEmail: async () => undefined,
        schema: {
          organization: { modelName: "team" },
          member: { modelName: "membership", fields: { organizationId: "teamId" } },
          invitation: { fields: { organizationId: "teamId" } },
          session: { fields: { activeOrganizationId: "activeTeamId" } },
        },
      }),
      apiKey({
        references: "user",
        enableMetadata: true,
        defaultPrefix: API_KEY_PREFIX,
        // 32 random characters after the prefix: about 190 bits.
        defaultKeyLength: 32,
        keyExpiration: { defaultExpiresIn: null, minExpiresIn: 1, maxExpiresIn: 366 },
        // Per-key limits are not the platform's policy; launches are limited per user instead.
        rateLimit: { enabled: false },
        schema: { apikey: { modelName: "apiKey" } },
      }),
    ],
  });
}

/** The configured better-auth instance. */
export type SeqlabAuth = ReturnType<typeof createAuth>;
