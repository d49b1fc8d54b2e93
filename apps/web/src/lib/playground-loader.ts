/**
 * Loading the playground's pieces into the page: its script (the only one that carries TensorFlow.js, built by
 * scripts/build-playground.mjs into /playground/) and a checkpoint's bytes, checked against their sha256 and kept
 * in the browser's Cache Storage under it, so the weights are fetched once.
 */
import type * as PlaygroundModule from "../../playground/playground";

export type PlaygroundBundle = typeof PlaygroundModule;
export type PlaygroundHandle = PlaygroundModule.Playground;

const BUNDLE_URL = "/playground/seqlab-playground.js";
const CACHE_NAME = "seqlab-checkpoints";

let loading: Promise<PlaygroundBundle> | null = null;

/** Injects the playground script once and resolves with what it defines (`window.seqlabPlayground`). */
export function loadPlaygroundBundle(): Promise<PlaygroundBundle> {
  loading ??= new Promise<PlaygroundBundle>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = BUNDLE_URL;
    script.async = true;
    script.onload = () => {
      const bundle = (window as unknown as { seqlabPlayground?: PlaygroundBundle }).seqlabPlayground;
      if (bundle) resolve(bundle);
      else reject(new Error("the playground script loaded but defined nothing"));
    };
    script.onerror = () => reject(new Error(`could not load ${BUNDLE_URL}`));
    document.head.append(script);
  });
  return loading;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The checkpoint's bytes: from the cache when it holds this sha256, else downloaded, verified and cached. */
export async function readCheckpointBytes(checkpoint: {
  id: string;
  sha256: string;
}): Promise<{ bytes: Uint8Array; cached: boolean }> {
  const key = `/api/artifacts/${checkpoint.id}?sha256=${checkpoint.sha256}`;
  const cache = typeof caches === "undefined" ? null : await caches.open(CACHE_NAME).catch(() => null);
  const hit = await cache?.match(key);
  if (hit) return { bytes: new Uint8Array(await hit.arrayBuffer()), cached: true };
  const response = await fetch(`/api/artifacts/${checkpoint.id}`);
  if (!response.ok) throw new Error(`the checkpoint could not be downloaded (${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const actual = await sha256Hex(bytes);
  if (actual !== checkpoint.sha256) {
    throw new Error(
      `the checkpoint's bytes do not match their sha256 (${actual.slice(0, 12)} ≠ ${checkpoint.sha256.slice(0, 12)})`,
    );
  }
  await cache?.put(key, new Response(bytes, { headers: { "content-type": "application/octet-stream" } }));
  return { bytes, cached: false };
}
