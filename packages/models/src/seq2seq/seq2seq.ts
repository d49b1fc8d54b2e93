import * as tf from "@tensorflow/tfjs";
import { GruCell } from "../layers/gru-cell";
import { LstmCell } from "../layers/lstm-cell";
import type { RecurrentCell } from "../layers/recurrent-cell";
import { runSequence } from "../layers/recurrent-cell";
import type { ModelIO } from "../types";
import type { BuildOptions, ForwardOptions, SequenceModel } from "../wavenet/model-contract";
import { WeightFactory } from "../wavenet/seeded-weights";
import type { AttentionKind } from "./attention";
import { attend, attentionMaskBias, attentionScores } from "./attention";
import { Seq2SeqHyperparameters } from "./seq2seq-hyperparameters";

/** Defined in a tfjs-free file (for `@seqlab/models/catalog`); re-exported beside the builder that parses it. */
export { Seq2SeqHyperparameters } from "./seq2seq-hyperparameters";

/** Decoded sequences with the attention each emitted token paid to the input steps. */
export interface Seq2SeqDecoding {
  /** Per sample, emitted token ids without the end token. */
  tokens: number[][];
  /** Per sample, per emitted token, weights over the input steps (sum 1; 0 over padding). */
  attention: number[][][];
  /** Per sample, log-probability of the emitted tokens plus the end token when one was emitted. */
  logProbs: number[];
}

/** Options of the decoders. */
export interface DecodeOptions {
  /** Real input length per sample. Default: every step. */
  inputLengths?: Int32Array;
  /** Maximum emitted tokens (end token included). Default io.targetLength. */
  maxLength?: number;
}

/** A built encoder-decoder: the model contract plus decoders and attention introspection. */
export interface Seq2SeqModel extends SequenceModel {
  readonly hyperparameters: Seq2SeqHyperparameters;
  /** As `forward`, plus the attention weights [batch, targetSteps, inputLength] of every decoder step. */
  forwardWithAttention(inputs: tf.Tensor3D, opts: ForwardOptions): { logits: tf.Tensor3D; attention: tf.Tensor3D };
  /** Greedy decoding: the most probable token at each step, stopping at the end token. */
  greedyDecode(inputs: tf.Tensor3D, options?: DecodeOptions): Seq2SeqDecoding;
  /** Beam search (default width 4); width 1 equals greedy decoding. Ranks finished hypotheses by total log-probability. */
  beamSearchDecode(inputs: tf.Tensor3D, options?: DecodeOptions & { beamWidth?: number }): Seq2SeqDecoding;
}

/** Encoder outputs and everything the decoder reuses at every step. */
interface Memory {
  /** Encoder outputs [N, T, H]: the attention values. */
  values: tf.Tensor3D;
  /** Precomputed keys [N, T, A or H]. */
  keys: tf.Tensor3D;
  /** [N, T] additive mask. */
  maskBias: tf.Tensor2D;
}

interface DecoderState {
  cell: tf.Tensor2D[];
  /** Luong input feeding: the previous attentional hidden state h~ [N, H] (zeros at start); unused by bahdanau. */
  feed: tf.Tensor2D;
}

function makeCell(kind: "lstm" | "gru", units: number, inputSize: number, seed: number, name: string): RecurrentCell {
  return kind === "lstm"
    ? new LstmCell({ units, inputSize, seed, name })
    : new GruCell({ units, inputSize, seed, name });
}

/**
 * Builds an RNN encoder-decoder with attention for unaligned sequence-to-sequence tasks.
 *
 * Bahdanau (additive): the previous decoder state queries the encoder; the decoder reads [embedding; context];
 * logits from [state; context]. Luong (dot / general): the decoder reads [embedding; previous h~] (input feeding),
 * its new state queries the encoder, h~ = tanh(W_c [context; state]), logits from h~.
 *
 * Training uses teacher forcing when `opts.targets` is given (decoder input at step t is the target at t - 1, the
 * start token at t = 0); without targets, `forward` feeds back its own argmax. Returns [batch, targetLength,
 * outputSize] logits.
 *
 * Differs from Bahdanau et al.: unidirectional encoder, and the decoder starts from the encoder's final state
 * instead of a learned projection of the backward encoder's first state. No dropout (`training` is ignored).
 *
 * @param hp raw hyperparameters, parsed with {@link Seq2SeqHyperparameters}.
 * @param io task shapes; `specialTokens.start` (default 0) starts decoding, `specialTokens.end` (default none) stops it.
 * @param options seed (default 0).
 */
