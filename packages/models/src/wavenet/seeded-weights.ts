import * as tf from "@tensorflow/tfjs";

/**
 * Seeded weight creation in plain JS (mulberry32 stream), so initial weights are a pure function of the seed on
 * every backend; tfjs's own seeded initialisers differ between backends.
 */
export class WeightFactory {
  private state: number;
  readonly variables: tf.Variable[] = [];
  readonly names: string[] = [];

  constructor(seed: number) {
    // Mixed with a constant so seed 0 does not start the stream at state 0.
    this.state = (Math.imul(seed >>> 0, 0x9e3779b1) ^ 0x85ebca6b) >>> 0;
  }

  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Glorot-uniform [fanIn, fanOut] kernel for `x @ W` (im2col kernels: fanIn = taps x channels), times `scale` (default 1). */
  glorot(name: string, fanIn: number, fanOut: number, scale = 1): tf.Variable {
    const limit = scale * Math.sqrt(6 / (fanIn + fanOut));
    const data = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < data.length; i++) data[i] = (this.next() * 2 - 1) * limit;
    return this.add(name, tf.tensor2d(data, [fanIn, fanOut]));
  }

  /** Uniform(-limit, limit) tensor of any shape (PyTorch's recurrent init uses 1/sqrt(hidden)). */
  uniform(name: string, shape: number[], limit: number): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = (this.next() * 2 - 1) * limit;
    return this.add(name, tf.tensor(data, shape));
  }

  /** Constant-filled tensor (biases). */
  constant(name: string, shape: number[], value = 0): tf.Variable {
    return this.add(name, tf.fill(shape, value));
  }

  private add(name: string, init: tf.Tensor): tf.Variable {
    const v = tf.variable(init, true);
    init.dispose();
    this.variables.push(v);
    this.names.push(name);
    return v;
  }
}
