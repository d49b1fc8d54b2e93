"use client";

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";
import type { XAxisMode } from "../lib/chart-math";

/** What every chart of a group shares, set from the toolbar. */
export interface ChartSettings {
  /** Debiased EMA weight, 0 (off) to 0.99. Default 0. */
  smoothing: number;
  /** Logarithmic y axis (non-positive values are dropped). Default false. */
  logY: boolean;
  /** What the x axis measures. Default "step". */
  xAxis: XAxisMode;
}

/** An x range in the units the x axis shows: steps, seconds since the epoch (wall) or seconds since start (relative). */
export interface XRange {
  min: number;
  max: number;
}

/** What a chart reads from its group (see {@link useChartGroup}). */
export interface ChartGroupState {
  settings: ChartSettings;
  /** Changes some settings; a new x axis clears the zoom, whose range was in the old axis' units. */
  updateSettings: (patch: Partial<ChartSettings>) => void;
  /** The x range every chart of the group shows; null shows all the data. */
  zoom: XRange | null;
  setZoom: (range: XRange | null) => void;
  /** uPlot cursor-sync key, unique per group, so two groups on a page move their cursors apart. */
  syncKey: string;
}

/** The settings of a chart with no group, and of a group before the toolbar changes them. */
export const DEFAULT_CHART_SETTINGS: ChartSettings = { smoothing: 0, logY: false, xAxis: "step" };

/** The slider's top: 0.99 as in W&B; debiasedEma would accept up to 0.999. */
const MAX_SMOOTHING = 0.99;

const ChartGroupContext = createContext<ChartGroupState | null>(null);

/** The group a chart is in, or null for a chart on its own (which then uses the defaults and zooms alone). */
export function useChartGroup(): ChartGroupState | null {
  return useContext(ChartGroupContext);
}

/**
 * Charts that share settings, zoom and cursor: a drag-select on one zooms them all, and the toolbar inside changes
 * them all. `initial` is read on the first render only. `onZoomChange` hears every change of the shared x range
 * (null: zoom reset), with the x axis whose units it is in, so a parent can fetch finer data for that window.
 */
export function ChartGroup({
  children,
  initial,
  onZoomChange,
}: {
  children: ReactNode;
  initial?: Partial<ChartSettings>;
  onZoomChange?: (range: XRange | null, xAxis: XAxisMode) => void;
}) {
  const [settings, setSettings] = useState<ChartSettings>(() => ({ ...DEFAULT_CHART_SETTINGS, ...initial }));
  const [zoom, setZoomState] = useState<XRange | null>(null);
  // Mirrors of the state for the callbacks below, so they stay stable (charts keep them in uPlot hooks).
  const latest = useRef({ settings, zoom, onZoomChange });
  useEffect(() => {
    latest.current.onZoomChange = onZoomChange;
  });
  const syncKey = `seqlab-charts${useId()}`;

  const setZoom = useCallback((range: XRange | null) => {
    const c = latest.current;
    if (range === c.zoom || (range && c.zoom && range.min === c.zoom.min && range.max === c.zoom.max)) return;
    c.zoom = range;
    setZoomState(range);
    c.onZoomChange?.(range, c.settings.xAxis);
  }, []);

  const updateSettings = useCallback(
    (patch: Partial<ChartSettings>) => {
      const c = latest.current;
      const next = { ...c.settings, ...patch };
      const axisChanged = next.xAxis !== c.settings.xAxis;
      c.settings = next;
      setSettings(next);
      if (axisChanged) setZoom(null);
    },
    [setZoom],
  );

  const value = useMemo(
    () => ({ settings, updateSettings, zoom, setZoom, syncKey }),
    [settings, updateSettings, zoom, setZoom, syncKey],
  );
  return <ChartGroupContext.Provider value={value}>{children}</ChartGroupContext.Provider>;
}

/** How each x axis is named, in the toolbar and under the charts. */
export const X_AXIS_NAMES: Record<XAxisMode, string> = { step: "Step", wall: "Wall time", relative: "Relative time" };

/** The group's controls: smoothing, log y, x axis and reset zoom. Must sit inside a {@link ChartGroup}. */
export function ChartToolbar() {
  const group = useChartGroup();
  if (!group) throw new Error("ChartToolbar must be rendered inside a ChartGroup.");
  const { settings, updateSettings, zoom, setZoom } = group;
  return (
    <div className="chart-toolbar" role="toolbar" aria-label="Chart settings">
      <label>
        Smoothing
        <input
          type="range"
          min={0}
          max={MAX_SMOOTHING}
          step={0.01}
          value={settings.smoothing}
          onChange={(e) => updateSettings({ smoothing: Number(e.target.value) })}
          data-testid="chart-smoothing"
        />
        <output className="chart-smoothing-value">{settings.smoothing.toFixed(2)}</output>
      </label>
      <label>
        <input
          type="checkbox"
          checked={settings.logY}
          onChange={(e) => updateSettings({ logY: e.target.checked })}
          data-testid="chart-logy"
        />
        log y
      </label>
      <label>
        X axis
        <select
          value={settings.xAxis}
          onChange={(e) => updateSettings({ xAxis: e.target.value as XAxisMode })}
          data-testid="chart-xaxis"
        >
          {(Object.keys(X_AXIS_NAMES) as XAxisMode[]).map((mode) => (
            <option key={mode} value={mode}>
              {X_AXIS_NAMES[mode]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="secondary chart-button"
        disabled={!zoom}
        onClick={() => setZoom(null)}
        data-testid="chart-reset-zoom"
      >
        Reset zoom
      </button>
    </div>
  );
}
