"use client";

import { useEffect, useMemo, useRef, useState, type PointerEvent } from "react";
import type { GradientFlow } from "@seqlab/contracts";
import {
  buildHeatmap,
  cellAt,
  formatLog10,
  formatNorm,
  indexTicks,
  rampGradientCss,
  type Heatmap,
  type HeatmapScale,
} from "../lib/evaluation-view";

/** Room around the cells, in CSS pixels: tick labels left of and below the plot. */
const MARGIN = { left: 56, right: 8, top: 4, bottom: 20 };
/** Narrowest plot in CSS pixels, as for the metric charts: narrower, the x tick labels collide. */
const MIN_WIDTH = 300;
/** Height of one snapshot's row in CSS pixels: enough to hover a row, with the plot's height kept within bounds. */
const ROW_PX = 8;
/** Plot height bounds in CSS pixels: a few snapshots still make a readable block, many do not push the page. */
const MIN_PLOT_HEIGHT = 120;
const MAX_PLOT_HEIGHT = 360;
/** CSS pixels per tick label on x (about a five-digit step) and y (one text line with spacing). */
const X_TICK_PX = 56;
const Y_TICK_PX = 20;
/** Tick label colour and font: globals.css `--muted` and the page's small text. */
const TICK_COLOR = "#6b7080";
const TICK_FONT = "11px system-ui, sans-serif";

/** The cell the pointer is over. */
interface Hover {
  row: number;
  column: number;
}

/** Draws the heatmap's cells and tick labels onto the canvas, at the device's pixel ratio. */
function drawHeatmap(canvas: HTMLCanvasElement, heatmap: Heatmap, cssWidth: number, cssHeight: number) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(cssWidth * ratio);
  canvas.height = Math.round(cssHeight * ratio);
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  const plotWidth = cssWidth - MARGIN.left - MARGIN.right;
  const plotHeight = cssHeight - MARGIN.top - MARGIN.bottom;
  if (heatmap.rows === 0 || heatmap.columns === 0) return;

  // One pixel per cell on a scratch canvas, then scaled into the plot: crisp blocks when cells are larger than a
  // pixel, smoothed when there are more cells than pixels (so a long sequence averages instead of dropping columns).
  const cells = document.createElement("canvas");
  cells.width = heatmap.columns;
  cells.height = heatmap.rows;
  cells.getContext("2d")?.putImageData(new ImageData(heatmap.rgba, heatmap.columns, heatmap.rows), 0, 0);
  ctx.imageSmoothingEnabled = heatmap.columns > plotWidth * ratio || heatmap.rows > plotHeight * ratio;
  ctx.drawImage(cells, MARGIN.left, MARGIN.top, plotWidth, plotHeight);

  ctx.fillStyle = TICK_COLOR;
  ctx.font = TICK_FONT;
  const columnWidth = plotWidth / heatmap.columns;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of indexTicks(heatmap.columns, Math.max(1, Math.floor(plotWidth / X_TICK_PX)))) {
    ctx.fillText(String(t), MARGIN.left + (t + 0.5) * columnWidth, MARGIN.top + plotHeight + 4);
  }
  const rowHeight = plotHeight / heatmap.rows;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const row of indexTicks(heatmap.rows, Math.max(1, Math.floor(plotHeight / Y_TICK_PX)))) {
    ctx.fillText(String(heatmap.steps[row] ?? ""), MARGIN.left - 6, MARGIN.top + (row + 0.5) * rowHeight);
  }
}

/**
 * The run's gradient flow as a heatmap: x = input time step, y = the training step of each snapshot (oldest at
 * the top), colour = log10 of the norm of d(loss)/d(input at t) on a viridis ramp, spanning the whole run (the
 * default: shows the flow changing as training goes on) or each row (shows every row's shape). Hovering a cell
 * reads out its norm.
 */
