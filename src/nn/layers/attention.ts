/**
 * Keras 3's MultiHeadAttention: query, key and value projected to numHeads heads, scaled
 * dot-product attention over the sequence axes, and the heads projected back. Composed from
 * reshape, transpose, batched matmul and softmax, so autograd trains it on every backend. The
 * weights are named as Keras 3 writes them (query/kernel [E, heads, keyDim], ...,
 * attention_output/kernel [heads, valueDim, outputDim]).
 */
import * as ops from '../../ops/index.js';
import { fmt, sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import { freshSeed, mixSeed } from '../seed.js';
import { type CallContext, Layer, type LayerArgs, type LayerVariable, type SymbolicShape, type WeightPlan, fmtSymbolic } from './layer.js';

/** Options of multiHeadAttention (Keras 3 names and defaults). */
export interface MultiHeadAttentionArgs extends LayerArgs {
  /** The number of attention heads. */
  numHeads: number;
  /** The size of each head for query and key. */
  keyDim: number;
  /** The size of each head for value (default keyDim). */
  valueDim?: number;
  /** The fraction of attention probabilities dropped in training (default 0). */
  dropout?: number;
  /** Default true. */
  useBias?: boolean;
  /** The size of the last output axis (default: the query's last dimension). */
  outputShape?: number | [number];
  /** The axes attention runs over (default: every axis but the batch and the features); only the default is supported. */
  attentionAxes?: number | number[] | null;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerIdentifier | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier | Initializer;
  /** A penalty on every kernel. */
  kernelRegularizer?: RegularizerIdentifier;
  /** A penalty on every bias. */
  biasRegularizer?: RegularizerIdentifier;
  /** In a graph: mask each query step from the key steps after it (default false). */
  useCausalMask?: boolean;
  /** In a graph: also output the attention scores [batch, heads, T, S] (default false). */
  returnAttentionScores?: boolean;
}

/** Options of a single call on tensors. */
export interface AttentionCallArgs {
  /** The key (default: value). */
  key?: Tensor;
  /** [batch, T, S], nonzero where query step t may attend to key step s. */
  attentionMask?: Tensor;
  /** Mask each query step from later key steps (default: the layer's option). */
  useCausalMask?: boolean;
  /** Run in training mode (dropout). */
  training?: boolean;
  /** A seed for dropout. */
  seed?: number;
}

const PROJ = ['query', 'key', 'value'] as const;

function posInt(op: string, name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${String(v)}`);
  return v as number;
}

/** Attention of a query sequence over a value (and key) sequence, with numHeads heads. */
export class MultiHeadAttention extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'MultiHeadAttention';
  /** Number of attention heads. */
  readonly numHeads: number;
  /** Size of each head for query and key. */
  readonly keyDim: number;
  /** Size of each head for value. */
  readonly valueDim: number;
  /** Fraction of the inputs dropped in training. */
  readonly dropout: number;
  /** Whether biases are added. */
  readonly useBias: boolean;
  /** Features of the output (default the query's). */
  readonly outputDim?: number;
  /** Draws the input kernel's initial values. */
  readonly kernelInitializer: Initializer;
  /** Draws the bias's initial values. */
  readonly biasInitializer: Initializer;
  /** A penalty on the input kernel, added to the training loss. */
  readonly kernelRegularizer?: Regularizer;
  /** A penalty on the bias. */
  readonly biasRegularizer?: Regularizer;
  /** Whether each position attends only to itself and earlier ones. */
  readonly useCausalMask: boolean;
  /** Whether the attention scores are returned beside the output. */
  readonly returnAttentionScores: boolean;
  private readonly w = new Map<string, LayerVariable>();
  private queryRank?: number;

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    const op = this.name;
    this.numHeads = posInt(op, 'numHeads', args?.numHeads);
    this.keyDim = posInt(op, 'keyDim', args.keyDim);
    this.valueDim = args.valueDim === undefined || args.valueDim === null ? this.keyDim : posInt(op, 'valueDim', args.valueDim);
    const d = args.dropout ?? 0;
    if (typeof d !== 'number' || !(d >= 0 && d < 1)) throw new Error(`${op}: dropout must be a number in [0, 1), got ${String(d)}`);
    this.dropout = d;
    this.useBias = args.useBias ?? true;
    const o = Array.isArray(args.outputShape) ? (args.outputShape.length === 1 ? args.outputShape[0] : NaN) : args.outputShape;
    this.outputDim = o === undefined || o === null ? undefined : posInt(op, 'outputShape (one size)', o);
    if (args.attentionAxes !== undefined && args.attentionAxes !== null) {
      // Checked against the input rank when the shapes are known.
      this.attentionAxes = typeof args.attentionAxes === 'number' ? [args.attentionAxes] : args.attentionAxes.slice();
    }
    this.kernelInitializer = getInitializer(op, args.kernelInitializer, 'glorotUniform');
    this.biasInitializer = getInitializer(op, args.biasInitializer, 'zeros');
    this.kernelRegularizer = getRegularizer(op, args.kernelRegularizer);
    this.biasRegularizer = getRegularizer(op, args.biasRegularizer);
    this.useCausalMask = args.useCausalMask ?? false;
    this.returnAttentionScores = args.returnAttentionScores ?? false;
  }

  /** The attention axes given (undefined: the default, every axis between batch and features). */
  readonly attentionAxes?: number[];

  getClassName(): string {
    return MultiHeadAttention.className;
  }

  override get outputCount(): number {
    return this.returnAttentionScores ? 2 : 1;
  }

  private shapes(inputShape: SymbolicShape | SymbolicShape[]): { q: SymbolicShape; v: SymbolicShape; k: SymbolicShape } {
    const list = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as SymbolicShape[];
    if (list.length < 2 || list.length > 4) throw new Error(`${this.name}: expected [query, value], [query, value, key] or [query, value, key, attentionMask], got ${list.length} input(s)`);
    const [q, v, k = v] = list as [SymbolicShape, SymbolicShape, SymbolicShape?];
    for (const [n, s] of [['query', q], ['value', v], ['key', k]] as const) {
      if (s.length < 3) throw new Error(`${this.name}: ${n} must be [batch, steps, ..., features], got ${fmtSymbolic(s)}`);
      if (typeof s[s.length - 1] !== 'number') throw new Error(`${this.name}: ${n}'s last dimension must be known, got ${fmtSymbolic(s)}`);
    }
    if (q.length !== v.length || k.length !== v.length) throw new Error(`${this.name}: query, value and key must have the same rank, got ${fmtSymbolic(q)}, ${fmtSymbolic(v)}, ${fmtSymbolic(k)}`);
    if (this.attentionAxes) {
      const want = Array.from({ length: q.length - 2 }, (_, i) => i + 1);
      const got = this.attentionAxes.map((a) => (a < 0 ? a + q.length : a));
      if (got.length !== want.length || got.some((a, i) => a !== want[i])) {
        throw new Error(`${this.name}: attentionAxes ${JSON.stringify(this.attentionAxes)} is not supported for rank ${q.length} (only the default, [${want}])`);
      }
    }
    return { q, v, k };
  }

  private outDim(q: SymbolicShape): number {
    return this.outputDim ?? (q[q.length - 1] as number);
  }

  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    const { q, v } = this.shapes(inputShape);
    const y: SymbolicShape = [...q.slice(0, -1), this.outDim(q)];
    if (!this.returnAttentionScores) return y;
    const steps = (s: SymbolicShape) => s.slice(1, -1);
    return [y, [q[0]!, this.numHeads, ...steps(q), ...steps(v)]];
  }

  /** Keras 3's weights: query, key, value and attention_output, each kernel then bias. */
  override weightShapes(inputShape: SymbolicShape | SymbolicShape[]): WeightPlan[] {
    const { q, v, k } = this.shapes(inputShape);
    const last = (s: SymbolicShape) => s[s.length - 1] as number;
    const N = this.numHeads, K = this.keyDim, V = this.valueDim;
    const plan: WeightPlan[] = [];
    const add = (name: string, kernel: number[], bias: number[]) => {
      plan.push({ name: `${name}/kernel`, shape: kernel, trainable: true });
      if (this.useBias) plan.push({ name: `${name}/bias`, shape: bias, trainable: true });
    };
    add('query', [last(q), N, K], [N, K]);
    add('key', [last(k), N, K], [N, K]);
    add('value', [last(v), N, V], [N, V]);
    add('attention_output', [N, V, this.outDim(q)], [this.outDim(q)]);
    return plan;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[], seed: number): void {
    for (const p of this.weightShapes(inputShape)) {
      const bias = p.name.endsWith('/bias');
      this.w.set(p.name, this.addWeight(p.name, p.shape, bias ? this.biasInitializer : this.kernelInitializer, seed, true, bias ? this.biasRegularizer : this.kernelRegularizer));
    }
    const { q } = this.shapes(inputShape);
    this.queryRank = q.length;
    super.build(inputShape, seed);
  }

  /** x [batch, ...steps, E] -> [batch * heads, steps, size] through `name`'s kernel [E, heads, size]. */
  private project(name: string, x: Tensor, size: number): Tensor {
    const kern = this.w.get(`${name}/kernel`)!.value, bias = this.w.get(`${name}/bias`)?.value;
    const b = x.shape[0]!, e = x.shape[x.rank - 1]!, n = this.numHeads;
    const steps = x.size / (b * e);
    const y = ops.fusedMatmul(ops.reshape(x, [b * steps, e]), ops.reshape(kern, [e, n * size]), { bias: bias ? ops.reshape(bias, [n * size]) : undefined });
    return ops.reshape(ops.transpose(ops.reshape(y, [b, steps, n, size]), [0, 2, 1, 3]), [b * n, steps, size]);
  }

  /**
   * Attention on tensors: query [batch, T..., E], value [batch, S..., Ev]. Returns the output
   * [batch, T..., outputDim] and the scores [batch, heads, T..., S...].
   */
  attend(query: Tensor, value: Tensor, opts: AttentionCallArgs = {}): [Tensor, Tensor] {
    const key = opts.key ?? value;
    const shapes = [query, value, key].map((t) => [null, ...t.shape.slice(1)] as SymbolicShape);
    if (!this.built) this.build(shapes, opts.seed ?? freshSeed());
    const want = this.weightShapes(shapes);
    const have = this.weights.map((v) => v.shape);
    if (want.some((p, i) => fmt(p.shape) !== fmt(have[i] ?? []))) throw new Error(`${this.name}: built for other feature sizes (${have.map((s) => fmt(s)).join(', ')}), got query ${fmt(query.shape)}, value ${fmt(value.shape)}, key ${fmt(key.shape)}`);
    if (query.rank !== this.queryRank) throw new Error(`${this.name}: built for query rank ${this.queryRank}, got ${fmt(query.shape)}`);
    const b = query.shape[0]!, n = this.numHeads;
    if (value.shape[0] !== b || key.shape[0] !== b) throw new Error(`${this.name}: query, value and key must have the same batch size, got ${fmt(query.shape)}, ${fmt(value.shape)}, ${fmt(key.shape)}`);
    if (!sameShape(value.shape.slice(0, -1), key.shape.slice(0, -1))) throw new Error(`${this.name}: key and value must have the same steps, got ${fmt(key.shape)} and ${fmt(value.shape)}`);
    const tSteps = query.shape.slice(1, -1), sSteps = value.shape.slice(1, -1);
    const T = tSteps.reduce((x, y) => x * y, 1), S = sSteps.reduce((x, y) => x * y, 1);
    const m0 = opts.attentionMask;
    if (m0 && m0.size !== b * T * S && m0.size !== T * S) throw new Error(`${this.name}: attentionMask must be [batch, T, S] = [${b},${T},${S}], got ${fmt(m0.shape)}`);
    const q = ops.mul(this.project('query', query, this.keyDim), 1 / Math.sqrt(this.keyDim));
    const k = this.project('key', key, this.keyDim);
    const v = this.project('value', value, this.valueDim);
    let scores = ops.matmul(q, k, { transposeB: true }); // [b * n, T, S]
    let mask: Tensor | undefined;
    if (opts.attentionMask) {
      const m = opts.attentionMask;
      mask = ops.reshape(ops.cast(ops.notEqual(m, 0), 'float32'), m.size === T * S ? [1, 1, T, S] : [b, 1, T, S]);
    }
    if (opts.useCausalMask ?? this.useCausalMask) {
      const causal = ops.cast(ops.greaterEqual(ops.reshape(ops.range(0, T), [T, 1]), ops.reshape(ops.range(0, S), [1, S])), 'float32');
      mask = mask ? ops.mul(mask, causal) : ops.reshape(causal, [1, 1, T, S]);
    }
    if (mask) {
      // Keras adds a large negative number where the mask is 0 before the softmax.
      scores = ops.reshape(ops.add(ops.reshape(scores, [b, n, T, S]), ops.mul(ops.sub(1, mask), -1e9)), [b * n, T, S]);
    }
    const probs = ops.softmax(scores, -1);
    let dropped = probs;
    if (opts.training && this.dropout > 0) {
      const keep = ops.greaterEqual(ops.rand(probs.shape, { seed: mixSeed(opts.seed ?? 0, 7) }), this.dropout);
      dropped = ops.mul(probs, ops.mul(keep, 1 / (1 - this.dropout)));
    }
    const ctx = ops.matmul(dropped, v); // [b * n, T, V]
    const heads = ops.reshape(ops.transpose(ops.reshape(ctx, [b, n, T, this.valueDim]), [0, 2, 1, 3]), [b * T, n * this.valueDim]);
    const o = this.outDim([null, query.shape[query.rank - 1]!]);
    const ob = this.w.get('attention_output/bias')?.value;
    const y = ops.fusedMatmul(heads, ops.reshape(this.w.get('attention_output/kernel')!.value, [n * this.valueDim, o]), { bias: ob });
    return [ops.reshape(y, [b, ...tSteps, o]), ops.reshape(probs, [b, n, ...tSteps, ...sSteps])];
  }

  /** [query, value], [query, value, key] or [query, value, key, attentionMask]. */
  call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length < 2 || list.length > 4) throw new Error(`${this.name}: expected [query, value], [query, value, key] or [query, value, key, attentionMask], got ${list.length} tensor(s)`);
    const [q, v, k, m] = list as [Tensor, Tensor, Tensor?, Tensor?];
    const [y, scores] = this.attend(q, v, { key: k, attentionMask: m, training: ctx.training, seed: ctx.seed });
    return this.returnAttentionScores ? [y, scores] : y;
  }

  override getConfig(): Record<string, unknown> {
    const ser = (i: Initializer) => ({ class_name: i.className, config: i.getConfig() });
    const reg = (r?: Regularizer) => (r ? { class_name: 'L1L2', config: r.getConfig() } : null);
    return {
      num_heads: this.numHeads,
      key_dim: this.keyDim,
      value_dim: this.valueDim,
      dropout: this.dropout,
      use_bias: this.useBias,
      output_shape: this.outputDim ?? null,
      attention_axes: this.attentionAxes ?? null,
      kernel_initializer: ser(this.kernelInitializer),
      bias_initializer: ser(this.biasInitializer),
      kernel_regularizer: reg(this.kernelRegularizer),
      bias_regularizer: reg(this.biasRegularizer),
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      ...super.getConfig(),
    };
  }
}
