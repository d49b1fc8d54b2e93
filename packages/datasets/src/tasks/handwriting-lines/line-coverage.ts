/**
 * Output steps whose receptive fields reach into the first `extent` pixels of a `width`-pixel line, if the model
 * spreads `outputSteps` steps evenly over the width (as a strided CNN does). Pure geometry, shared by the params
 * check and the renderer's overlap cap.
 */
export function stepsCovering(extent: number, width: number, outputSteps: number): number {
  return Math.ceil((extent * outputSteps) / width);
}

/**
 * Pixels from the line's left edge to the centre of the last of `length` character cells: the ink a model must
 * see to emit the last character. Cells are `cell` wide and start every `pitch` pixels.
 */
export function textExtent(length: number, pitch: number, cell: number): number {
  return length === 0 ? 0 : (length - 1) * pitch + Math.ceil(cell / 2);
}