export function GradientFlowPanel({ flow }: { flow: GradientFlow }) {
  const [scale, setScale] = useState<HeatmapScale>("global");
  const [hover, setHover] = useState<Hover | null>(null);
  const [width, setWidth] = useState(0);
  const heatmap = useMemo(() => buildHeatmap(flow, scale), [flow, scale]);
  const container = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const cssHeight =
    Math.min(Math.max(heatmap.rows * ROW_PX, MIN_PLOT_HEIGHT), MAX_PLOT_HEIGHT) + MARGIN.top + MARGIN.bottom;

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(MIN_WIDTH, Math.floor(el.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (canvas.current && width > 0) drawHeatmap(canvas.current, heatmap, width, cssHeight);
  }, [heatmap, width, cssHeight]);

  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const plotWidth = box.width - MARGIN.left - MARGIN.right;
    const plotHeight = box.height - MARGIN.top - MARGIN.bottom;
    setHover(
      cellAt(
        (event.clientX - box.left - MARGIN.left) / plotWidth,
        (event.clientY - box.top - MARGIN.top) / plotHeight,
        heatmap,
      ),
    );
  };

  const hovered = hover ? flow.snapshots[hover.row] : undefined;
  const hoveredNorm = hover ? hovered?.norms[hover.column] : undefined;
  const readout =
    hover && hovered && hoveredNorm !== undefined
      ? `training step ${hovered.step}, input time step ${hover.column}: norm ${formatNorm(hoveredNorm)}`
      : "Point at a cell for its norm.";
  const range = heatmap.range;

  return (
    <div className="panel" data-testid="gradient-flow">
      <div className="row" style={{ justifyContent: "space-between", alignItems: "baseline" }}>
        <h2 className="panel-title">Gradient flow</h2>
        <div className="segmented" role="group" aria-label="Colour scale">
          {(["global", "row"] as const).map((option) => (
            <button
              key={option}
              type="button"
              className={scale === option ? "chart-button" : "secondary chart-button"}
              aria-pressed={scale === option}
              onClick={() => setScale(option)}
              data-testid={`gradient-flow-scale-${option}`}
            >
              {option === "global" ? "One scale" : "Per row"}
            </button>
          ))}
        </div>
      </div>
      <p className="muted gradient-flow-caption">
        Each row is one evaluation&apos;s norm of d(loss)/d(input at time step t): vanishing gradients show as colours
        that fade towards the early time steps on the left, where the loss barely depends on early inputs, while a model
        that carries information across the sequence stays bright along the whole row.
      </p>
      <div className="heatmap-frame">
        <div className="heatmap-y-label">training step</div>
        <div ref={container} className="heatmap-plot">
          <canvas
            ref={canvas}
            role="img"
            aria-label={`Gradient flow heatmap: ${heatmap.rows} snapshots over ${heatmap.columns} input time steps`}
            data-snapshots={heatmap.rows}
            data-time-steps={heatmap.columns}
            data-scale={scale}
            onPointerMove={onPointerMove}
            onPointerLeave={() => setHover(null)}
          />
          <div className="heatmap-x-label" style={{ paddingLeft: MARGIN.left }}>
            input time step
          </div>
        </div>
      </div>
      <div className="heatmap-legend" data-testid="gradient-flow-legend">
        <span>{scale === "global" ? (range ? formatLog10(range.min) : "-") : "row min"}</span>
        <span className="heatmap-ramp" style={{ background: rampGradientCss() }} />
        <span>{scale === "global" ? (range ? formatLog10(range.max) : "-") : "row max"}</span>
        <span className="muted">
          log10 of the norm
          {scale === "row" && range
            ? ` (each row on its own scale; the run spans ${formatLog10(range.min)} to ${formatLog10(range.max)})`
            : ""}
          {heatmap.zeroCells > 0 ? "; a norm of 0 is drawn as the lowest colour" : ""}
        </span>
      </div>
      <p className="muted" data-testid="gradient-flow-readout">
        {readout}
      </p>
    </div>
  );
}
