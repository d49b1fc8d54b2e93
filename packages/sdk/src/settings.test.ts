import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeCredentials } from "./credentials";
import { defaultSpoolDir, resolveSettings } from "./settings";

describe("settings resolution", () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), "seqlab-settings-"));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("keeps the spool in SEQLAB_SPOOL_DIR, else XDG_STATE_HOME/seqlab/spool, else ~/.local/state/seqlab/spool", () => {
    expect(defaultSpoolDir({ HOME: home, SEQLAB_SPOOL_DIR: "/s", XDG_STATE_HOME: "/x" })).toBe("/s");
    expect(defaultSpoolDir({ HOME: home, XDG_STATE_HOME: "/x" })).toBe("/x/seqlab/spool");
    expect(defaultSpoolDir({ HOME: home })).toBe(path.join(home, ".local/state/seqlab/spool"));
  });

  it("takes the options first, then the environment, then the credentials file", async () => {
    const env = { HOME: home };
    await writeCredentials({ url: "http://file:3000/", apiKey: "sk_file" }, env);
    expect(await resolveSettings({}, env)).toEqual({
      url: "http://file:3000",
      apiKey: "sk_file",
      spoolDir: path.join(home, ".local/state/seqlab/spool"),
    });
    const withEnv = { ...env, SEQLAB_URL: "http://env:3000", SEQLAB_API_KEY: "sk_env" };
    expect(await resolveSettings({}, withEnv)).toMatchObject({ url: "http://env:3000", apiKey: "sk_env" });
    expect(
      await resolveSettings({ url: "https://option.example", apiKey: "sk_opt", spoolDir: "/tmp/s" }, withEnv),
    ).toEqual({ url: "https://option.example", apiKey: "sk_opt", spoolDir: "/tmp/s" });
    // A key from the environment with the file's URL.
    expect(await resolveSettings({}, { ...env, SEQLAB_API_KEY: "sk_env" })).toMatchObject({
      url: "http://file:3000",
      apiKey: "sk_env",
    });
  });

  it("never sends the file's key to another server than the file's", async () => {
    const env = { HOME: home };
    await writeCredentials({ url: "http://file:3000", apiKey: "sk_file" }, env);
    await expect(resolveSettings({ url: "http://elsewhere:3000" }, env)).rejects.toMatchObject({
      name: "SeqlabInitError",
      message: expect.stringMatching(/no API key for http:\/\/elsewhere:3000 \(.* holds a key for http:\/\/file:3000/),
    });
    // The same server spelt with a trailing slash is the same server.
    expect(await resolveSettings({ url: "http://file:3000/" }, env)).toMatchObject({ apiKey: "sk_file" });
  });

  it("says where a bad URL came from", async () => {
    await expect(
      resolveSettings({}, { HOME: home, SEQLAB_URL: "localhost:3000", SEQLAB_API_KEY: "k" }),
    ).rejects.toThrow('SEQLAB_URL is not an http:// or https:// URL: "localhost:3000"');
  });
});
