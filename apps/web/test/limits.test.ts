import { launchRun, listRuns } from "../src/server/handlers/runs";
import { streamRuns } from "../src/server/handlers/run";
import { authEndpoint } from "../src/server/handlers/auth";
import {
  authedRequest,
  createTeam,
  createTestApp,
  createUser,
  TEST_BASE_URL,
  type TestApp,
  type TestUser,
} from "./harness";

jest.setTimeout(120_000);

describe("rate limits and stream caps (real Redis)", () => {
  let app: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    app = await createTestApp({
      limits: {
        launchesPerMinute: 2,
        signInPerAccountPerMinute: 3,
        signInPerIpPerMinute: 5,
        streamsPerUser: 3,
        streamsTotal: 5,
      },
    });
    alice = await createUser(app);
    bob = await createUser(app);
    await createTeam(app, "lab", [
      [alice, "member"],
      [bob, "member"],
    ]);
  });
  afterAll(() => app.close());

  it("answers the launch past the per-user limit with 429 and Retry-After, and writes nothing for it", async () => {
    const launch = (user: TestUser) =>
      launchRun.invoke(
        app.services,
        authedRequest(
          "POST",
          "/api/runs",
          { cookie: user.cookie },
          { model: "rnn", dataset: "adding", queue: "limits" },
        ),
      );
    // The window is a calendar minute: start well inside one, so all three launches fall in it.
    const leftInMinute = 60_000 - (Date.now() % 60_000);
    if (leftInMinute < 5_000) await new Promise((r) => setTimeout(r, leftInMinute + 100));
    expect((await launch(alice)).status).toBe(201);
    expect((await launch(alice)).status).toBe(201);
    const before = await app.db.prisma.run.count();
    const third = await launch(alice);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await app.db.prisma.run.count()).toBe(before);
    // Another user has a budget of their own.
    expect((await launch(bob)).status).toBe(201);
  });

  it("limits sign-in attempts per account and per client IP", async () => {
    const attempt = (email: string, ip: string) => {
      const request = authedRequest("POST", "/api/auth/sign-in/email", null, { email, password: "wrong password" });
      request.headers.set("x-seqlab-client-ip", ip);
      return authEndpoint.invoke(app.services, request);
    };
    const leftInMinute = 60_000 - (Date.now() % 60_000);
    if (leftInMinute < 5_000) await new Promise((r) => setTimeout(r, leftInMinute + 100));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt(alice.email, `10.0.0.${i}`)).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses[3]).toBe(429);
    // The right password is refused too while the account is locked for the minute: guessing gains nothing.
    const right = authedRequest("POST", "/api/auth/sign-in/email", null, {
      email: alice.email,
      password: "correct horse battery",
    });
    right.headers.set("x-seqlab-client-ip", "10.0.1.1");
    const locked = await authEndpoint.invoke(app.services, right);
    expect(locked.status).toBe(429);
    expect(locked.headers.get("retry-after")).toMatch(/^\d+$/);
    // One IP guessing across many accounts is stopped by the per-IP limit.
    const perIp = [];
    for (let i = 0; i < 6; i++) perIp.push((await attempt(`nobody${i}@example.com`, "10.9.9.9")).status);
    expect(perIp.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(perIp[5]).toBe(429);
  });

  it("caps live streams per user (429) and per process (503), with Retry-After, and frees slots when they close", async () => {
    const open = (user: TestUser) => {
      const controller = new AbortController();
      const request = new Request(`${TEST_BASE_URL}/api/runs/stream`, {
        headers: { cookie: user.cookie },
        signal: controller.signal,
      });
      return streamRuns
        .invoke(app.services, request)
        .then((response) => ({ response, close: () => controller.abort() }));
    };
    const alices = [await open(alice), await open(alice), await open(alice)];
    expect(alices.map((s) => s.response.status)).toEqual([200, 200, 200]);
    const fourth = await open(alice);
    expect(fourth.response.status).toBe(429);
    expect(fourth.response.headers.get("retry-after")).toBe("10");
    const bobs = [await open(bob), await open(bob)];
    expect(bobs.map((s) => s.response.status)).toEqual([200, 200]);
    const full = await open(bob);
    expect(full.response.status).toBe(503);
    expect(app.services.streams.openCount).toBe(5);
    alices[0]!.close();
    await alices[0]!.response.body?.cancel().catch(() => undefined);
    for (let i = 0; i < 50 && app.services.streams.openCount !== 4; i++) await new Promise((r) => setTimeout(r, 20));
    expect(app.services.streams.openCount).toBe(4);
    expect((await open(bob)).response.status).toBe(200);
    // The runs list is not a stream: never capped.
    expect(
      (await listRuns.invoke(app.services, authedRequest("GET", "/api/runs", { cookie: alice.cookie }))).status,
    ).toBe(200);
  });
});
