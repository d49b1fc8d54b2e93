/**
 * Longest caption for up to `maxShapes` shapes, in words: what pads the target, so it lives apart from the scene
 * generator (see `captionOf` in `scene.ts` for the sentence forms it counts).
 */
export function longestCaption(maxShapes: number): number {
  // One: 6 words. Two: 8 ("left of" is two). n >= 3: 3n nouns + (n - 1) separators + 4 ("from left to right").
  return Math.max(6, maxShapes >= 2 ? 8 : 0, maxShapes >= 3 ? 3 * maxShapes + (maxShapes - 1) + 4 : 0);
}
