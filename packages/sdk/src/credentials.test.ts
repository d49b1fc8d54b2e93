import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { credentialsPath, readCredentials, writeCredentials } from "./credentials";

describe("the credentials file", () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), "seqlab-credentials-"));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));
  const mode = (file: string) => statSync(file).mode & 0o777;

  it("lives in SEQLAB_CONFIG_DIR, else XDG_CONFIG_HOME/seqlab, else ~/.config/seqlab", () => {
    expect(credentialsPath({ HOME: home, SEQLAB_CONFIG_DIR: "/etc/sq", XDG_CONFIG_HOME: "/xdg" })).toBe(
      "/etc/sq/credentials.json",
    );
    expect(credentialsPath({ HOME: home, XDG_CONFIG_HOME: "/xdg" })).toBe("/xdg/seqlab/credentials.json");
    expect(credentialsPath({ HOME: home })).toBe(path.join(home, ".config/seqlab/credentials.json"));
    // The XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored; a blank variable is unset.
    expect(credentialsPath({ HOME: home, XDG_CONFIG_HOME: "rel", SEQLAB_CONFIG_DIR: " " })).toBe(
      path.join(home, ".config/seqlab/credentials.json"),
    );
  });

  it("round-trips, in a 0700 directory as a 0600 file, even over a file that was readable by others", async () => {
    const env = { HOME: home };
    expect(await readCredentials(env)).toBeNull();
    const file = await writeCredentials({ url: "http://localhost:3000", apiKey: "sk_one" }, env);
    expect(file).toBe(credentialsPath(env));
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(await readCredentials(env)).toEqual({ url: "http://localhost:3000", apiKey: "sk_one" });

    chmodSync(file, 0o644);
    expect(mode(file)).toBe(0o644);
    await writeCredentials({ url: "https://seqlab.example.com", apiKey: "sk_two" }, env);
    expect(mode(file)).toBe(0o600);
    expect(await readCredentials(env)).toEqual({ url: "https://seqlab.example.com", apiKey: "sk_two" });
    // Written through a temporary file that was renamed: nothing else is left beside it.
    expect(readdirSync(path.dirname(file))).toEqual(["credentials.json"]);
  });

  it("refuses to store what is not credentials", async () => {
    await expect(writeCredentials({ url: "ftp://x", apiKey: "k" }, { HOME: home })).rejects.toThrow(/http/);
    await expect(writeCredentials({ url: "http://x", apiKey: "a key" }, { HOME: home })).rejects.toThrow(/spaces/);
  });

  it("names the file and what to do when it is malformed", async () => {
    const env = { SEQLAB_CONFIG_DIR: path.join(home, "cfg") };
    mkdirSync(env.SEQLAB_CONFIG_DIR);
    const file = path.join(env.SEQLAB_CONFIG_DIR, "credentials.json");
    writeFileSync(file, "{ not json");
    await expect(readCredentials(env)).rejects.toThrow(`${file} is not valid JSON: run \`seqlab login\` again`);
    writeFileSync(file, JSON.stringify({ url: "http://localhost:3000" }));
    await expect(readCredentials(env)).rejects.toThrow(`${file} is not valid seqlab credentials (apiKey `);
  });
});
