/**
 * The recurrent cells (Keras's SimpleRNNCell, LSTMCell, GRUCell; StackedRNNCells is in stacked-cells.ts): one time step
 * each, composed from matmul, slice and the activations, so autograd trains them on every backend.
 * A cell splits its step in two: the input projection x W + b, which the RNN layer runs once for
 * every time step together (one big matmul), and the recurrent part, which runs step by step.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { type ActivationIdentifier, applyActivation, checkActivation } from '../activations.js';
import { tidy } from '../../memory.js';
import { getInitializer, ones, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import { mixSeed } from '../seed.js';
import { type CallContext, Layer, type LayerArgs, type LayerVariable, type SymbolicShape, type WeightPlan, fmtSymbolic } from './layer.js';

/** Options every built-in cell takes (Keras names and defaults). */
export interface RNNCellArgs extends LayerArgs {
  /** The size of the output and of each state. A positive integer. */
  units: number;
  /** Applied to the candidate (default 'tanh'). */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Draws the input kernel (default 'glorotUniform'). */
  kernelInitializer?: InitializerIdentifier | Initializer;
  /** Draws the recurrent kernel (default 'orthogonal'). */
  recurrentInitializer?: InitializerIdentifier | Initializer;
  /** Draws the bias (default 'zeros'). */
  biasInitializer?: InitializerIdentifier | Initializer;
  /** A penalty on the input kernel. */
  kernelRegularizer?: RegularizerIdentifier;
  /** A penalty on the recurrent kernel. */
  recurrentRegularizer?: RegularizerIdentifier;
  /** A penalty on the bias. */
  biasRegularizer?: RegularizerIdentifier;
  /** The fraction of inputs dropped in training (default 0; one mask for every step). */
  dropout?: number;
  /** The fraction of the previous output dropped in training (default 0; one mask for every step). */
  recurrentDropout?: number;
}

/** Options of cells with gates (LSTM, GRU). */
export interface GatedCellArgs extends RNNCellArgs {
  /** Applied to the gates (default 'sigmoid', as Keras; TensorFlow.js's default is 'hardSigmoid'). */
  recurrentActivation?: ActivationIdentifier;
  /** Keras's implementation hint (1 or 2): recorded in the config, same numbers either way. */
  implementation?: number;
}

/** LSTM cell options. */
export interface LSTMCellArgs extends GatedCellArgs {
  /** Start the forget gate's bias at 1 (default true). */
  unitForgetBias?: boolean;
}

/** GRU cell options. */
export interface GRUCellArgs extends GatedCellArgs {
  /**
   * Apply the reset gate after the recurrent matmul, with a separate recurrent bias (bias shape
   * [2, 3 * units]); Keras's default (true). TensorFlow.js supports only false.
   */
  resetAfter?: boolean;
}

function rate(op: string, name: string, v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new Error(`${op}: ${name} must be a number in [0, 1), got ${String(v)}`);
  return v;
}

/** Keras's spelling of an activation in a config. */
export function activationConfig(a: ActivationIdentifier): string {
  return a === 'hardSigmoid' ? 'hard_sigmoid' : a;
}

const ser = (i: Initializer) => ({ class_name: i.className, config: i.getConfig() });
const serReg = (r?: Regularizer) => (r ? { class_name: 'L1L2', config: r.getConfig() } : null);

/** What a cell holds between steps and hands out per step. */
export abstract class RNNCellBase extends Layer {
  /** The size of each state (LSTM: [units, units]; others: [units]). */
  abstract get stateSize(): number[];
  /** The size of the output at each step. */
  abstract get outputSize(): number;

  /** x [batch, features] or [batch, steps, features] -> the input part of every gate ([..., gates]); run for all steps at once. */
  abstract project(x: Tensor, ctx?: CallContext): Tensor;
  /** One step from the projected input xp [batch, gates] and the states: [output, new states]. */
  abstract step(xp: Tensor, states: Tensor[], ctx?: CallContext): [Tensor, Tensor[]];

  /** @internal A fresh, unbuilt cell with the same options (a new name unless `name` is given). */
  abstract clone(name?: string): RNNCellBase;

  /** @internal Called by the RNN once per sequence, before the steps (draws dropout masks, slices kernels). */
  begin(_batch: number, _ctx: CallContext): void {}
  /** @internal Called after the last step. */
  end(): void {}

  override get outputCount(): number {
    return 1 + this.stateSize.length;
  }

  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape[] {
    const x = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as SymbolicShape;
    return [[x[0]!, this.outputSize], ...this.stateSize.map((s) => [x[0]!, s] as SymbolicShape)];
  }

