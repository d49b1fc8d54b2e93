import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpTransport } from "./http-transport";
import { TransportError } from "./transport";

/** A real HTTP server on loopback answering with `status` (and recording what it was sent). */
async function serve(status: number, body = "{}"): Promise<{ url: string; server: Server; seen: unknown[] }> {
  const seen: unknown[] = [];
  const server = createServer((req, res) => {
    let data = "";
    req.on("data", (c: Buffer) => (data += c.toString()));
    req.on("end", () => {
      seen.push({ url: req.url, auth: req.headers.authorization, body: JSON.parse(data || "null") });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

const batch = { batchId: "b1", runId: "run1", points: [{ key: "train/loss", step: 1, value: 0.5, wallTime: 0 }] };

describe("the SDK's HTTP transport", () => {
  it("posts the batch with its id and the key, and resolves on 2xx", async () => {
    const { url, server, seen } = await serve(202);
    try {
      await new HttpTransport({ baseUrl: url, apiKey: "sk_test" }).sendPoints(batch);
      expect(seen).toEqual([
        { url: "/api/v1/runs/run1/points", auth: "Bearer sk_test", body: { batchId: "b1", points: batch.points } },
      ]);
    } finally {
      server.close();
    }
  });

  it.each([
    [503, true],
    [429, true],
    [400, false],
    [401, false],
  ])("calls a %i retryable: %s, with the server's message", async (status, retryable) => {
    const { url, server } = await serve(status, JSON.stringify({ error: "the reason" }));
    try {
      const error = await new HttpTransport({ baseUrl: url, apiKey: "k" }).sendPoints(batch).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ retryable, message: `${status} the reason` });
    } finally {
      server.close();
    }
  });

  it("calls no answer retryable: a closed port, and a server that never answers (timeout)", async () => {
    const { url, server } = await serve(200);
    server.close();
    await new Promise((r) => server.once("close", r));
    await expect(new HttpTransport({ baseUrl: url, apiKey: "k" }).sendPoints(batch)).rejects.toMatchObject({
      retryable: true,
      message: expect.stringMatching(/did not answer \(ECONNREFUSED\)/),
    });
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const port = (silent.address() as AddressInfo).port;
      await expect(
        new HttpTransport({ baseUrl: `http://127.0.0.1:${port}`, apiKey: "k", timeoutMs: 100 }).sendPoints(batch),
      ).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/did not answer/) });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
