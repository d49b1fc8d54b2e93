import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApiClient } from "./api-client";
import type { CliStreamEvent } from "./api-schemas";
import { watchRunStream } from "./run-stream";
import { sendJson, startFakeServer, startSse } from "../test/fake-server";

const quick = { sleep: () => new Promise<void>((resolve) => setTimeout(resolve, 1)), now: () => Date.now() };

describe("watchRunStream", () => {
  it("skips lines that are not stream events and ends when the caller aborts", async () => {
    const fake = await startFakeServer([
      {
        method: "GET",
        path: "/api/v1/runs/r/stream",
        handle: (_req, res) => {
          startSse(res);
          res.write("data: not json\n\n");
          res.write('data: {"type":"future-event","runId":"r"}\n\n');
          res.write('data: {"type":"status","runId":"r","status":"SOMETHING_NEW"}\n\n');
          res.write('data: {"type":"log","runId":"r","level":"info","message":"hi","at":1}\n\n');
        },
      },
    ]);
    try {
      const events: CliStreamEvent[] = [];
      const abort = new AbortController();
      await watchRunStream({
        client: new ApiClient({ url: fake.url, apiKey: "k" }),
        runId: "r",
        signal: abort.signal,
        ...quick,
        onEvent: (event) => {
          events.push(event);
          if (event.type === "log") abort.abort();
        },
      });
      expect(events.map((e) => e.type)).toEqual(["status", "log"]);
    } finally {
      await fake.close();
    }
  });

  it("fails at once when the server refuses the stream (trying again would answer the same)", async () => {
    const fake = await startFakeServer([
      {
        method: "GET",
        path: "/api/v1/runs/r/stream",
        handle: (_req, res) => sendJson(res, 404, { error: 'run "r" not found' }),
      },
    ]);
    try {
      const watch = watchRunStream({
        client: new ApiClient({ url: fake.url, apiKey: "k" }),
        runId: "r",
        signal: new AbortController().signal,
        ...quick,
        onEvent: () => undefined,
      });
      await expect(watch).rejects.toThrow('run "r" not found');
      expect(fake.requests).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });

  it("retries an unreachable server, then gives up with one line", async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const delays: number[] = [];
    let clock = 0;
    const watch = watchRunStream({
      client: new ApiClient({ url: `http://127.0.0.1:${port}`, apiKey: "k" }),
      runId: "r",
      signal: new AbortController().signal,
      sleep: quick.sleep,
      now: () => (clock += 60_000),
      onEvent: () => undefined,
      onDisconnect: (_reason, delay) => delays.push(delay),
    });
    await expect(watch).rejects.toThrow(/^lost the live stream of run r: cannot reach .*connection refused/);
    expect(delays).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000]);
  });
});
