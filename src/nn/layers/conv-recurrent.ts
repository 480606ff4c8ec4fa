/**
 * ConvLSTM2D: an LSTM whose input and recurrent transforms are 2-D convolutions, over
 * [batch, steps, height, width, channels] (channelsLast). Gates i, f, c, o in Keras's order; the
 * input conv takes the layer's strides, padding and dilation, the recurrent conv is always 'same'
 * with stride 1 and no dilation. Composed from conv2d, slice and the activations, so autograd
 * trains it on every backend. Keras's options, defaults, weight names and config, so it
 * round-trips through TF.js files.
 */
import { keep, tidy } from '../../memory.js';
import * as ops from '../../ops/index.js';
import { fmt } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { type ActivationIdentifier, applyActivation, checkActivation } from '../activations.js';
import { getInitializer, ones, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import { mixSeed } from '../seed.js';
import { checkPadding, pair2d, type Size2D, windowOutputShape } from './conv.js';
import { type CallContext, Layer, type LayerArgs, type LayerVariable, type SymbolicShape, type WeightPlan, fmtSymbolic } from './layer.js';
import { activationConfig } from './recurrent-cells.js';
import type { BaseRNNArgs } from './recurrent.js';

/** Options of convLstm2dCell (Keras names and defaults). */
export interface ConvLSTM2DCellArgs extends LayerArgs {
  /** Channels of the output and of each state. A positive integer. */
  filters: number;
  /** [height, width] of the window, or one number for both. */
  kernelSize: Size2D;
  /** Of the input conv (default 1); the recurrent conv always has stride 1. */
  strides?: Size2D;
  /** Of the input conv (default 'valid'); the recurrent conv is always 'same'. */
  padding?: 'valid' | 'same';
  /** Only 'channelsLast' ([batch, steps, height, width, channels]). */
  dataFormat?: 'channelsLast';
  /** Of the input conv (default 1); the recurrent conv is undilated, as Keras. */
  dilationRate?: Size2D;
  /** Applied to the candidate and the cell state (default 'tanh'). */
  activation?: ActivationIdentifier;
  /** Applied to the gates (default 'sigmoid', as Keras and lstm here; TensorFlow.js's default is 'hardSigmoid'). */
  recurrentActivation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Start the forget gate's bias at 1 (default true). */
  unitForgetBias?: boolean;
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

/** Options of convLstm2d: the cell's, and the recurrent flags. */
export interface ConvLSTM2DArgs extends ConvLSTM2DCellArgs, BaseRNNArgs {}

function rate(op: string, name: string, v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new Error(`${op}: ${name} must be a number in [0, 1), got ${String(v)}`);
  return v;
}

const ser = (i: Initializer) => ({ class_name: i.className, config: i.getConfig() });
const serReg = (r?: Regularizer) => (r ? { class_name: 'L1L2', config: r.getConfig() } : null);

/** The options, weights and one step that the convLstm2d layer and its cell share. */
abstract class ConvLSTM2DBase extends Layer {
  /** Channels of the output and of each state. */
  readonly filters: number;
  /** [height, width] of the window. */
  readonly kernelSize: [number, number];
  /** Of the input conv. */
  readonly strides: [number, number];
  /** Of the input conv. */
  readonly padding: 'valid' | 'same';
  /** Of the input conv (the recurrent conv is undilated, as Keras). */
  readonly dilationRate: [number, number];
  /** Applied to the candidate and the cell state. */
  readonly activation: ActivationIdentifier;
  /** Applied to the gates. */
  readonly recurrentActivation: ActivationIdentifier;
  /** Whether a bias is added. */
  readonly useBias: boolean;
  /** Whether the forget gate's bias starts at 1. */
  readonly unitForgetBias: boolean;
  /** Draws the input kernel's initial values. */
  readonly kernelInitializer: Initializer;
  /** Draws the recurrent kernel's initial values. */
  readonly recurrentInitializer: Initializer;
  /** Draws the bias's initial values. */
  readonly biasInitializer: Initializer;
  /** A penalty on the input kernel. */
  readonly kernelRegularizer?: Regularizer;
  /** A penalty on the recurrent kernel. */
  readonly recurrentRegularizer?: Regularizer;
  /** A penalty on the bias. */
  readonly biasRegularizer?: Regularizer;
  /** Fraction of the inputs dropped in training. */
  readonly dropout: number;
  /** Fraction of the recurrent state dropped in training. */
  readonly recurrentDropout: number;
  /** [kh, kw, inChannels, 4 * filters], once built. */
  kernel?: LayerVariable;
  /** [kh, kw, filters, 4 * filters], once built. */
  recurrentKernel?: LayerVariable;
  /** [4 * filters], once built (none without useBias). */
  bias?: LayerVariable;

  constructor(args: ConvLSTM2DCellArgs, op: string) {
    super(args);
    if (!args || !Number.isInteger(args.filters) || args.filters < 1) throw new Error(`${op}: filters must be a positive integer, got ${String(args?.filters)}`);
    this.filters = args.filters;
    this.kernelSize = pair2d(op, 'kernelSize', args.kernelSize);
    this.strides = pair2d(op, 'strides', args.strides, [1, 1]);
    this.dilationRate = pair2d(op, 'dilationRate', args.dilationRate, [1, 1]);
    this.padding = checkPadding(op, args.padding, args.dataFormat);
    this.activation = checkActivation(op, args.activation ?? 'tanh');
    this.recurrentActivation = checkActivation(op, args.recurrentActivation ?? 'sigmoid');
    this.useBias = args.useBias ?? true;
    this.unitForgetBias = args.unitForgetBias ?? true;
    this.kernelInitializer = getInitializer(op, args.kernelInitializer, 'glorotUniform');
    this.recurrentInitializer = getInitializer(op, args.recurrentInitializer, 'orthogonal');
    this.biasInitializer = getInitializer(op, args.biasInitializer, 'zeros');
    this.kernelRegularizer = getRegularizer(op, args.kernelRegularizer);
    this.recurrentRegularizer = getRegularizer(op, args.recurrentRegularizer);
    this.biasRegularizer = getRegularizer(op, args.biasRegularizer);
    this.dropout = rate(op, 'dropout', args.dropout);
    this.recurrentDropout = rate(op, 'recurrentDropout', args.recurrentDropout);
  }

  /** One frame's output shape [batch, outH, outW, filters] from [batch, h, w, c]. */
  protected frameOf(x: SymbolicShape): SymbolicShape {
    return windowOutputShape(this.name, x, this.kernelSize, this.strides, this.dilationRate, this.padding, this.filters);
  }

  /** kernel [kh, kw, c, 4 filters], recurrent_kernel [kh, kw, filters, 4 filters], bias [4 filters], for frames [batch, h, w, c]. */
  protected framePlan(frame: SymbolicShape): WeightPlan[] {
    const c = frame[3];
    if (typeof c !== 'number') throw new Error(`${this.name}: needs inputs whose channels are known, got ${fmtSymbolic(frame)}`);
    this.frameOf(frame);
    const g = 4 * this.filters;
    const plan: WeightPlan[] = [
      { name: 'kernel', shape: [...this.kernelSize, c, g], trainable: true },
      { name: 'recurrent_kernel', shape: [...this.kernelSize, this.filters, g], trainable: true },
    ];
    if (this.useBias) plan.push({ name: 'bias', shape: [g], trainable: true });
    return plan;
  }

  /** With unitForgetBias: the bias initializer's values, ones for the forget gate. */
  private biasInit(): Initializer {
    if (!this.unitForgetBias) return this.biasInitializer;
    const base = this.biasInitializer, u = this.filters;
    return {
      className: base.className,
      getConfig: () => base.getConfig(),
      apply: (_shape, seed) => tidy(() => ops.concat([base.apply([u], seed), ones().apply([u]), base.apply([2 * u], seed === undefined ? undefined : mixSeed(seed, 1))], 0)),
    };
  }

  protected buildWeights(frame: SymbolicShape, seed: number): void {
    const [k, r, b] = this.framePlan(frame);
    this.kernel = this.addWeight('kernel', k!.shape, this.kernelInitializer, seed, true, this.kernelRegularizer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', r!.shape, this.recurrentInitializer, seed, true, this.recurrentRegularizer);
    if (b) this.bias = this.addWeight('bias', b.shape, this.biasInit(), seed, true, this.biasRegularizer);
  }

  /** Dropout masks for this sequence (training only): inputs [batch, h, w, c], previous output `frame`. */
  protected masks(ctx: CallContext, input: number[], frame: number[]): [Tensor | undefined, Tensor | undefined] {
    const drop = (r: number, shape: number[], k: number) => ops.mul(ops.greaterEqual(ops.rand(shape, { seed: mixSeed(ctx.seed, k) }), r), 1 / (1 - r));
    return [
      ctx.training && this.dropout > 0 ? drop(this.dropout, input, 1) : undefined,
      ctx.training && this.recurrentDropout > 0 ? drop(this.recurrentDropout, frame, 2) : undefined,
    ];
  }

  /** The input conv of frames [n, h, w, c] (plus the bias): [n, outH, outW, 4 filters]. */
  protected project(frames: Tensor): Tensor {
    if (!this.kernel) throw new Error(`${this.name}: the layer is not built yet`);
    return ops.fusedConv2d({ x: frames, filter: this.kernel.value, strides: this.strides, pad: this.padding, dilations: this.dilationRate, bias: this.bias?.value });
  }

  /** One step from the projected input xt [batch, outH, outW, 4 filters] and the states: [h, c]. */
  protected step(xt: Tensor, h0: Tensor, c0: Tensor, recMask?: Tensor): [Tensor, Tensor] {
    const [n, oh, ow] = xt.shape as [number, number, number, number];
    const u = this.filters;
    const part = (t: Tensor, k: number) => ops.slice(t, [0, 0, 0, k * u], [n, oh, ow, u]);
    const hp = recMask ? ops.mul(h0, recMask) : h0;
    const z = ops.add(xt, ops.conv2d(hp, this.recurrentKernel!.value, 1, 'same'));
    // Each activation runs once over all four gates, then the gates are cut out.
    const gates = applyActivation(this.recurrentActivation, z), cand = applyActivation(this.activation, z);
    const c = ops.add(ops.mul(part(gates, 1), c0), ops.mul(part(gates, 0), part(cand, 2)));
    const h = ops.mul(part(gates, 3), applyActivation(this.activation, c));
    return [h, c];
  }

  /** Keras's config of the cell's options. */
  override getConfig(): Record<string, unknown> {
    return {
      filters: this.filters,
      kernel_size: this.kernelSize.slice(),
      strides: this.strides.slice(),
      padding: this.padding,
      data_format: 'channels_last',
      dilation_rate: this.dilationRate.slice(),
      activation: activationConfig(this.activation),
      recurrent_activation: activationConfig(this.recurrentActivation),
      use_bias: this.useBias,
      unit_forget_bias: this.unitForgetBias,
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

/** ConvLSTM2D's cell: one step, applied to [x, h, c] (x [batch, h, w, c]; states [batch, outH, outW, filters]) -> [h, h, c]. */
export class ConvLSTM2DCell extends ConvLSTM2DBase {
  /** Keras's class name, as in model.json. */
  static readonly className = 'ConvLSTM2DCell';

  constructor(args: ConvLSTM2DCellArgs) {
    super(args, 'convLstm2dCell');
  }

  getClassName(): string {
    return ConvLSTM2DCell.className;
  }

  override get outputCount(): number {
    return 3;
  }

  private frameInput(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const x = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as SymbolicShape;
    if (x.length !== 4) throw new Error(`${this.name}: expected [x, h, c] with x of shape [batch, height, width, channels], got ${fmtSymbolic(x)}`);
    return x;
  }

  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape[] {
    const f = this.frameOf(this.frameInput(inputShape));
    return [f, f, f];
  }

  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    return this.framePlan(this.frameInput(inputShape));
  }

  override build(inputShape: SymbolicShape | SymbolicShape[], seed: number): void {
    const x = this.frameInput(inputShape);
    this.buildWeights(x, seed);
    super.build(x, seed);
  }

  /** On [x, h, c]: [h, h, c] after one step, as Keras's cell call. */
  call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const [x, h0, c0] = list;
    if (!x || x.rank !== 4 || list.length !== 3) throw new Error(`${this.name}: expected [x, h, c] with x of shape [batch, height, width, channels], got ${list.map((t) => fmt(t.shape)).join(', ')}`);
    const f = this.frameOf(x.shape as number[]) as number[];
    const same = (s: Tensor) => s.rank === 4 && s.shape.every((d, i) => d === f[i]);
    if (!same(h0!) || !same(c0!)) throw new Error(`${this.name}: expected states h and c of shape ${fmt(f)}, got ${fmt(h0!.shape)}, ${fmt(c0!.shape)}`);
    const [inMask, recMask] = this.masks(ctx, x.shape as number[], f);
    const [h, c] = this.step(this.project(inMask ? ops.mul(x, inMask) : x), h0!, c0!, recMask);
    return [h, h, c];
  }
}

/** A convolutional LSTM over [batch, steps, height, width, channels]; states [h, c], each [batch, outH, outW, filters]. */
export class ConvLSTM2D extends ConvLSTM2DBase {
  /** Keras's class name, as in model.json. */
  static readonly className = 'ConvLSTM2D';
  /** Whether every step's output is returned, or only the last. */
  readonly returnSequences: boolean;
  /** Whether the final states are returned too. */
  readonly returnState: boolean;
  /** Whether the sequence is read from its end. */
  readonly goBackwards: boolean;
  /** Whether the final states carry into the next batch (resetStates clears them). */
  readonly stateful: boolean;
  /** Accepted for Keras files; the steps always run as a loop. */
  readonly unroll: boolean;
  private carried?: Tensor[];
  private retired: Tensor[] = [];

  constructor(args: ConvLSTM2DArgs) {
    super(args, 'convLstm2d');
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.stateful = args.stateful ?? false;
    this.unroll = args.unroll ?? false;
  }

  getClassName(): string {
    return ConvLSTM2D.className;
  }

  override get outputCount(): number {
    return this.returnState ? 3 : 1;
  }

  private sequenceShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const x = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as SymbolicShape;
    if (x.length !== 5) throw new Error(`${this.name}: expected inputs of shape [batch, steps, height, width, channels], got ${fmtSymbolic(x)}`);
    return x;
  }

  /** One step's output shape [batch, outH, outW, filters]. */
  private frameShape(x: SymbolicShape): SymbolicShape {
    return this.frameOf([x[0]!, x[2]!, x[3]!, x[4]!]);
  }

  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    const x = this.sequenceShape(inputShape);
    const f = this.frameShape(x);
    const out: SymbolicShape = this.returnSequences ? [f[0]!, x[1]!, ...f.slice(1)] : f;
    return this.returnState ? [out, f, f] : out;
  }

  /** kernel [kh, kw, inChannels, 4 filters], recurrent_kernel [kh, kw, filters, 4 filters], bias [4 filters]. */
  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    const x = this.sequenceShape(inputShape);
    return this.framePlan([x[0]!, x[2]!, x[3]!, x[4]!]);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[], seed: number): void {
    const x = this.sequenceShape(inputShape);
    this.buildWeights([x[0]!, x[2]!, x[3]!, x[4]!], seed);
    // Any sequence length runs through the same weights.
    super.build([x[0]!, null, x[2]!, x[3]!, x[4]!], seed);
  }

  /** Forget the states a stateful layer carries (the next batch starts from zeros). */
  resetStates(): void {
    for (const t of [...(this.carried ?? []), ...this.retired]) t.dispose();
    this.carried = undefined;
    this.retired = [];
  }

  /** x [batch, steps, height, width, channels], or [x, h0, c0] with states [batch, outH, outW, filters]. */
  call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[] {
    if (!this.kernel) throw new Error(`${this.name}: the layer is not built yet`);
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const [x, ...given] = list;
    if (!x || x.rank !== 5) throw new Error(`${this.name}: expected inputs of shape [batch, steps, height, width, channels], got ${x ? fmt(x.shape) : 'none'}`);
    const [batch, steps, H, W, C] = x.shape as [number, number, number, number, number];
    const f = this.frameShape([batch, steps, H, W, C]) as number[];
    const same = (s: Tensor) => s.rank === 4 && s.shape.every((d, i) => d === f[i]);
    if (given.length && (given.length !== 2 || !given.every(same))) {
      throw new Error(`${this.name}: expected 2 initial states of shape ${fmt(f)}, got ${given.map((t) => fmt(t.shape)).join(', ')}`);
    }
    if (steps === 0) throw new Error(`${this.name}: expected at least one time step, got ${fmt(x.shape)}`);
    if (this.carried && this.carried[0]!.shape[0] !== batch) {
      throw new Error(`${this.name}: a stateful layer carries states for batch size ${this.carried[0]!.shape[0]}, got a batch of ${batch} (call resetStates() first)`);
    }
    for (const t of this.retired) t.dispose();
    this.retired = [];
    let [h, c] = (given.length ? given : this.carried ?? [ops.zeros(f), ops.zeros(f)]) as [Tensor, Tensor];
    const [inMask, recMask] = this.masks(ctx, [batch, H, W, C], f);
    const u = this.filters;
    // The input conv of every step at once: steps fold into the batch.
    const frames = inMask ? ops.mul(x, ops.reshape(inMask, [batch, 1, H, W, C])) : x;
    const xp = this.project(ops.reshape(frames, [batch * steps, H, W, C]));
    const [, oh, ow] = xp.shape as [number, number, number, number];
    const xs = ops.reshape(xp, [batch, steps, oh, ow, 4 * u]);
    const outs: Tensor[] = [];
    for (let k = 0; k < steps; k++) {
      const t = this.goBackwards ? steps - 1 - k : k;
      const xt = ops.reshape(ops.slice(xs, [0, t, 0, 0, 0], [batch, 1, oh, ow, 4 * u]), [batch, oh, ow, 4 * u]);
      [h, c] = this.step(xt, h, c, recMask);
      if (this.returnSequences) outs.push(h);
    }
    if (this.stateful) {
      if (this.carried) this.retired = this.carried;
      this.carried = [h, c].map((s) => keep(ops.clone(s)));
    }
    const out = this.returnSequences ? ops.stack(outs, 1) : h;
    return this.returnState ? [out, h, c] : out;
  }

  /** Keras's config, as model.json stores it. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
    };
  }

  override dispose(): void {
    this.resetStates();
    super.dispose();
  }
}
