import type { z } from "zod";
import type { Batch, HeadKind, ModelOutput, ProblemType, TaskSpec } from "@seqlab/contracts";

export type { HeadKind, ModelOutput, ProblemType };
/** What a model is built for: the task's spec (one shape, shared through @seqlab/contracts). */
export type ModelIO = TaskSpec;
/** What a model trains on: a task's batch. */
export type TrainingBatch = Batch;

/** Optimiser settings shared by every model. */
export interface OptimizerConfig {
  name: "adam" | "sgd" | "rmsprop";
  learningRate: number;
  /** Global-norm gradient clipping; 0 disables it. */
  clipNorm: number;
}

/** A model's definition: name, zod hyperparameter schema (defaults and bounds), description; no builder, no tfjs. */
export interface ModelDefinition<H extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  /** Heads this architecture can drive; the worker matches them against the task's heads. */
  heads: HeadKind[];
  hyperparameters: H;
  /** Has a recurrence through time (the worker logs gradient flow over time steps for these). */
  recurrent: boolean;
}

export interface StepResult {
  /** Mean loss of the batch (the value the optimiser minimised). */
  loss: number;
}

/** Everything needed to continue training exactly: serialised by `Trainer.saveCheckpoint`. */
export interface CheckpointMeta {
  format: "seqlab-checkpoint";
  version: 1;
  model: string;
  hyperparameters: Record<string, unknown>;
  io: ModelIO;
  optimizer: OptimizerConfig;
  seed: number;
  /** Optimiser steps taken so far. */
  step: number;
  /** Opaque state owned by the caller (data-iterator position, RNG state, ...), stored verbatim. */
  extra?: Record<string, unknown>;
}

export interface TrainerOptions {
  model: string;
  /** Raw hyperparameters: parsed with the model's zod schema (defaults applied, bad values rejected). */
  hyperparameters: unknown;
  io: ModelIO;
  optimizer: OptimizerConfig;
  /** Seeds weight initialisation (and dropout), so the same seed gives the same initial weights. */
  seed: number;
}

/** Trains one model. Owns its tensors: call `dispose()` when done. */
export interface Trainer {
  readonly model: string;
  readonly hyperparameters: Record<string, unknown>;
  readonly io: ModelIO;
  /** Optimiser steps taken so far. */
  readonly step: number;
  /** Number of trainable parameters. */
  readonly parameterCount: number;
  /** One optimiser step on a batch. */
  trainStep(batch: TrainingBatch): Promise<StepResult>;
  /** Loss and raw output on a batch without updating weights (dropout off). */
  evaluate(batch: TrainingBatch): Promise<{ loss: number; output: ModelOutput }>;
  /** Raw output (regression values or class logits) for a batch. */
  predict(batch: TrainingBatch): Promise<ModelOutput>;
  /**
   * Gradient flow: for each input time step t, the L2 norm of d(loss)/d(input_t), averaged over the batch (dropout
   * off, weights unchanged). On a task whose answer depends on early inputs, a vanilla RNN's norms fall by orders
   * of magnitude towards t = 0 (vanishing gradients); an LSTM's stay within a few.
   */
  inputGradientNorms(batch: TrainingBatch): Promise<Float32Array>;
  /**
   * Attention models only (null for the rest): `predict`'s output plus the attention weights over the input steps
   * of every output step, [B, targetLength, inputLength].
   */
  predictWithAttention(
    batch: TrainingBatch,
  ): Promise<{ output: ModelOutput; attention: { values: Float32Array; shape: [number, number, number] } } | null>;
  /** Weights, optimiser state, config, step and `extra` as one byte array. */
  saveCheckpoint(extra?: Record<string, unknown>): Promise<Uint8Array>;
  dispose(): void;
}

/** A Trainer as `createTrainer` returns it: the head it trains and, for one-to-many models, sampling. */
export interface SequenceTrainer extends Trainer {
  /** The head being trained: the first of `io.heads` that the model supports. */
  readonly head: HeadKind;
  /**
   * Generation heads only: samples `steps` tokens per conditioning vector (row-major [B, conditioningSize]) at
   * `temperature` (0 = greedy). Returns ids [B, steps]; after the end token a row continues with padding.
   */
  sample(conditioning: Float32Array, temperature: number, steps: number): Promise<Int32Array>;
}
