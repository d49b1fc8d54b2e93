import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { WEB_DIR } from "./harness";

/** Build files that reference a TensorFlow.js module: an import, a require, or a traced file under @tensorflow. */
function tensorflowReferences(dir: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (name === "cache") continue;
      if (statSync(full).isDirectory()) {
        if (name.startsWith("@tensorflow")) hits.push(full);
        else walk(full);
      } else if (
        /\.(js|mjs|cjs|json)$/.test(name) &&
        !name.endsWith(".map") &&
        mentionsTensorflowModule(readFileSync(full, "utf8"))
      ) {
        hits.push(full);
      }
    }
  };
  walk(dir);
  return hits;
}

/** A module specifier or a traced path of @tensorflow/*: prose that names tfjs (a schema's description) is fine. */
function mentionsTensorflowModule(text: string): boolean {
  return /["'`/]@tensorflow\/tfjs/.test(text);
}

describe("the dashboard's production build", () => {
  it("contains and traces no TensorFlow.js (it imports only the light catalogs)", () => {
    const next = path.join(WEB_DIR, ".next");
    if (!existsSync(path.join(next, "BUILD_ID")))
      throw new Error("apps/web has no production build: run ./seqlab test");
    // The check itself finds what an externalised or bundled tfjs leaves behind.
    expect(mentionsTensorflowModule('module.exports = require("@tensorflow/tfjs");')).toBe(true);
    expect(mentionsTensorflowModule('{"files":["../../node_modules/@tensorflow/tfjs-core/dist/index.js"]}')).toBe(true);
    expect(mentionsTensorflowModule("reproduces tfjs-layers' default")).toBe(false);
    expect(tensorflowReferences(path.join(next, "server"))).toEqual([]);
    expect(tensorflowReferences(path.join(next, "static"))).toEqual([]);
    if (existsSync(path.join(next, "node_modules")))
      expect(tensorflowReferences(path.join(next, "node_modules"))).toEqual([]);
    const traces = ["next-server.js.nft.json", "required-server-files.json"].map((f) => path.join(next, f));
    for (const trace of traces.filter(existsSync))
      expect(mentionsTensorflowModule(readFileSync(trace, "utf8"))).toBe(false);
  });
});
