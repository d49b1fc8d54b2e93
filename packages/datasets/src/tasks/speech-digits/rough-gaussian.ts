import type { Rng } from "../../random";

/**
 * An approximately standard normal draw: the centred sum of four uniforms (Irwin-Hall), scaled to unit variance.
 * Audio noise needs a bell shape, not exact tails, and this avoids Box-Muller's logarithm and cosine for each of
 * the ~20,000 samples of an utterance.
 */
export function roughGaussian(rng: Rng): number {
  return (rng.float() + rng.float() + rng.float() + rng.float() - 2) * Math.sqrt(3);
}
