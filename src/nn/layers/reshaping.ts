/** Layers that look up, rearrange or rescale: embedding, permute, repeatVector, rescaling. */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { getInitializer, randomUniform, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { Layer, type LayerArgs, type LayerVariable, type WeightPlan } from './layer.js';
import { fmtSymbolic, type SymbolicShape } from './symbolic.js';

const positive = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0;

/** Options of embedding (Keras's names). */
export interface EmbeddingArgs extends LayerArgs {
  /** The number of distinct indices (the vocabulary size). */
  inputDim: number;
  /** The length of each vector. */
  outputDim: number;
  /** Initial vectors (default randomUniform in [-0.05, 0.05], as in Keras). */
  embeddingsInitializer?: InitializerIdentifier | Initializer;
  /** Index 0 is padding: the layers after it (recurrent ones) skip those steps. */
  maskZero?: boolean;
  /** The length of the index sequences, when fixed. */
  inputLength?: number | null;
}

/** Maps integer indices [batch, ...] to vectors [batch, ..., outputDim] (a row lookup; indices must lie in [0, inputDim)). */
export class Embedding extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Embedding';
  /** The vocabulary size. */
  readonly inputDim: number;
  /** The vector length. */
  readonly outputDim: number;
  /** Whether index 0 is padding. */
  readonly maskZero: boolean;
  /** The fixed sequence length, if any. */
  readonly inputLength: number | null;
  private readonly init: Initializer;
  /** The [inputDim, outputDim] table, once built. */
  embeddings?: LayerVariable;

  constructor(args: EmbeddingArgs) {
    super(args);
    if (!positive(args?.inputDim) || !positive(args?.outputDim)) throw new Error(`embedding: inputDim and outputDim must be positive integers, got ${String(args?.inputDim)} and ${String(args?.outputDim)}`);
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.maskZero = args.maskZero ?? false;
    this.inputLength = args.inputLength ?? null;
    this.init = args.embeddingsInitializer === undefined ? randomUniform({ minval: -0.05, maxval: 0.05 }) : getInitializer('embedding', args.embeddingsInitializer, 'randomUniform');
  }

  getClassName(): string {
    return Embedding.className;
  }

  /** embeddings [inputDim, outputDim]. */
  override weightShapes(): WeightPlan[] {
    return [{ name: 'embeddings', shape: [this.inputDim, this.outputDim], trainable: true }];
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.init, seed);
    super.build(inputShape, seed);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape, this.outputDim];
  }

  /** With maskZero: 1 where the index is not 0. */
  override computeMask(x: Tensor | Tensor[]): Tensor | undefined {
    return this.maskZero ? ops.cast(ops.notEqual(x as Tensor, 0), 'float32') : undefined;
  }

  call(x: Tensor): Tensor {
    if (!this.embeddings) throw new Error(`${this.name}: the layer is not built yet`);
    return ops.gather(this.embeddings.value, x.dtype === 'int32' ? x : ops.cast(x, 'int32'));
  }

  override getConfig(): Record<string, unknown> {
    return {
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: { class_name: this.init.className, config: this.init.getConfig() },
      embeddings_regularizer: null,
      activity_regularizer: null,
      embeddings_constraint: null,
      mask_zero: this.maskZero,
      input_length: this.inputLength,
      ...super.getConfig(),
    };
  }
}

/** Options of permute. */
export interface PermuteArgs extends LayerArgs {
  /** The new order of the non-batch axes, counted from 1: [2, 1] swaps the two axes of [batch, a, b]. */
  dims: number[];
}

/** Reorders the axes of each example. */
export class Permute extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Permute';
  /** The new axis order, from 1. */
  readonly dims: number[];

  constructor(args: PermuteArgs) {
    super(args);
    const d = args?.dims;
    if (!Array.isArray(d) || d.length === 0 || [...d].sort((a, b) => a - b).some((v, i) => v !== i + 1)) {
      throw new Error(`permute: dims must be a permutation of 1..n, got ${JSON.stringify(d)}`);
    }
    this.dims = d.slice();
  }

  getClassName(): string {
    return Permute.className;
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    if (s.length !== this.dims.length + 1) throw new Error(`${this.name}: dims ${JSON.stringify(this.dims)} need inputs of rank ${this.dims.length + 1}, got ${fmtSymbolic(s)}`);
    return [s[0]!, ...this.dims.map((d) => s[d]!)];
  }

  call(x: Tensor): Tensor {
    return ops.transpose(x, [0, ...this.dims]);
  }

  override getConfig(): Record<string, unknown> {
    return { dims: this.dims.slice(), ...super.getConfig() };
  }
}

/** Options of repeatVector. */
export interface RepeatVectorArgs extends LayerArgs {
  /** How many copies. */
  n: number;
}

/** [batch, features] -> [batch, n, features]: n copies of each vector. */
export class RepeatVector extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'RepeatVector';
  /** The number of copies. */
  readonly n: number;

  constructor(args: RepeatVectorArgs) {
    super(args);
    if (!positive(args?.n)) throw new Error(`repeatVector: n must be a positive integer, got ${String(args?.n)}`);
    this.n = args.n;
  }

  getClassName(): string {
    return RepeatVector.className;
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    if (s.length !== 2) throw new Error(`${this.name}: expects [batch, features], got ${fmtSymbolic(s)}`);
    return [s[0]!, this.n, s[1]!];
  }

  call(x: Tensor): Tensor {
    return ops.broadcastTo(ops.reshape(x, [x.shape[0]!, 1, x.shape[1]!]), [x.shape[0]!, this.n, x.shape[1]!]);
  }

  override getConfig(): Record<string, unknown> {
    return { n: this.n, ...super.getConfig() };
  }
}

/** Options of rescaling. */
export interface RescalingArgs extends LayerArgs {
  /** The factor (1 / 255 maps bytes to [0, 1]). */
  scale: number;
  /** Added after scaling (default 0). */
  offset?: number;
}

/** x * scale + offset. */
export class Rescaling extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Rescaling';
  /** The factor. */
  readonly scale: number;
  /** The offset. */
  readonly offset: number;

  constructor(args: RescalingArgs) {
    super(args);
    if (typeof args?.scale !== 'number' || !Number.isFinite(args.scale)) throw new Error(`rescaling: scale must be a finite number, got ${String(args?.scale)}`);
    if (args.offset !== undefined && (typeof args.offset !== 'number' || !Number.isFinite(args.offset))) throw new Error(`rescaling: offset must be a finite number, got ${String(args.offset)}`);
    this.scale = args.scale;
    this.offset = args.offset ?? 0;
  }

  getClassName(): string {
    return Rescaling.className;
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    return s;
  }

  call(x: Tensor): Tensor {
    const y = ops.mul(x.dtype === 'float32' ? x : ops.cast(x, 'float32'), this.scale);
    return this.offset === 0 ? y : ops.add(y, this.offset);
  }

  override getConfig(): Record<string, unknown> {
    return { scale: this.scale, offset: this.offset, ...super.getConfig() };
  }
}
