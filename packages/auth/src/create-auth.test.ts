import { createTestDatabase, type TestDatabase } from "@seqlab/db/testing";
import { createAuth, type SeqlabAuth } from "./create-auth";

let db: TestDatabase;
let auth: SeqlabAuth;
const baseUrl = "http://localhost:3000";

beforeAll(async () => {
  db = await createTestDatabase();
  auth = createAuth({ db: db.prisma, baseUrl, trustedOrigins: [baseUrl], secret: "x".repeat(40) });
});
afterAll(() => db.drop());

describe("better-auth on seqlab's schema", () => {
  it("signs up, signs in, creates a team with an invitation, and an API key that verifies", async () => {
    const signUp = await auth.api.signUpEmail({
      body: { email: "owner@example.com", password: "correct horse", name: "Owner" },
    });
    expect(signUp.user.id).toMatch(/^[a-z0-9]+$/);
    await db.prisma.user.update({ where: { id: signUp.user.id }, data: { isInstanceAdmin: true } });
    const signIn = await auth.api.signInEmail({
      body: { email: "owner@example.com", password: "correct horse" },
      returnHeaders: true,
    });
    const cookie = signIn.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const headers = new Headers({ cookie: cookie.split(";")[0]! });
    const session = await auth.api.getSession({ headers });
    expect(session?.user.email).toBe("owner@example.com");
    const team = await auth.api.createOrganization({ headers, body: { name: "Lab", slug: "lab" } });
    expect(team?.slug).toBe("lab");
    expect(await db.prisma.membership.findFirst({ where: { teamId: team!.id } })).toMatchObject({ role: "owner" });
    const invitation = await auth.api.createInvitation({
      headers,
      body: { email: "viewer@example.com", role: "viewer", organizationId: team!.id },
    });
    expect(invitation.status).toBe("pending");
    const key = await auth.api.createApiKey({
      body: { name: "ci", userId: signUp.user.id, metadata: { teamId: team!.id, readOnly: true } },
    });
    expect(key.key).toMatch(/^sk_seqlab_/);
    const stored = await db.prisma.apiKey.findUnique({ where: { id: key.id } });
    expect(stored!.key).not.toContain(key.key);
    const verified = await auth.api.verifyApiKey({ body: { key: key.key } });
    expect(verified.valid).toBe(true);
    expect(verified.key?.referenceId).toBe(signUp.user.id);
    expect(verified.key?.metadata).toEqual({ teamId: team!.id, readOnly: true });
  });
});
