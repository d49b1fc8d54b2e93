"use client";

import { useCallback, useEffect, useRef, useState, type PointerEvent } from "react";
import type { AttentionMap } from "@seqlab/contracts";
import { AlignmentStrip, AttentionGrid } from "./predictions-panel";
import { loadPlaygroundBundle, readCheckpointBytes, type PlaygroundHandle } from "../lib/playground-loader";

export interface PlaygroundCheckpoint {
  id: string;
  step: number;
  sha256: string;
  size: number;
}

/** How long each stage took, ms from navigation start: shown on the page and read by the benchmark. */
interface Timings {
  bundle: number;
  weights: number;
  firstPrediction: number | null;
  cached: boolean;
  backend: string;
}

function TranslationPanel({ playground, onPrediction }: { playground: PlaygroundHandle; onPrediction: () => void }) {
  const examples = playground.examples();
  const [text, setText] = useState(examples[0] ?? "");
  const [result, setResult] = useState<{ output: string; attention: AttentionMap } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    (source: string) => {
      playground.translate(source).then(
        (r) => {
          setResult(r);
          setError(null);
          onPrediction();
        },
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      );
    },
    [playground, onPrediction],
  );
  useEffect(() => run(examples[0] ?? ""), []); // eslint-disable-line react-hooks/exhaustive-deps -- the first example once
  return (
    <div className="panel" data-testid="playground-translation">
      <label className="field">
        <span>Type a date (or any source the task reads)</span>
        <input
          value={text}
          data-testid="playground-input"
          onChange={(e) => {
            setText(e.target.value);
            run(e.target.value);
          }}
        />
      </label>
      <div className="muted small">
        Examples:{" "}
        {examples.map((e) => (
          <button
            type="button"
            className="link-button"
            key={e}
            onClick={() => {
              setText(e);
              run(e);
            }}
          >
            {e}
          </button>
        ))}
      </div>
      {error && (
        <div className="error-text" role="alert">
          {error}
        </div>
      )}
      {result && (
        <>
          <p>
            Translation: <code data-testid="playground-output">{result.output || "∅"}</code>
          </p>
          <AttentionGrid map={result.attention} />
        </>
      )}
    </div>
  );
}

/** Characters a Continue adds: one forward pass each, shown as they come. */
const CONTINUATION_LENGTH = 60;

function CharLmPanel({ playground, onPrediction }: { playground: PlaygroundHandle; onPrediction: () => void }) {
  const [prompt, setPrompt] = useState(playground.examples()[0] ?? "the ");
  const [temperature, setTemperature] = useState(0.7);
  const [seed, setSeed] = useState(1);
  const [output, setOutput] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const generate = useCallback(() => {
    let first = true;
    setOutput("");
    playground
      .continueText(prompt, temperature, CONTINUATION_LENGTH, seed, (text) => {
        setOutput(text);
        // The first character is the first prediction the page shows.
        if (first) onPrediction();
        first = false;
      })
      .then(
        (text) => {
          setOutput(text);
          setError(null);
        },
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      );
  }, [playground, prompt, temperature, seed, onPrediction]);
  useEffect(generate, []); // eslint-disable-line react-hooks/exhaustive-deps -- one continuation on load
  return (
    <div className="panel" data-testid="playground-char-lm">
      <label className="field">
        <span>Prompt</span>
        <input value={prompt} data-testid="playground-input" onChange={(e) => setPrompt(e.target.value)} />
      </label>
      <label className="field">
        <span>Temperature {temperature.toFixed(2)} (0: always the likeliest character)</span>
        <input
          type="range"
          min={0}
          max={1.5}
          step={0.05}
          value={temperature}
          onChange={(e) => setTemperature(Number(e.target.value))}
        />
      </label>
      <button
        type="button"
        data-testid="playground-generate"
        onClick={() => {
          setSeed((s) => s + 1);
          generate();
        }}
      >
        Continue
      </button>
      {error && (
        <div className="error-text" role="alert">
          {error}
        </div>
      )}
      {output !== null && (
        <p className="prediction-text">
          <strong>{prompt}</strong>
          <span data-testid="playground-output">{output}</span>
        </p>
      )}
    </div>
  );
}