  /** On [x, ...states] (x [batch, features]): [output, ...new states], as Keras's cell call. */
  call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const [x, ...states] = list;
    if (!x || x.rank !== 2) throw new Error(`${this.name}: expected [x, ...states] with x of shape [batch, features], got ${list.map((t) => `[${t.shape}]`).join(', ')}`);
    const sizes = this.stateSize;
    if (states.length !== sizes.length || states.some((s, i) => s.rank !== 2 || s.shape[0] !== x.shape[0] || s.shape[1] !== sizes[i])) {
      throw new Error(`${this.name}: expected ${sizes.length} state(s) of shape ${sizes.map((s) => `[${x.shape[0]},${s}]`).join(', ')}, got ${states.map((t) => `[${t.shape}]`).join(', ') || 'none'}`);
    }
    this.begin(x.shape[0]!, ctx);
    const [h, next] = this.step(this.project(x, ctx), states, ctx);
    this.end();
    return [h, ...next];
  }
}

/** The weights and options every built-in cell shares: kernel, recurrent kernel, bias. */
abstract class KernelCell extends RNNCellBase {
  /** Units of the state (and of each output step). */
  readonly units: number;
  /** Applied to the candidate state. */
  readonly activation: ActivationIdentifier;
  /** Whether biases are added. */
  readonly useBias: boolean;
  /** Draws the input kernel's initial values. */
  readonly kernelInitializer: Initializer;
  /** Draws the recurrent kernel's initial values. */
  readonly recurrentInitializer: Initializer;
  /** Draws the bias's initial values. */
  readonly biasInitializer: Initializer;
  /** A penalty on the input kernel, added to the training loss. */
  readonly kernelRegularizer?: Regularizer;
  /** A penalty on the recurrent kernel. */
  readonly recurrentRegularizer?: Regularizer;
  /** A penalty on the bias. */
  readonly biasRegularizer?: Regularizer;
  /** Fraction of the inputs dropped in training. */
  readonly dropout: number;
  /** Fraction of the recurrent state dropped in training. */
  readonly recurrentDropout: number;
  /** The input kernel, once built. */
  kernel?: LayerVariable;
  /** The recurrent kernel, once built. */
  recurrentKernel?: LayerVariable;
  /** The bias, once built. */
  bias?: LayerVariable;
  /** Dropout masks for this sequence (training only). */
  protected inMask?: Tensor;
  protected recMask?: Tensor;

  constructor(protected readonly args: RNNCellArgs, protected readonly gates: number) {
    super(args);
    const op = this.name;
    if (!args || !Number.isInteger(args.units) || args.units < 1) throw new Error(`${op}: units must be a positive integer, got ${String(args?.units)}`);
    this.units = args.units;
    this.activation = checkActivation(op, args.activation ?? 'tanh');
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(op, args.kernelInitializer, 'glorotUniform');
    this.recurrentInitializer = getInitializer(op, args.recurrentInitializer, 'orthogonal');
    this.biasInitializer = getInitializer(op, args.biasInitializer, 'zeros');
    this.kernelRegularizer = getRegularizer(op, args.kernelRegularizer);
    this.recurrentRegularizer = getRegularizer(op, args.recurrentRegularizer);
    this.biasRegularizer = getRegularizer(op, args.biasRegularizer);
    this.dropout = rate(op, 'dropout', args.dropout);
    this.recurrentDropout = rate(op, 'recurrentDropout', args.recurrentDropout);
  }

