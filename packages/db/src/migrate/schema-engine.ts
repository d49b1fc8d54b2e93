import { readFileSync } from "node:fs";
import path from "node:path";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import type * as SchemaEngineBindings from "@prisma/schema-engine-wasm/schema_engine_bg";

/** The part of the WebAssembly global used here (the repo's `lib` has no DOM and @types/node 20 lacks it). */
type WasmExports = Record<string, unknown>;
type WasmImports = Record<string, unknown>;
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: Record<string, WasmImports>): Promise<{ instance: { exports: WasmExports } }>;
};

type SchemaEngineGlue = typeof SchemaEngineBindings & {
  __wbg_set_wasm(exports: WasmExports): void;
};

let gluePromise: Promise<SchemaEngineGlue> | undefined;

/** The message of the engine's last panic (see loadGlue), read by engine-commands when a command fails. */
let lastPanicMessage: string | null = null;

/** Returns and clears the message of the engine's last panic, if any. */
export function takePanicMessage(): string | null {
  const message = lastPanicMessage;
  lastPanicMessage = null;
  return message;
}

/**
 * Instantiates the wasm schema engine once per process.
 *
 * Node 20 cannot `import` a `.wasm` file as ESM (the package's entry does exactly that), so the module is
 * instantiated by hand with its wasm-bindgen glue (`schema_engine_bg.js`) as the import object, which is what
 * the entry would have done.
 */
function loadGlue(): Promise<SchemaEngineGlue> {
  gluePromise ??= (async () => {
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = require(gluePath) as SchemaEngineGlue;
    const bytes = readFileSync(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const imports: WasmImports = { ...(glue as unknown as WasmImports) };
    // The engine arms 10 s timers (lock and connection timeouts) that outlive each command; unref them so a
    // finished CLI run or test file exits at once instead of waiting for them.
    for (const key of Object.keys(imports).filter((k) => k.startsWith("__wbg_setTimeout_"))) {
      imports[key] = (callback: () => void, ms: number) => {
        const timer = setTimeout(callback, ms >>> 0);
        timer.unref();
        return timer;
      };
    }
    // A Rust panic inside the engine reports its message through this global before it traps; without it the
    // glue itself throws ("reading 'set_message'") and the message is lost.
    const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
    registry.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message: (message: string) => {
        lastPanicMessage = message;
      },
    };
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": imports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return gluePromise;
}

/** A Prisma schema file as the engine takes it: `[path, source]`. */
export type SchemaFile = readonly [path: string, source: string];

/** Lines the engine logs (JSON strings); collected so that a failure can say what the engine was doing. */
export type EngineLog = string[];

/**
 * Opens a wasm schema engine over a migration-aware driver adapter factory.
 *
 * @param factory - connects to the main database (`connect`) and to a shadow database (`connectToShadowDb`).
 * @param datamodel - the Prisma schema the engine starts with; only needed by commands that read it.
 */
export async function openSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  datamodel?: SchemaFile,
): Promise<{ engine: SchemaEngine; log: EngineLog }> {
  const glue = await loadGlue();
  const log: EngineLog = [];
  const engine = await glue.SchemaEngine.new(
    { datamodels: datamodel ? [[datamodel[0], datamodel[1]]] : undefined },
    (line: string) => {
      log.push(line);
    },
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return { engine, log };
}

/** The version string of the wasm schema engine (its commit hash must match prisma's engine hash). */
export async function schemaEngineVersion(): Promise<string> {
  return (await loadGlue()).version();
}
