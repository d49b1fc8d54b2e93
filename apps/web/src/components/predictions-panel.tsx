"use client";

import { useEffect, useState } from "react";
import type { AttentionMap, PredictionInputs, PredictionSample, PredictionsSnapshot } from "@seqlab/contracts";
import {
  alignmentSegments,
  attentionColor,
  nearestStepIndex,
  polylinePoints,
  valueRange,
} from "../lib/predictions-view";

/** GET /api/runs/:id/predictions: the logged steps, the inputs (stored once) and one step's snapshot. */
export interface PredictionsAnswer {
  steps: number[];
  inputs: PredictionInputs["samples"];
  snapshot: PredictionsSnapshot | null;
}

type InputOf = PredictionInputs["samples"][number];

/** The CTC alignment under an image: one cell per run of equal frames over the image's width, blanks dimmed. */
export function AlignmentStrip({ alignment }: { alignment: readonly string[] }) {
  const frames = alignment.length;
  if (frames === 0) return null;
  return (
    <div className="alignment-strip" data-testid="alignment" title="CTC alignment: the argmax label of each frame">
      {alignmentSegments(alignment).map((s) => (
        <span
          key={s.start}
          className={s.label === "" ? "blank" : undefined}
          style={{ left: `${(100 * s.start) / frames}%`, width: `${(100 * (s.end - s.start)) / frames}%` }}
        >
          {s.label}
        </span>
      ))}
    </div>
  );
}

/** The image with the CTC alignment under it. */
function AlignedImage({ png, alignment }: { png: string; alignment: readonly string[] | undefined }) {
  return (
    <div className={alignment ? "prediction-image aligned" : "prediction-image"}>
      <img src={`data:image/png;base64,${png}`} alt="model input" />
      {alignment && <AlignmentStrip alignment={alignment} />}
    </div>
  );
}

/** Attention of each output token (rows) over the source steps (columns), as a grid of shaded cells. */
export function AttentionGrid({ map }: { map: AttentionMap }) {
  const cell = 14;
  const labelWidth = 22;
  const width = labelWidth + map.cols * cell;
  const height = 16 + map.rows * cell;
  return (
    <svg
      className="attention-map"
      data-testid="attention-map"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label="attention: output tokens against source characters"
    >
      {map.colLabels.map((label, c) => (
        <text key={`c${c}`} x={labelWidth + c * cell + cell / 2} y={11} textAnchor="middle" fontSize={10}>
          {label}
        </text>
      ))}
      {map.rowLabels.map((label, r) => (
        <text key={`r${r}`} x={labelWidth - 4} y={16 + r * cell + 10} textAnchor="end" fontSize={10}>
          {label}
        </text>
      ))}
      {Array.from({ length: map.rows }, (_, r) =>
        Array.from({ length: map.cols }, (_, c) => (
          <rect
            key={`${r}-${c}`}
            x={labelWidth + c * cell}
            y={16 + r * cell}
            width={cell - 1}
            height={cell - 1}
            fill={attentionColor(map.values[r * map.cols + c] ?? 0)}
          >
            <title>{`${map.rowLabels[r] ?? r} ← ${map.colLabels[c] ?? c}: ${(map.values[r * map.cols + c] ?? 0).toFixed(3)}`}</title>
          </rect>
        )),
      )}
    </svg>
  );
}

/**
 * The input window, then the truth and the forecast after it, on one scale. The forecast window gets at least a
 * fifth of the width, and its values are dots as well as lines, so a one-step forecast is visible too.
 */
function ForecastPlot({ history, truth, prediction }: { history: number[]; truth: number[]; prediction: number[] }) {
  const box = { width: 280, height: 70 };
  const ahead = Math.max(truth.length, Math.ceil(history.length / 4));
  const length = history.length + ahead;
  const range = valueRange(history, truth, prediction);
  const joinAt = history.length > 0 ? history.length - 1 : 0;
  const last = history.length > 0 ? [history[history.length - 1]!] : [];
  const dots = (values: number[], color: string) =>
    polylinePoints(values, history.length, length, range, box)
      .split(" ")
      .filter(Boolean)
      .map((xy) => {
        const [x, y] = xy.split(",").map(Number);
        return <circle key={`${color}${xy}`} cx={x} cy={y} r={3} fill={color} />;
      });
  return (
    <svg
      className="forecast-plot"
      data-testid="forecast"
      width={box.width}
      height={box.height}
      viewBox={`-4 -4 ${box.width + 8} ${box.height + 8}`}
      role="img"
      aria-label="the input window, then the truth (black) and the forecast (blue)"
    >
      <polyline
        points={polylinePoints(history, 0, length, range, box)}
        fill="none"
        stroke="#8a8f9c"
        strokeWidth={1.2}
      />
      <polyline
        points={polylinePoints([...last, ...truth], joinAt, length, range, box)}
        fill="none"
        stroke="#1b1e24"
        strokeWidth={1.5}
      />
      <polyline
        points={polylinePoints([...last, ...prediction], joinAt, length, range, box)}
        fill="none"
        stroke="#2552c4"
        strokeWidth={1.5}
        strokeDasharray="4 2"
      />
      {dots(truth, "#1b1e24")}
      {dots(prediction, "#2552c4")}
    </svg>
  );
}

