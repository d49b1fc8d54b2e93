import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { createTestDatabase, type TestDatabase } from "@seqlab/db/testing";
import { launchChromium, REDIS_URL, startWebProcess } from "./harness";

jest.setTimeout(240_000);

const run = promisify(execFile);
const SCREENS = path.resolve(__dirname, "../../../.data/test/screens");

/** `curl` against the real server with only an API key (no cookie), as a script or CI job would. */
async function curlStatus(url: string, key: string): Promise<number> {
  const { stdout } = await run("curl", [
    "-s",
    "-o",
    "/dev/null",
    "-w",
    "%{http_code}",
    "-H",
    `Authorization: Bearer ${key}`,
    url,
  ]);
  return Number(stdout);
}

describe("teams in real Chromium: first owner, invitation, roles, API keys", () => {
  let db: TestDatabase;
  let web: Awaited<ReturnType<typeof startWebProcess>>;
  let browser: Browser;
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    db = await createTestDatabase();
    web = await startWebProcess({ DATABASE_URL: db.url, REDIS_URL, SEQLAB_QUEUE_PREFIX: `teams-${randomUUID()}` });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await db?.drop();
  });

  it("walks a team from its first owner to a viewer who can no longer launch, and an API key from creation to revocation", async () => {
    const base = web.url;
    const errors: string[] = [];
    const owner = await (await browser.newContext({ viewport: { width: 1300, height: 900 } })).newPage();
    owner.on("console", (m) => m.type() === "error" && errors.push(`owner: ${m.text()}`));

    // 1. A fresh instance asks for its first account.
    await owner.goto(base);
    await owner.waitForURL(/\/setup$/);
    await owner.fill("#name", "Ada Owner");
    await owner.fill("#email", "ada@example.com");
    await owner.fill("#password", "correct horse battery");
    await owner.fill("#teamName", "Vision Lab");
    await shot(owner, "01-setup");
    await Promise.all([owner.waitForURL(/\/t\/vision-lab\/p\/default$/), owner.click("[data-testid=submit]")]);
    await shot(owner, "02-empty-project");
    // Two cookies: the session (a week, httpOnly, Lax) and its signed copy (believed for a minute).
    const cookies = await owner.context().cookies();
    const token = cookies.find((c) => c.name === "seqlab.session_token");
    const copy = cookies.find((c) => c.name === "seqlab.session_data");
    expect(token).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    expect(token!.expires - Date.now() / 1000).toBeGreaterThan(6 * 24 * 3600);
    expect(copy).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    // The first account is the instance's operator at once (not after its session copy expires).
    expect(await owner.locator("header").first().textContent()).toContain("(operator)");

    // 2. The owner creates a project from the team's settings.
    await owner.goto(`${base}/t/vision-lab/settings`);
    await owner.fill("[data-testid=project-name]", "Handwriting");
    await Promise.all([
      owner.waitForURL(/\/t\/vision-lab\/p\/handwriting$/),
      owner.click("[data-testid=create-project]"),
    ]);

    // 3. ... and invites a second person, as a member: the link is shown to copy.
    await owner.goto(`${base}/t/vision-lab/settings`);
    await owner.fill("[data-testid=invite-email]", "bob@example.com");
    await owner.selectOption("[data-testid=invite-role]", "member");
    await owner.click("[data-testid=invite]");
    const link = (await owner.locator("[data-testid=invitation-link]").textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${base}/invite/[a-z0-9]{25}$`));
    await shot(owner, "03-team-settings");

    // 4. In a second browser, the invitee opens the link, chooses a password and joins.
    const bob = await (await browser.newContext({ viewport: { width: 1300, height: 900 } })).newPage();
    bob.on("console", (m) => m.type() === "error" && errors.push(`bob: ${m.text()}`));
    await bob.goto(link);
    await bob.fill("#name", "Bob Member");
    await bob.fill("#password", "battery staple horse");
    await shot(bob, "04-invitation");
    await Promise.all([bob.waitForURL(/\/t\/vision-lab\/p\/[a-z-]+$/), bob.click("[data-testid=submit]")]);

    // 5. As a member, Bob launches a run.
    await bob.goto(`${base}/t/vision-lab/p/handwriting`);
    await Promise.all([bob.waitForURL(/\/new$/), bob.click("[data-testid=launch-button]")]);
    await bob.fill("#training\\.steps", "20");
    await bob.fill("#name", "bobs-first-run");
    await Promise.all([
      bob.waitForURL(/\/t\/vision-lab\/p\/handwriting\/runs\/[a-z0-9]+$/),
      bob.click("[data-testid=launch]"),
    ]);
    await bob.locator("[data-testid=run-status]").waitFor();
    // The live stream authenticates with Bob's session cookie, like every other request.
    await bob.locator("[data-testid=live-state]", { hasText: /^connected$/ }).waitFor();
    await shot(bob, "05-member-run");
    const runs = await db.prisma.run.findMany({ include: { createdBy: true } });
    expect(runs.map((r) => [r.name, r.createdBy?.email])).toEqual([["bobs-first-run", "bob@example.com"]]);

    // 6. The owner makes Bob a viewer.
    await owner.goto(`${base}/t/vision-lab/settings`);
    const bobsRole = owner.locator("[data-member-email='bob@example.com'] [data-testid=member-role]");
    await bobsRole.selectOption("viewer");
    await owner.getByText("Bob Member is now viewer").waitFor();

    // 7. Bob's Launch button is gone, and the API answers 403 to the same launch from his browser.
    await bob.goto(`${base}/t/vision-lab/p/handwriting`);
    await bob.locator("[data-testid=runs-table]").waitFor();
    expect(await bob.locator("[data-testid=launch-button]").count()).toBe(0);
    await shot(bob, "06-viewer-project");
    const refused = await bob.evaluate(async () => {
      const r = await fetch("/api/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ team: "vision-lab", project: "handwriting", model: "rnn", dataset: "adding" }),
      });
      return { status: r.status, body: (await r.json()) as { error: string } };
    });
    expect(refused).toEqual({
      status: 403,
      body: { error: "your role in this team (viewer) does not allow run:launch" },
    });
    expect(await db.prisma.run.count()).toBe(1);

    // 8. The owner creates an API key: shown once; curl works with it; after revoking it, it does not.
    await owner.goto(`${base}/settings`);
    await owner.fill("[data-testid=key-name]", "ci");
    await owner.click("[data-testid=create-key]");
    const key = (await owner.locator("[data-testid=new-key]").textContent())!.trim();
    expect(key).toMatch(/^sk_seqlab_/);
    await shot(owner, "07-account-new-key");
    expect(await curlStatus(`${base}/api/runs?team=vision-lab`, key)).toBe(200);
    await owner.goto(`${base}/settings`);
    expect(await owner.locator("[data-testid=new-key]").count()).toBe(0); // never shown again
    expect(await owner.locator("[data-key-name=ci] [data-testid=key-last-used]").textContent()).not.toBe("never");
    owner.once("dialog", (d) => void d.accept());
    await owner.click("[data-key-name=ci] [data-testid=revoke-key]");
    await owner.locator("[data-key-name=ci]", { hasText: "revoked" }).waitFor();
    await shot(owner, "08-account-revoked-key");
    expect(await curlStatus(`${base}/api/runs?team=vision-lab`, key)).toBe(401);

    // The audit log recorded it all, and the workers page renders for a viewer.
    await owner.goto(`${base}/t/vision-lab/settings`);
    const audit = await owner.locator("[data-testid=audit-log]").textContent();
    for (const action of [
      "team.create",
      "project.create",
      "invitation.create",
      "invitation.accept",
      "run.launch",
      "member.role",
      "apikey.create",
      "apikey.revoke",
    ]) {
      expect(audit).toContain(action);
    }
    await shot(owner, "09-audit-log");
    await bob.goto(`${base}/workers`);
    await shot(bob, "10-workers-as-viewer");
    // The one console error is the refused launch of step 7, which the browser logs as a failed resource.
    expect(errors).toEqual(["bob: Failed to load resource: the server responded with a status of 403 (Forbidden)"]);
  });

  it("signs a stranger in to nothing: every page sends them to sign-in, and sign-in then lands where they wanted", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1300, height: 900 } })).newPage();
    await page.goto(`${web.url}/t/vision-lab/settings`);
    await page.waitForURL(/\/sign-in\?next=/);
    await shot(page, "11-sign-in");
    await page.fill("#email", "ada@example.com");
    await page.fill("#password", "wrong password");
    await page.click("[data-testid=submit]");
    await page.getByText("wrong email or password").waitFor();
    await page.fill("#password", "correct horse battery");
    await Promise.all([page.waitForURL(/\/t\/vision-lab\/settings$/), page.click("[data-testid=submit]")]);
  });
});