  get outputSize(): number {
    return this.units;
  }

  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    const f = inputShape[inputShape.length - 1];
    if (typeof f !== 'number') throw new Error(`${this.name}: needs inputs whose last dimension is known, got ${fmtSymbolic(inputShape)}`);
    const g = this.gates * this.units;
    const plan: WeightPlan[] = [
      { name: 'kernel', shape: [f, g], trainable: true },
      { name: 'recurrent_kernel', shape: [this.units, g], trainable: true },
    ];
    if (this.useBias) plan.push({ name: 'bias', shape: this.biasShape(), trainable: true });
    return plan;
  }

  protected biasInit(): Initializer {
    return this.biasInitializer;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[], seed: number): void {
    const x = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as SymbolicShape;
    const [k, r, b] = this.weightShapes(x);
    this.kernel = this.addWeight('kernel', k!.shape, this.kernelInitializer, seed, true, this.kernelRegularizer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', r!.shape, this.recurrentInitializer, seed, true, this.recurrentRegularizer);
    if (b) this.bias = this.addWeight('bias', b.shape, this.biasInit(), seed, true, this.biasRegularizer);
    super.build(x, seed);
  }

  protected inputBias(): Tensor | undefined {
    return this.bias?.value;
  }

  project(x: Tensor, _ctx?: CallContext): Tensor {
    if (!this.kernel) throw new Error(`${this.name}: the cell is not built yet`);
    const m = this.inMask;
    const xs = m ? ops.mul(x, x.rank === 3 ? ops.reshape(m, [m.shape[0]!, 1, m.shape[1]!]) : m) : x;
    const flat = xs.rank === 2 ? xs : ops.reshape(xs, [-1, xs.shape[xs.rank - 1]!]);
    const y = ops.fusedMatmul(flat, this.kernel.value, { bias: this.inputBias() });
    return xs.rank === 2 ? y : ops.reshape(y, [...xs.shape.slice(0, -1), y.shape[1]!]);
  }

  override begin(batch: number, ctx: CallContext): void {
    const f = this.kernel!.shape[0]!;
    const keep = (r: number, n: number, k: number) => ops.mul(ops.greaterEqual(ops.rand([batch, n], { seed: mixSeed(ctx.seed, k) }), r), 1 / (1 - r));
    this.inMask = ctx.training && this.dropout > 0 ? keep(this.dropout, f, 1) : undefined;
    this.recMask = ctx.training && this.recurrentDropout > 0 ? keep(this.recurrentDropout, this.units, 2) : undefined;
  }

  override end(): void {
    this.inMask = this.recMask = undefined;
  }

  /** The previous output, through its dropout mask in training. */
  protected prev(h: Tensor): Tensor {
    return this.recMask ? ops.mul(h, this.recMask) : h;
  }

  override getConfig(): Record<string, unknown> {
    return {
      units: this.units,
      activation: activationConfig(this.activation),
      use_bias: this.useBias,
      kernel_initializer: ser(this.kernelInitializer),
      recurrent_initializer: ser(this.recurrentInitializer),
      bias_initializer: ser(this.biasInitializer),
      kernel_regularizer: serReg(this.kernelRegularizer),
      recurrent_regularizer: serReg(this.recurrentRegularizer),
      bias_regularizer: serReg(this.biasRegularizer),
      activity_regularizer: null,
      kernel_constraint: null,
      recurrent_constraint: null,
      bias_constraint: null,
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      ...super.getConfig(),
    };
  }
}

/** h = activation(x W + b + h_prev U). */
export class SimpleRNNCell extends KernelCell {
  /** Keras's class name, as in model.json. */
  static readonly className = 'SimpleRNNCell';

  constructor(args: RNNCellArgs) {
    super(args, 1);
  }

  getClassName(): string {
    return SimpleRNNCell.className;
  }

  clone(name?: string): SimpleRNNCell {
    return new SimpleRNNCell({ ...this.args, name });
  }

  get stateSize(): number[] {
    return [this.units];
  }

  step(xp: Tensor, states: Tensor[]): [Tensor, Tensor[]] {
    const h = applyActivation(this.activation, ops.add(xp, ops.matmul(this.prev(states[0]!), this.recurrentKernel!.value)));
    return [h, [h]];
  }
}

/** Gates i, f, c, o in Keras's order: c = f c_prev + i act(z_c), h = o act(c). */
export class LSTMCell extends KernelCell {
  /** Keras's class name, as in model.json. */
  static readonly className = 'LSTMCell';
  /** Applied to the gates. */
  readonly recurrentActivation: ActivationIdentifier;
  /** Whether the forget gate's bias starts at 1. */
  readonly unitForgetBias: boolean;
  /** Keras's implementation mode (read and written back; both compute the same). */
  readonly implementation: number;

  constructor(args: LSTMCellArgs) {
    super(args, 4);
    this.recurrentActivation = checkActivation(this.name, args.recurrentActivation ?? 'sigmoid');
    this.unitForgetBias = args.unitForgetBias ?? true;
    this.implementation = args.implementation ?? 2;
  }

  getClassName(): string {
    return LSTMCell.className;
  }

  clone(name?: string): LSTMCell {
    return new LSTMCell({ ...this.args, name });
  }

  get stateSize(): number[] {
    return [this.units, this.units];
  }

