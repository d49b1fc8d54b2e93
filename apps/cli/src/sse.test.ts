import { SseParser, readSse } from "./sse";

describe("SseParser", () => {
  it("joins data lines, skips comments and other fields, and dispatches on a blank line", () => {
    const parser = new SseParser();
    expect(
      parser.push('retry: 1000\n\n: keepalive\n\ndata: {"a":1}\n\nid: 7\nevent: x\ndata: one\ndata:two\n\n'),
    ).toEqual([
      { event: "message", data: '{"a":1}' },
      { event: "x", data: "one\ntwo" },
    ]);
  });

  it("takes chunks split anywhere, CRLF included", () => {
    const parser = new SseParser();
    const text = 'data: {"type":"log"}\r\n\r\ndata: second\n\n';
    const messages = [...text].flatMap((char) => parser.push(char));
    expect(messages.map((m) => m.data)).toEqual(['{"type":"log"}', "second"]);
  });

  it("keeps a message that has not ended for the next chunk", () => {
    const parser = new SseParser();
    expect(parser.push("data: half")).toEqual([]);
    expect(parser.push("\n\n")).toEqual([{ event: "message", data: "half" }]);
  });
});

describe("readSse", () => {
  it("reads a byte stream, multi-byte characters split across chunks", async () => {
    const bytes = new TextEncoder().encode("data: é\n\ndata: ∑\n\n");
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i++) controller.enqueue(bytes.slice(i, i + 1));
        controller.close();
      },
    });
    const data: string[] = [];
    for await (const message of readSse(body, 1000)) data.push(message.data);
    expect(data).toEqual(["é", "∑"]);
  });

  it("gives up on a stream that sends nothing for the idle time", async () => {
    const body = new ReadableStream<Uint8Array>({ start() {} });
    const read = async () => {
      for await (const _ of readSse(body, 30)) void _;
    };
    await expect(read()).rejects.toThrow("the event stream sent nothing for 0 s");
  });
});
