import { createServices, type Services } from "../src/server/services";
import { getAccount, revokeKey } from "../src/server/handlers/account";
import { hashApiKey, VerifiedKeys } from "../src/server/verified-keys";
import { authedRequest, createKey, createTeam, createTestApp, createUser, type TestApp } from "./harness";

jest.setTimeout(60_000);

describe("VerifiedKeys", () => {
  it("hashes a key as better-auth stores it (SHA-256, base64url, no padding)", () => {
    expect(hashApiKey("abc")).toBe("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  });

  it("remembers a verification for 30 s, then asks for a new one", () => {
    let now = 1_000;
    const keys = new VerifiedKeys(() => now);
    keys.remember("h", "key-1");
    now += 30_000;
    expect(keys.recent("h")).toBe("key-1");
    now += 1;
    expect(keys.recent("h")).toBeNull();
  });
});

/**
 * Requests between better-auth's verifications read the key's row: a key revoked through one replica is refused at
 * once by another that verified it a moment ago (two service instances on one database, as two web processes).
 */
describe("API keys between verifications (real PostgreSQL)", () => {
  let app: TestApp;
  let replica: Services;

  beforeAll(async () => {
    app = await createTestApp();
    replica = createServices(app.config);
  });
  afterAll(async () => {
    await replica.close();
    await app.close();
  });

  it("accepts a verified key without verifying it again, and refuses it at once after a revocation elsewhere", async () => {
    const ada = await createUser(app);
    await createTeam(app, "lab", [[ada, "member"]]);
    const { key, id } = await createKey(app, ada);
    const ask = (services: Services) =>
      getAccount.invoke(services, authedRequest("GET", "/api/account", { bearer: key })).then((r) => r.status);
    const updatedAt = () =>
      app.db.prisma.apiKey.findUniqueOrThrow({ where: { id } }).then((k) => k.updatedAt.getTime());

    expect(await ask(replica)).toBe(200);
    const verifiedAt = await updatedAt();
    await new Promise((r) => setTimeout(r, 20));
    expect(await ask(replica)).toBe(200);
    // Not verified again, so better-auth did not write the row a second time.
    expect(await updatedAt()).toBe(verifiedAt);
    expect(replica.verifiedKeys.recent(hashApiKey(key))).toBe(id);

    await revokeKey(app.services, id, ada);
    expect(await ask(replica)).toBe(401);
    expect(await ask(app.services)).toBe(401);
  });

  it("refuses an expired key that was verified before it expired", async () => {
    const ada = await createUser(app);
    const { key, id } = await createKey(app, ada);
    const ask = () =>
      getAccount.invoke(replica, authedRequest("GET", "/api/account", { bearer: key })).then((r) => r.status);
    expect(await ask()).toBe(200);
    await app.db.prisma.apiKey.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await ask()).toBe(401);
  });
});