function scoreText(score: PredictionSample["score"]): string | null {
  if (!score) return null;
  const label = score.key === "cer" ? "CER" : score.key === "mse" ? "squared error" : score.key;
  return `${label} ${score.value.toFixed(3)}`;
}

function SampleCard({ sample, input }: { sample: PredictionSample; input: InputOf | undefined }) {
  const score = scoreText(sample.score);
  // A CTC sample's target reads "074 (zero seven four)": its CER says whether the decoding is right.
  // Regression predictions are never exactly right: they are not coloured, their squared error says how close.
  const verdict = sample.forecast
    ? ""
    : (sample.beam ? (sample.score?.value ?? 1) > 0 : sample.prediction !== sample.target)
      ? "wrong"
      : "right";
  return (
    // A line image or spectrogram is many times wider than tall: its card spans two columns, so the text is legible.
    <div
      className={sample.alignment ? "prediction-card wide" : "prediction-card"}
      data-testid="prediction-sample"
      data-index={sample.index}
    >
      {input?.pngBase64 && <AlignedImage png={input.pngBase64} alignment={sample.alignment} />}
      {input?.text && !input.pngBase64 && (
        <div className="prediction-row">
          <span className="muted">input</span> <code className="prediction-text">{input.text}</code>
        </div>
      )}
      {sample.forecast && input?.series && (
        <ForecastPlot history={input.series} truth={sample.forecast.truth} prediction={sample.forecast.prediction} />
      )}
      <div className="prediction-row">
        <span className="muted">truth</span> <code className="prediction-text">{sample.target}</code>
      </div>
      <div className="prediction-row">
        <span className="muted">{sample.beam ? "greedy" : "predicted"}</span>{" "}
        <code className={`prediction-text ${verdict}`} data-testid="prediction-text">
          {sample.prediction || "∅"}
        </code>
        {score && <span className="muted"> · {score}</span>}
      </div>
      {sample.beam && (
        <div className="prediction-row">
          <span className="muted">beam</span>{" "}
          <code className={`prediction-text ${sample.beam.cer > 0 ? "wrong" : "right"}`}>
            {sample.beam.text || "∅"}
          </code>
          <span className="muted"> · CER {sample.beam.cer.toFixed(3)}</span>
        </div>
      )}
      {sample.attention && <AttentionGrid map={sample.attention} />}
      {sample.continuations?.map((c) => (
        <div key={c.temperature} className="prediction-row" data-testid="continuation">
          <span className="muted">T={c.temperature}</span>{" "}
          <code className="prediction-text">
            <strong>{c.prompt}</strong>
            {c.text}
          </code>
        </div>
      ))}
    </div>
  );
}

/**
 * The Predictions panel (W&B's media panels): the same validation samples at each logged evaluation, with a step
 * slider. Fetches the list of steps and the latest snapshot, then one snapshot per slider position; `refreshKey`
 * changing (a new evaluation, the run ending) fetches the list again.
 */
export function PredictionsPanel({ runId, refreshKey }: { runId: string; refreshKey: string }) {
  const [answer, setAnswer] = useState<PredictionsAnswer | null>(null);
  const [wanted, setWanted] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const query = wanted === null ? "" : `?step=${wanted}`;
    fetch(`/api/runs/${runId}/predictions${query}`, { signal: controller.signal })
      .then(async (r) => {
        if (!r.ok) throw new Error(`predictions: ${r.status}`);
        setAnswer((await r.json()) as PredictionsAnswer);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => controller.abort();
  }, [runId, wanted, refreshKey]);

  if (error) return <div className="muted">Predictions could not be loaded ({error}).</div>;
  if (!answer || answer.steps.length === 0 || !answer.snapshot) {
    return <div className="muted">Predictions on 16 validation samples appear at the first evaluation.</div>;
  }
  const index = nearestStepIndex(answer.steps, answer.snapshot.step);
  const inputs = new Map(answer.inputs.map((i) => [i.index, i]));
  return (
    <div data-testid="predictions" data-step={answer.snapshot.step}>
      <div className="prediction-slider">
        <label>
          Step <strong data-testid="predictions-step">{answer.snapshot.step}</strong>{" "}
          <span className="muted">
            ({index + 1} of {answer.steps.length} evaluations)
          </span>
          <input
            type="range"
            min={0}
            max={answer.steps.length - 1}
            value={index}
            data-testid="predictions-slider"
            aria-label="evaluation step"
            onChange={(e) => setWanted(answer.steps[Number(e.target.value)] ?? null)}
          />
        </label>
      </div>
      <div className="prediction-grid">
        {answer.snapshot.samples.map((sample) => (
          <SampleCard key={sample.index} sample={sample} input={inputs.get(sample.index)} />
        ))}
      </div>
    </div>
  );
}
