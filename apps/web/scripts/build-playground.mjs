// Bundles apps/web/playground/playground.ts for the browser: the checkpoint playground page loads it on its own
// (the rest of the dashboard never ships TensorFlow.js). Run by `npm run build` before `next build`.
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(web, "public", "playground");
mkdirSync(outdir, { recursive: true });

const result = await build({
  entryPoints: [path.join(web, "playground", "playground.ts")],
  bundle: true,
  platform: "browser",
  format: "iife",
  globalName: "seqlabPlayground",
  target: "es2020",
  minify: true,
  metafile: true,
  outfile: path.join(outdir, "seqlab-playground.js"),
  logLevel: "warning",
  plugins: [
    {
      // The datasets' PNG codec (previews) needs node:zlib; the playground never draws a preview PNG.
      name: "no-zlib",
      setup(b) {
        b.onResolve({ filter: /^node:zlib$/ }, () => ({ path: "no-zlib", namespace: "playground-stub" }));
        b.onLoad({ filter: /.*/, namespace: "playground-stub" }, () => ({
          contents:
            "const missing = () => { throw new Error('node:zlib is not available in the playground'); };\n" +
            "export const deflateSync = missing; export const inflateSync = missing;",
          loader: "js",
        }));
      },
    },
  ],
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`playground bundle: ${(bytes / 1024 / 1024).toFixed(2)} MiB`);