/** Column-major ink (as the model reads a line) drawn into a canvas, ink dark on white, `zoom` times larger. */
function drawPixels(canvas: HTMLCanvasElement, pixels: Float32Array, width: number, height: number): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const image = ctx.createImageData(width, height);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const v = Math.round(255 * (1 - Math.min(1, Math.max(0, pixels[x * height + y]!))));
      const at = (y * width + x) * 4;
      image.data[at] = image.data[at + 1] = image.data[at + 2] = v;
      image.data[at + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
}

/** The canvas's pixels back as column-major ink 0..1. */
function readPixels(canvas: HTMLCanvasElement, width: number, height: number): Float32Array {
  const data = canvas.getContext("2d")!.getImageData(0, 0, width, height).data;
  const pixels = new Float32Array(width * height);
  for (let x = 0; x < width; x++)
    for (let y = 0; y < height; y++) pixels[x * height + y] = 1 - data[(y * width + x) * 4]! / 255;
  return pixels;
}

function LinePanel({ playground, onPrediction }: { playground: PlaygroundHandle; onPrediction: () => void }) {
  const { width, height } = playground.image!;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [index, setIndex] = useState(0);
  const [truth, setTruth] = useState<string | null>(null);
  const [read, setRead] = useState<{ text: string; alignment: string[] } | null>(null);
  const drawing = useRef(false);
  const readCanvas = useCallback(() => {
    if (!canvas.current) return;
    void playground.readLine(readPixels(canvas.current, width, height)).then((r) => {
      setRead(r);
      onPrediction();
    });
  }, [playground, width, height, onPrediction]);
  const pick = useCallback(
    (i: number) => {
      const line = playground.testLine(i);
      if (canvas.current) drawPixels(canvas.current, line.pixels, width, height);
      setTruth(line.text);
      readCanvas();
    },
    [playground, width, height, readCanvas],
  );
  useEffect(() => pick(0), []); // eslint-disable-line react-hooks/exhaustive-deps -- the first test line once
  const clear = () => {
    const ctx = canvas.current?.getContext("2d");
    if (!ctx) return;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
    setTruth(null);
    setRead(null);
  };
  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - box.left) / box.width) * width, y: ((e.clientY - box.top) / box.height) * height };
  };
  return (
    <div className="panel" data-testid="playground-line">
      <div className="playground-toolbar">
        <label>
          Test line{" "}
          <select
            value={index}
            data-testid="playground-line-pick"
            onChange={(e) => {
              setIndex(Number(e.target.value));
              pick(Number(e.target.value));
            }}
          >
            {Array.from({ length: 20 }, (_, i) => (
              <option key={i} value={i}>
                {i + 1}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary small" onClick={clear} data-testid="playground-clear">
          Clear and draw
        </button>
        <button type="button" className="small" onClick={readCanvas} data-testid="playground-read">
          Read
        </button>
      </div>
      <div className="playground-line" style={{ aspectRatio: `${width} / ${height}` }}>
        <canvas
          ref={canvas}
          width={width}
          height={height}
          data-testid="playground-canvas"
          onPointerDown={(e) => {
            drawing.current = true;
            const ctx = e.currentTarget.getContext("2d")!;
            const p = point(e);
            ctx.beginPath();
            ctx.moveTo(p.x, p.y);
          }}
          onPointerMove={(e) => {
            if (!drawing.current) return;
            const ctx = e.currentTarget.getContext("2d")!;
            const p = point(e);
            ctx.lineWidth = Math.max(1.5, height / 12);
            ctx.lineCap = "round";
            ctx.strokeStyle = "#000";
            ctx.lineTo(p.x, p.y);
            ctx.stroke();
          }}
          onPointerUp={() => {
            drawing.current = false;
            readCanvas();
          }}
        />
        {read && <AlignmentStrip alignment={read.alignment} />}
      </div>
      {truth !== null && (
        <p>
          Truth: <code>{truth}</code>
        </p>
      )}
      {read && (
        <p>
          Read: <code data-testid="playground-output">{read.text || "∅"}</code>
        </p>
      )}
    </div>
  );
}

/** The playground page's body: loads the bundle and the weights, then the task's panel. */
export function PlaygroundView({
  runName,
  runHref,
  task,
  model,
  checkpoints,
  selected,
}: {
  runName: string;
  runHref: string;
  task: { dataset: string; datasetParams: Record<string, unknown>; seed: number };
  model: string;
  checkpoints: PlaygroundCheckpoint[];
  selected: PlaygroundCheckpoint | null;
}) {
  const [playground, setPlayground] = useState<PlaygroundHandle | null>(null);
  const [timings, setTimings] = useState<Timings | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!selected) return;
    let handle: PlaygroundHandle | null = null;
    let cancelled = false;
    (async () => {
      const bundle = await loadPlaygroundBundle();
      const bundleAt = performance.now();
      const { bytes, cached } = await readCheckpointBytes(selected);
      const weightsAt = performance.now();
      const backend = await bundle.useFastestBackend();
      handle = await bundle.createPlayground(bytes, task);
      if (cancelled) return handle.dispose();
      setTimings({ bundle: bundleAt, weights: weightsAt, firstPrediction: null, cached, backend });
      setPlayground(handle);
    })().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
      handle?.dispose();
    };
  }, [selected, task]);

  const onPrediction = useCallback(
    () => setTimings((t) => (t && t.firstPrediction === null ? { ...t, firstPrediction: performance.now() } : t)),
    [],
  );

  return (
    <>
      <p>
        <a href={runHref}>← {runName}</a>
      </p>
      <h1>Playground</h1>
      <p className="muted">
        {model} on {task.dataset}, running in this browser with TensorFlow.js
        {timings ? ` (${timings.backend})` : ""}.
      </p>
      {checkpoints.length > 1 && selected && (
        <p className="muted small">
          Checkpoint:{" "}
          {checkpoints.slice(0, 8).map((c) => (
            <a
              key={c.id}
              style={{ marginRight: 10 }}
              href={`?checkpoint=${c.id}`}
              className={c.id === selected.id ? "selected-link" : undefined}
            >
              step {c.step}
            </a>
          ))}
        </p>
      )}
      {!selected && (
        <div className="panel">This run has no checkpoint yet: one is saved at its first checkpoint step.</div>
      )}
      {error && (
        <div className="error-text" role="alert" data-testid="playground-error">
          {error}
        </div>
      )}
      {selected && !playground && !error && (
        <div className="muted">Loading the model ({(selected.size / 1024).toFixed(0)} KiB)…</div>
      )}
      {playground?.kind === "translation" && <TranslationPanel playground={playground} onPrediction={onPrediction} />}
      {playground?.kind === "char-lm" && <CharLmPanel playground={playground} onPrediction={onPrediction} />}
      {playground?.kind === "line-image" && <LinePanel playground={playground} onPrediction={onPrediction} />}
      {playground?.kind === "unsupported" && (
        <div className="panel" data-testid="playground-unsupported">
          The playground has no input for {task.dataset} yet: it takes typed dates (translation), prompts (char-lm) and
          drawn or picked lines (handwriting, spoken digits as spectrograms).
        </div>
      )}
      {timings && (
        <p
          className="muted small"
          data-testid="playground-timings"
          data-first-prediction-ms={timings.firstPrediction?.toFixed(0) ?? ""}
          data-cached={String(timings.cached)}
        >
          Script {timings.bundle.toFixed(0)} ms, weights {timings.weights.toFixed(0)} ms
          {timings.cached ? " (from the browser cache)" : ""}, first prediction{" "}
          {timings.firstPrediction === null ? "…" : `${timings.firstPrediction.toFixed(0)} ms`} after the page began
          loading.
        </p>
      )}
    </>
  );
}