  /** With unitForgetBias: the bias initializer's values, ones for the forget gate. */
  protected override biasInit(): Initializer {
    if (!this.unitForgetBias) return this.biasInitializer;
    const base = this.biasInitializer, u = this.units;
    return {
      className: base.className,
      getConfig: () => base.getConfig(),
      apply: (_shape, seed) => tidy(() => ops.concat([base.apply([u], seed), ones().apply([u]), base.apply([2 * u], seed === undefined ? undefined : mixSeed(seed, 1))], 0)),
    };
  }

  step(xp: Tensor, states: Tensor[]): [Tensor, Tensor[]] {
    const [h0, c0] = states as [Tensor, Tensor];
    const u = this.units, n = xp.shape[0]!;
    const z = ops.add(xp, ops.matmul(this.prev(h0), this.recurrentKernel!.value));
    // Each activation runs once over all four gates (fewer, larger kernels), then the gates are cut out.
    const gates = applyActivation(this.recurrentActivation, z), cand = applyActivation(this.activation, z);
    const part = (t: Tensor, k: number) => ops.slice(t, [0, k * u], [n, u]);
    const i = part(gates, 0), f = part(gates, 1), o = part(gates, 3);
    const c = ops.add(ops.mul(f, c0), ops.mul(i, part(cand, 2)));
    const h = ops.mul(o, applyActivation(this.activation, c));
    return [h, [h, c]];
  }

  /** Keras's config of the cell, as model.json stores it. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrent_activation: activationConfig(this.recurrentActivation),
      unit_forget_bias: this.unitForgetBias,
      implementation: this.implementation,
    };
  }
}

/** Gates z, r and the candidate h in Keras's order; h = z h_prev + (1 - z) candidate. */
export class GRUCell extends KernelCell {
  /** Keras's class name, as in model.json. */
  static readonly className = 'GRUCell';
  /** Applied to the gates. */
  readonly recurrentActivation: ActivationIdentifier;
  /** Whether the reset gate applies after the recurrent matmul (Keras 2/3's default, true). */
  readonly resetAfter: boolean;
  /** Keras's implementation mode (read and written back; both compute the same). */
  readonly implementation: number;

  constructor(args: GRUCellArgs) {
    super(args, 3);
    this.recurrentActivation = checkActivation(this.name, args.recurrentActivation ?? 'sigmoid');
    this.resetAfter = args.resetAfter ?? true;
    this.implementation = args.implementation ?? 2;
  }

  getClassName(): string {
    return GRUCell.className;
  }

  clone(name?: string): GRUCell {
    return new GRUCell({ ...this.args, name });
  }

  get stateSize(): number[] {
    return [this.units];
  }

  /** resetAfter: [input bias; recurrent bias], as Keras writes it. */
  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  protected override inputBias(): Tensor | undefined {
    const b = this.bias?.value;
    if (!b || !this.resetAfter) return b;
    return ops.reshape(ops.slice(b, [0, 0], [1, 3 * this.units]), [3 * this.units]);
  }

  step(xp: Tensor, states: Tensor[]): [Tensor, Tensor[]] {
    const h0 = states[0]!;
    const u = this.units, n = xp.shape[0]!;
    const R = this.recurrentKernel!.value;
    const hp = this.prev(h0);
    const cols = (t: Tensor, at: number, w: number) => ops.slice(t, [0, at], [t.shape[0]!, w]);
    const rec = (t: Tensor) => applyActivation(this.recurrentActivation, t);
    let zr: Tensor, cand: Tensor;
    if (this.resetAfter) {
      let inner = ops.matmul(hp, R);
      if (this.bias) inner = ops.add(inner, ops.reshape(ops.slice(this.bias.value, [1, 0], [1, 3 * u]), [3 * u]));
      zr = rec(ops.add(cols(xp, 0, 2 * u), cols(inner, 0, 2 * u)));
      const r = cols(zr, u, u);
      cand = applyActivation(this.activation, ops.add(cols(xp, 2 * u, u), ops.mul(r, cols(inner, 2 * u, u))));
    } else {
      zr = rec(ops.add(cols(xp, 0, 2 * u), ops.matmul(hp, cols(R, 0, 2 * u))));
      const r = cols(zr, u, u);
      cand = applyActivation(this.activation, ops.add(cols(xp, 2 * u, u), ops.matmul(ops.mul(r, hp), cols(R, 2 * u, u))));
    }
    const z = ops.slice(zr, [0, 0], [n, u]);
    const h = ops.add(cand, ops.mul(z, ops.sub(h0, cand)));
    return [h, [h]];
  }

  /** Keras's config of the cell, as model.json stores it. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrent_activation: activationConfig(this.recurrentActivation),
      implementation: this.implementation,
      reset_after: this.resetAfter,
    };
  }
}
