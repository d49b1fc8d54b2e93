import { createTestIo } from "../test/fake-io";

describe("the seqlab command line", () => {
  it("prints the help for --help (exit 0) and for no command (exit 2), naming every command", async () => {
    const help = createTestIo();
    expect(await help.run(["--help"])).toBe(0);
    for (const command of [
      "login",
      "launch",
      "runs",
      "logs",
      "cancel",
      "pull",
      "export",
      "workers",
      "queues",
      "sync",
      "start",
      "test",
    ]) {
      expect(help.stdout()).toMatch(new RegExp(`^ {2}${command}\\b`, "m"));
    }
    expect(help.stdout()).toContain("Start the platform with `seqlab start`, run every test with `seqlab test`.");
    const none = createTestIo();
    expect(await none.run([])).toBe(2);
    expect(none.stderr()).toContain("Usage: seqlab <command> [options]");
    expect(none.stdout()).toBe("");
  });

  it("refuses an unknown command in one line with a suggestion (exit 2)", async () => {
    const t = createTestIo();
    expect(await t.run(["lunch"])).toBe(2);
    expect(t.stderr()).toBe("seqlab: unknown command 'lunch' (did you mean launch?) (see `seqlab --help`)\n");
  });

  it("names the command in the hint of a bad flag", async () => {
    const t = createTestIo();
    expect(await t.run(["runs", "ls", "--colour"])).toBe(2);
    expect(t.stderr()).toBe("seqlab: unknown option '--colour' (see `seqlab runs ls --help`)\n");
  });

  it.each([
    [["start"], "start", []],
    [["start", "--port", "4000"], "start", ["--port", "4000"]],
    [
      ["test", "apps/cli", "--testNamePattern", "x y", "-u", "--url", "z"],
      "test",
      ["apps/cli", "--testNamePattern", "x y", "-u", "--url", "z"],
    ],
    [["test", "--help"], "test", ["--help"]],
  ])("passes %j to the script unchanged", async (argv, script, args) => {
    const t = createTestIo();
    expect(await t.run(argv)).toBe(0);
    expect(t.scripts).toEqual([{ script, args }]);
  });

  it("exits with the script's code", async () => {
    const t = createTestIo();
    t.io.runScript = async () => 3;
    expect(await t.run(["test"])).toBe(3);
  });
});
