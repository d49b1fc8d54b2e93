import type { Rng } from "../../random";
import type { CaptionWord } from "./caption-vocabulary";

export { longestCaption } from "./caption-length";

/** Shapes a scene may hold. */
export const SHAPE_KINDS = ["circle", "square", "triangle"] as const;
/** A shape's kind. */
export type ShapeKind = (typeof SHAPE_KINDS)[number];
/** Colours a shape may have, with their nominal RGB. */
export const SHAPE_COLOURS = {
  red: [220, 40, 40],
  green: [40, 190, 60],
  blue: [50, 80, 230],
  yellow: [235, 220, 50],
} as const satisfies Record<string, readonly [number, number, number]>;
/** A shape's colour name. */
export type ShapeColour = keyof typeof SHAPE_COLOURS;
const COLOUR_NAMES = Object.keys(SHAPE_COLOURS) as ShapeColour[];

/** One shape, in pixel units of a `size` x `size` image. */
export interface Shape {
  kind: ShapeKind;
  colour: ShapeColour;
  /** Centre, in pixels. */
  x: number;
  y: number;
  /** Half the shape's extent, in pixels. */
  radius: number;
  /** Per-channel offset from the nominal colour (lighting and paint vary), each in [-25, 25]. */
  tint: [number, number, number];
}

/** A scene and the one caption that describes it. */
export interface Scene {
  size: number;
  shapes: Shape[];
  /** Where a lone shape is ("left", "right", "top", "bottom", "middle"); how several are arranged ("row", "column"). */
  layout: "left" | "right" | "top" | "bottom" | "middle" | "row" | "column";
  caption: CaptionWord[];
}

/** Where a lone shape may stand, and the phrase that says so. */
const SINGLE_PLACES = {
  left: ["on", "the", "left"],
  right: ["on", "the", "right"],
  top: ["at", "the", "top"],
  bottom: ["at", "the", "bottom"],
  middle: ["in", "the", "middle"],
} as const satisfies Record<string, readonly CaptionWord[]>;
type SinglePlace = keyof typeof SINGLE_PLACES;
const PLACE_NAMES = Object.keys(SINGLE_PLACES) as SinglePlace[];

function noun(shape: Shape): CaptionWord[] {
  return ["a", shape.colour, shape.kind];
}

/**
 * The canonical caption of a scene. There is exactly one per scene, so exact match is a fair metric: a row is
 * always described left to right ("left of"), a column top to bottom ("above").
 * - one shape: "a red circle on the left" (left, right, at the top, at the bottom, in the middle)
 * - two: "a red circle left of a blue square" / "a red circle above a blue square"
 * - three: "a red circle , a blue square and a green triangle from left to right" (or "from top to bottom")
 */
export function captionOf(shapes: readonly Shape[], layout: Scene["layout"]): CaptionWord[] {
  if (shapes.length === 1) {
    if (layout === "row" || layout === "column") throw new Error("a single shape needs a place, not a row or column");
    return [...noun(shapes[0]!), ...SINGLE_PLACES[layout]];
  }
  const horizontal = layout === "row";
  if (shapes.length === 2) {
    return [
      ...noun(shapes[0]!),
      ...(horizontal ? (["left", "of"] as const) : (["above"] as const)),
      ...noun(shapes[1]!),
    ];
  }
  const words: CaptionWord[] = [];
  shapes.forEach((shape, i) => {
    if (i > 0) words.push(i === shapes.length - 1 ? "and" : ",");
    words.push(...noun(shape));
  });
  words.push("from", ...(horizontal ? (["left", "to", "right"] as const) : (["top", "to", "bottom"] as const)));
  return words;
}

/**
 * A random scene of `count` shapes on a `size` x `size` image: a lone shape in one of five places; several in a row
 * or a column, in separate slots so they never overlap and their order is unambiguous.
 */
export function drawScene(rng: Rng, size: number, count: number): Scene {
  const shapes: Shape[] = [];
  const newShape = (x: number, y: number, radius: number): Shape => ({
    kind: rng.pick(SHAPE_KINDS),
    colour: rng.pick(COLOUR_NAMES),
    x,
    y,
    radius,
    tint: [rng.int(-25, 26), rng.int(-25, 26), rng.int(-25, 26)],
  });
  if (count === 1) {
    const place = rng.pick(PLACE_NAMES);
    const radius = size * rng.uniform(0.13, 0.2);
    // Place centres sit well inside their region; the middle region is small so it is never mistaken for a side.
    const along = () => size * rng.uniform(0.4, 0.6);
    const near = () => size * rng.uniform(0.2, 0.27);
    const far = () => size * rng.uniform(0.73, 0.8);
    const [x, y] =
      place === "left"
        ? [near(), along()]
        : place === "right"
          ? [far(), along()]
          : place === "top"
            ? [along(), near()]
            : place === "bottom"
              ? [along(), far()]
              : [size * rng.uniform(0.45, 0.55), size * rng.uniform(0.45, 0.55)];
    shapes.push(newShape(x, y, radius));
    return { size, shapes, layout: place, caption: captionOf(shapes, place) };
  }
  const layout = rng.bool() ? "row" : "column";
  const slot = size / count;
  const radius = () => slot * rng.uniform(0.3, 0.42);
  const across = size * rng.uniform(0.3, 0.7);
  for (let i = 0; i < count; i++) {
    const along = slot * (i + 0.5) + slot * rng.uniform(-0.06, 0.06);
    // Shapes share roughly one line across the slots, with a little scatter, as people arrange objects.
    const other = Math.min(size * 0.8, Math.max(size * 0.2, across + size * rng.uniform(-0.08, 0.08)));
    shapes.push(layout === "row" ? newShape(along, other, radius()) : newShape(other, along, radius()));
  }
  return { size, shapes, layout, caption: captionOf(shapes, layout) };
}

/**
 * Content key of a scene for split assignment: the caption plus every shape's geometry and tint rounded to whole
 * pixels and units, so two scenes with the same key render to near-identical images.
 */
export function sceneKey(scene: Scene): string {
  const shapes = scene.shapes.map(
    (s) => `${s.kind}:${s.colour}:${Math.round(s.x)},${Math.round(s.y)},${Math.round(s.radius)}:${s.tint.join(",")}`,
  );
  return `${scene.size}|${scene.caption.join(" ")}|${shapes.join(";")}`;
}
