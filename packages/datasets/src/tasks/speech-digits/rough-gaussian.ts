import type { Rng } from "../../random";

// Module-scope copies of Math members: inside vm contexts (Jest) every global lookup goes through an
// interceptor, which made these hot loops several times slower.
const { sqrt } = Math;

/**
 * An approximately standard normal draw: the centred sum of four uniforms (Irwin-Hall), scaled to unit variance.
 * Audio noise needs a bell shape, not exact tails, and this avoids Box-Muller's logarithm and cosine for each of
 * the ~20,000 samples of an utterance.
 */
export function roughGaussian(rng: Rng): number {
  return (rng.float() + rng.float() + rng.float() + rng.float() - 2) * sqrt(3);
}