export function buildSeq2Seq(hp: unknown, io: ModelIO, options: BuildOptions = {}): Seq2SeqModel {
  const h = Seq2SeqHyperparameters.parse(hp ?? {});
  if (io.outputKind !== "classes") throw new Error("buildSeq2Seq: io.outputKind must be 'classes' (target tokens)");
  const seed = options.seed ?? 0;
  const H = h.hiddenSize;
  const V = io.outputSize;
  const E = h.embeddingSize;
  const kind: AttentionKind = h.attention;
  const start = io.specialTokens?.start ?? 0;
  const end = io.specialTokens?.end ?? -1;

  const encoder = makeCell(h.cell, H, io.inputFeatures, seed, "encoder");
  const decoder = makeCell(h.cell, H, E + H, seed + 1, "decoder");
  const w = new WeightFactory(seed);
  // U(-sqrt(3/E), sqrt(3/E)) has variance 1/E: embedded vectors start with unit expected squared norm.
  const embedding = w.uniform("decoder/embedding", [V, E], Math.sqrt(3 / E)) as tf.Variable<tf.Rank.R2>;
  const keyKernel =
    kind === "bahdanau"
      ? w.glorot("attention/key_kernel", H, h.attentionSize)
      : kind === "luong-general"
        ? w.glorot("attention/general_kernel", H, H)
        : null;
  const queryKernel = kind === "bahdanau" ? w.glorot("attention/query_kernel", H, h.attentionSize) : null;
  // PyTorch's default for a vector of fan-in A: U(-1/sqrt(A), 1/sqrt(A)).
  const v =
    kind === "bahdanau"
      ? (w.uniform("attention/v", [h.attentionSize], 1 / Math.sqrt(h.attentionSize)) as tf.Variable<tf.Rank.R1>)
      : null;
  const combine = kind === "bahdanau" ? null : w.glorot("attention/combine_kernel", 2 * H, H);
  const outKernel = w.glorot("output/kernel", kind === "bahdanau" ? 2 * H : H, V);
  const outBias = w.constant("output/bias", [V]);

  const variables = [
    ...encoder.weights.map((x) => x.variable),
    ...decoder.weights.map((x) => x.variable),
    ...w.variables,
  ];
  const variableNames = [...encoder.weights.map((x) => x.name), ...decoder.weights.map((x) => x.name), ...w.names];

  function encode(
    inputs: tf.Tensor3D,
    lengths: ArrayLike<number> | undefined,
  ): { memory: Memory; state: DecoderState } {
    const [batch, time, features] = inputs.shape;
    if (features !== io.inputFeatures)
      throw new Error(`Seq2Seq: inputs have ${features} features, expected ${io.inputFeatures}`);
    let mask: tf.Tensor3D | null = null;
    if (lengths) {
      const m = new Float32Array(time * batch);
      for (let b = 0; b < batch; b++)
        for (let t = 0; t < Math.min(time, lengths[b] as number); t++) m[t * batch + b] = 1;
      mask = tf.tensor3d(m, [time, batch, 1]);
    }
    const run = runSequence(encoder, tf.transpose(inputs, [1, 0, 2]) as tf.Tensor3D, { mask });
    const values = tf.transpose(run.outputs, [1, 0, 2]) as tf.Tensor3D;
    const keys = keyKernel
      ? (tf.reshape(tf.matMul(tf.reshape(values, [batch * time, H]), keyKernel as tf.Tensor2D), [
          batch,
          time,
          keyKernel.shape[1] as number,
        ]) as tf.Tensor3D)
      : values;
    return {
      memory: { values, keys, maskBias: attentionMaskBias(batch, time, lengths) },
      state: { cell: run.final, feed: tf.zeros([batch, H]) },
    };
  }

  /** One decoder step from the previous tokens [N]: logits [N, V], attention weights [N, T], next state. */
  function step(
    tokens: tf.Tensor1D,
    state: DecoderState,
    memory: Memory,
  ): { logits: tf.Tensor2D; weights: tf.Tensor2D; state: DecoderState } {
    // One-hot matMul instead of gather: gather's gradient (UnsortedSegmentSum) is missing on wasm.
    const embedded = tf.matMul(tf.oneHot(tokens, V).toFloat(), embedding) as tf.Tensor2D;
    const score = (q: tf.Tensor2D) =>
      attend(
        attentionScores(
          kind,
          q,
          memory.keys,
          queryKernel && v ? { queryKernel: queryKernel as tf.Tensor2D, v } : undefined,
        ),
        memory.maskBias,
        memory.values,
      );
    if (kind === "bahdanau") {
      const { weights, context } = score(state.cell[0] as tf.Tensor2D);
      const x = tf.concat([embedded, context], 1);
      const cell = decoder.step(decoder.projectInputs(x), state.cell);
      const logits = tf.add(
        tf.matMul(tf.concat([cell[0] as tf.Tensor2D, context], 1), outKernel as tf.Tensor2D),
        outBias,
      ) as tf.Tensor2D;
      return { logits, weights, state: { cell, feed: state.feed } };
    }
    const x = tf.concat([embedded, state.feed], 1);
    const cell = decoder.step(decoder.projectInputs(x), state.cell);
    const query = cell[0] as tf.Tensor2D;
    const { weights, context } = score(query);
    const attentional = tf.tanh(tf.matMul(tf.concat([context, query], 1), combine as tf.Tensor2D)) as tf.Tensor2D;
    const logits = tf.add(tf.matMul(attentional, outKernel as tf.Tensor2D), outBias) as tf.Tensor2D;
    return { logits, weights, state: { cell, feed: attentional } };
  }

  /** A decoder step outside any tidy (decoding loops): log-softmax, weights and state kept, the rest freed. */
  function decodeStep(
    tokens: number[],
    state: DecoderState,
    memory: Memory,
  ): { logProbs: tf.Tensor2D; weights: tf.Tensor2D; state: DecoderState } {
    const flat = tf.tidy(() => {
      const r = step(tf.tensor1d(tokens, "int32"), state, memory);
      return [tf.logSoftmax(r.logits), r.weights, r.state.feed, ...r.state.cell];
    });
    return {
      logProbs: flat[0] as tf.Tensor2D,
      weights: flat[1] as tf.Tensor2D,
      state: { feed: flat[2] as tf.Tensor2D, cell: flat.slice(3) as tf.Tensor2D[] },
    };
  }

  function forwardWithAttention(
    inputs: tf.Tensor3D,
    opts: ForwardOptions,
  ): { logits: tf.Tensor3D; attention: tf.Tensor3D } {
    return tf.tidy(() => {
      const batch = inputs.shape[0];
      const steps = io.targetLength;
      if (opts.targets && opts.targets.length !== batch * steps) {
        throw new Error(
          `Seq2Seq.forward: targets has ${opts.targets.length} entries, expected batch * targetLength = ${batch * steps}`,
        );
      }
      const { memory, state: initial } = encode(inputs, opts.inputLengths);
      let state = initial;
      let tokens = tf.fill([batch], start, "int32") as tf.Tensor1D;
      const logits: tf.Tensor2D[] = [];
      const attention: tf.Tensor2D[] = [];
      for (let t = 0; t < steps; t++) {
        const out = step(tokens, state, memory);
        logits.push(out.logits);
        attention.push(out.weights);
        state = out.state;
        if (t + 1 < steps) {
          if (opts.targets) {
            const next = new Int32Array(batch);
            for (let b = 0; b < batch; b++) next[b] = opts.targets[b * steps + t] as number;
            tokens = tf.tensor1d(next, "int32");
          } else {
            tokens = tf.argMax(out.logits, 1) as tf.Tensor1D;
          }
        }
      }
      return { logits: tf.stack(logits, 1) as tf.Tensor3D, attention: tf.stack(attention, 1) as tf.Tensor3D };
    });
  }

  function beamSearch(inputs: tf.Tensor3D, beamWidth: number, opts: DecodeOptions): Seq2SeqDecoding {
    if (!Number.isInteger(beamWidth) || beamWidth < 1)
      throw new Error(`beamSearchDecode: beamWidth must be an integer >= 1, got ${beamWidth}`);
    const maxLength = opts.maxLength ?? io.targetLength;
    const [batch, time, features] = inputs.shape;
    const result: Seq2SeqDecoding = { tokens: [], attention: [], logProbs: [] };
    for (let b = 0; b < batch; b++) {
      interface Hyp {
        tokens: number[];
        attention: number[][];
        logProb: number;
      }
      const finished: Hyp[] = [];
      let alive: Hyp[] = [{ tokens: [], attention: [], logProb: 0 }];
      // The encoder runs once per sample; the decoder state is reordered by parent beam with gather, and the memory
      // (identical for every beam of a sample) is tiled to the live beam count.
      const enc = tf.tidy(() => {
        const e = encode(
          tf.slice(inputs, [b, 0, 0], [1, time, features]),
          opts.inputLengths ? [opts.inputLengths[b] as number] : undefined,
        );
        return [e.memory.values, e.memory.keys, e.memory.maskBias, e.state.feed, ...e.state.cell];
      });
      const memory: Memory = {
        values: enc[0] as tf.Tensor3D,
        keys: enc[1] as tf.Tensor3D,
        maskBias: enc[2] as tf.Tensor2D,
      };
      let state: DecoderState = { feed: enc[3] as tf.Tensor2D, cell: enc.slice(4) as tf.Tensor2D[] };
      const tiled = new Map<number, Memory>([[1, memory]]);
      const memoryFor = (n: number): Memory => {
        let m = tiled.get(n);
        if (!m) {
          const flat = tf.tidy(() => {
            const zeros = tf.zeros([n], "int32") as tf.Tensor1D;
            return [tf.gather(memory.values, zeros), tf.gather(memory.keys, zeros), tf.gather(memory.maskBias, zeros)];
          });
          m = { values: flat[0] as tf.Tensor3D, keys: flat[1] as tf.Tensor3D, maskBias: flat[2] as tf.Tensor2D };
          tiled.set(n, m);
        }
        return m;
      };
      for (let t = 0; t < maxLength && alive.length > 0; t++) {
        const n = alive.length;
        const prevTokens = alive.map((x) => (x.tokens.length > 0 ? (x.tokens[x.tokens.length - 1] as number) : start));
        const out = decodeStep(prevTokens, state, memoryFor(n));
        const lp = out.logProbs.dataSync() as Float32Array;
        const wts = out.weights.dataSync() as Float32Array;
        // Top candidates over all (beam, token) pairs; ties go to the lower beam, then the lower token id, as argmax.
        const candidates: { beam: number; token: number; logProb: number }[] = [];
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < V; k++)
            candidates.push({ beam: i, token: k, logProb: (alive[i] as Hyp).logProb + (lp[i * V + k] as number) });
        }
        candidates.sort((x, y) => y.logProb - x.logProb || x.beam - y.beam || x.token - y.token);
        const nextAlive: Hyp[] = [];
        const parents: number[] = [];
        for (const c of candidates) {
          if (nextAlive.length + finished.length >= beamWidth) break;
          const parent = alive[c.beam] as Hyp;
          if (c.token === end) {
            finished.push({ tokens: parent.tokens, attention: parent.attention, logProb: c.logProb });
          } else {
            const row = Array.from(wts.subarray(c.beam * time, (c.beam + 1) * time));
            nextAlive.push({
              tokens: [...parent.tokens, c.token],
              attention: [...parent.attention, row],
              logProb: c.logProb,
            });
            parents.push(c.beam);
          }
        }
        const previous = state;
        state = tf.tidy(() => {
          const idx = tf.tensor1d(parents.length > 0 ? parents : [0], "int32");
          return { cell: out.state.cell.map((x) => tf.gather(x, idx)), feed: tf.gather(out.state.feed, idx) };
        });
        tf.dispose([out.logProbs, out.weights, ...out.state.cell, out.state.feed, ...previous.cell, previous.feed]);
        alive = nextAlive;
      }
      tf.dispose([...state.cell, state.feed]);
      for (const m of tiled.values()) tf.dispose([m.values, m.keys, m.maskBias]);
      const best = [...finished, ...alive].sort((x, y) => y.logProb - x.logProb)[0] as Hyp;
      result.tokens.push(best.tokens);
      result.attention.push(best.attention);
      result.logProbs.push(best.logProb);
    }
    return result;
  }

  function greedyDecode(inputs: tf.Tensor3D, opts: DecodeOptions = {}): Seq2SeqDecoding {
    const maxLength = opts.maxLength ?? io.targetLength;
    const [batch, time] = inputs.shape;
    const result: Seq2SeqDecoding = {
      tokens: Array.from({ length: batch }, () => []),
      attention: Array.from({ length: batch }, () => []),
      logProbs: new Array<number>(batch).fill(0),
    };
    const done = new Array<boolean>(batch).fill(false);
    const enc = tf.tidy(() => {
      const e = encode(inputs, opts.inputLengths);
      return [e.memory.values, e.memory.keys, e.memory.maskBias, e.state.feed, ...e.state.cell];
    });
    const memory: Memory = {
      values: enc[0] as tf.Tensor3D,
      keys: enc[1] as tf.Tensor3D,
      maskBias: enc[2] as tf.Tensor2D,
    };
    let state: DecoderState = { feed: enc[3] as tf.Tensor2D, cell: enc.slice(4) as tf.Tensor2D[] };
    let prev: number[] = new Array<number>(batch).fill(start);
    for (let t = 0; t < maxLength && done.some((d) => !d); t++) {
      const out = decodeStep(prev, state, memory);
      const lp = out.logProbs.dataSync() as Float32Array;
      const wts = out.weights.dataSync() as Float32Array;
      const next: number[] = [];
      for (let b = 0; b < batch; b++) {
        let best = 0;
        for (let k = 1; k < V; k++) if ((lp[b * V + k] as number) > (lp[b * V + best] as number)) best = k;
        next.push(best);
        if (done[b]) continue;
        result.logProbs[b] = (result.logProbs[b] as number) + (lp[b * V + best] as number);
        if (best === end) {
          done[b] = true;
        } else {
          result.tokens[b]?.push(best);
          result.attention[b]?.push(Array.from(wts.slice(b * time, (b + 1) * time)));
        }
      }
      tf.dispose([out.logProbs, out.weights, ...state.cell, state.feed]);
      state = out.state;
      prev = next;
    }
    tf.dispose([memory.values, memory.keys, memory.maskBias, ...state.cell, state.feed]);
    return result;
  }

  return {
    variables,
    variableNames,
    hyperparameters: h,
    forward: (inputs, opts) =>
      tf.tidy(() => {
        const { logits, attention } = forwardWithAttention(inputs, opts);
        attention.dispose();
        return logits;
      }),
    forwardWithAttention,
    greedyDecode,
    beamSearchDecode: (inputs, opts = {}) => beamSearch(inputs, opts.beamWidth ?? 4, opts),
    getConfig: () => ({ model: "seq2seq", ...h, io }),
    dispose: () => {
      for (const x of variables) x.dispose();
    },
  };
}
