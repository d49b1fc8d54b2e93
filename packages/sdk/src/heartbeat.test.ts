import { Heartbeat } from "./heartbeat";

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("the heartbeat", () => {
  it("skips a tick after a batch reached the server, and sends on the next quiet one", async () => {
    let sent = 0;
    const heartbeat = new Heartbeat({
      intervalMs: 1000,
      send: async () => void (sent += 1),
      onFailure: () => undefined,
    });
    heartbeat.tick();
    await settle();
    expect(sent).toBe(1);
    heartbeat.noteContact();
    heartbeat.tick();
    await settle();
    expect(sent).toBe(1);
    heartbeat.tick();
    await settle();
    expect(sent).toBe(2);
  });

  it("never sends a second heartbeat while one is in flight", async () => {
    let sent = 0;
    let answer: () => void = () => undefined;
    const heartbeat = new Heartbeat({
      intervalMs: 1000,
      send: () => {
        sent += 1;
        return new Promise<void>((resolve) => (answer = resolve));
      },
      onFailure: () => undefined,
    });
    heartbeat.tick();
    heartbeat.tick();
    expect(sent).toBe(1);
    answer();
    await settle();
    heartbeat.tick();
    expect(sent).toBe(2);
  });

  it("tells the first failure only, whether the send rejects or throws", async () => {
    const failures: string[] = [];
    let calls = 0;
    const heartbeat = new Heartbeat({
      intervalMs: 1000,
      send: () => {
        calls += 1;
        if (calls === 2) throw new Error("synchronous bug");
        return Promise.reject(new Error("503 unavailable"));
      },
      onFailure: (m) => failures.push(m),
    });
    for (let i = 0; i < 3; i++) {
      heartbeat.tick();
      await settle();
    }
    expect(calls).toBe(3);
    expect(failures).toEqual(["seqlab heartbeat failed (503 unavailable)"]);
  });

  it("ticks on its interval once started, and not after stop", async () => {
    jest.useFakeTimers();
    try {
      let sent = 0;
      const heartbeat = new Heartbeat({
        intervalMs: 15_000,
        send: async () => void (sent += 1),
        onFailure: () => undefined,
      });
      heartbeat.start();
      jest.advanceTimersByTime(14_999);
      expect(sent).toBe(0);
      jest.advanceTimersByTime(1);
      expect(sent).toBe(1);
      await Promise.resolve();
      heartbeat.stop();
      jest.advanceTimersByTime(60_000);
      expect(sent).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
