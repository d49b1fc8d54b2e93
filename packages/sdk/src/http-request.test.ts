import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { postToSeqlab } from "./http-request";
import { TransportError } from "./transport";

/** A loopback server answering every request with `status`, `body` and `type`. */
async function serve(
  status: number,
  body: string,
  type = "application/json",
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(status, { "content-type": type });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const post = (baseUrl: string, signal?: AbortSignal) =>
  postToSeqlab({ baseUrl, apiKey: "k", signal }, { path: "/api/v1/x", body: { json: {} }, timeoutMs: 5000 });

describe("a client API request", () => {
  it("puts the server's field issues on the error's one line", async () => {
    const { url, server } = await serve(
      400,
      JSON.stringify({ error: "invalid run", issues: [{ path: "project", message: "must be a slug" }] }),
    );
    try {
      await expect(post(url)).rejects.toMatchObject({
        message: "400 invalid run: project must be a slug",
        retryable: false,
        status: 400,
      });
    } finally {
      server.close();
    }
  });

  it("calls a 2xx that is not JSON (a portal's page, a wrong URL) a retryable failure: nothing was stored", async () => {
    const { url, server } = await serve(200, "<html>sign in to the wifi</html>", "text/html");
    try {
      const error = await post(url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ retryable: true, status: 200, message: expect.stringMatching(/not JSON/) });
    } finally {
      server.close();
    }
  });

  it("is abandoned when its target's signal aborts, and says so", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const stop = new AbortController();
    try {
      const pending = post(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, stop.signal);
      setTimeout(() => stop.abort(), 20);
      await expect(pending).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/abandoned/) });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
