/**
 * Keras's wrapper layers: Bidirectional (a recurrent layer run forwards and backwards, the two
 * outputs merged) and TimeDistributed (one layer applied to every time step). The wrapped layers'
 * weights are named under the wrapper, as TF.js and Keras write them.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { type CallContext, Layer, type LayerArgs, type LayerVariable, type SymbolicShape, type WeightPlan, fmtSymbolic } from './layer.js';
import { RNN } from './recurrent.js';

/** How Bidirectional joins the forward and backward outputs. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

/** Options of bidirectional. */
export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer (simpleRNN, lstm, gru, rnn); copies of it run each way. */
  layer: RNN;
  /** Default 'concat'; null returns the two outputs separately. */
  mergeMode?: MergeMode;
}

const MODES = ['concat', 'sum', 'mul', 'ave', null];

/** Runs a recurrent layer over the sequence both ways and merges the two outputs. */
export class Bidirectional extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Bidirectional';
  /** The layer as given (its config is what model.json records). */
  readonly layer: RNN;
  /** The layer run over the sequence as given. */
  readonly forwardLayer: RNN;
  /** The layer run over the reversed sequence. */
  readonly backwardLayer: RNN;
  /** How the two directions combine: concat, sum, mul, ave, or null for both. */
  readonly mergeMode: MergeMode;

  constructor(args: BidirectionalArgs) {
    super(args);
    if (!args || !(args.layer instanceof RNN)) throw new Error(`${this.name}: layer must be a recurrent layer (simpleRNN, lstm, gru or rnn), got ${args?.layer === undefined ? 'none' : (args.layer as object)?.constructor?.name ?? typeof args.layer}`);
    const mode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (!MODES.includes(mode)) throw new Error(`${this.name}: mergeMode must be one of concat, sum, mul, ave or null, got ${JSON.stringify(args.mergeMode)}`);
    this.mergeMode = mode;
    this.layer = args.layer;
    const l = args.layer;
    this.forwardLayer = l.cloneWith({ name: `forward_${l.name}` });
    this.backwardLayer = l.cloneWith({ name: `backward_${l.name}`, goBackwards: !l.goBackwards });
  }

  getClassName(): string {
    return Bidirectional.className;
  }

  override get outputCount(): number {
    const states = this.layer.returnState ? 2 * this.layer.cell.stateSize.length : 0;
    return (this.mergeMode === null ? 2 : 1) + states;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape | SymbolicShape[] {
    const f = this.forwardLayer.computeOutputShape(inputShape);
    const list = (Array.isArray(f[0]) ? f : [f]) as SymbolicShape[];
    const y = list[0]!;
    const merged: SymbolicShape[] = this.mergeMode === null ? [y, y]
      : this.mergeMode === 'concat' ? [[...y.slice(0, -1), y[y.length - 1] === null ? null : 2 * y[y.length - 1]!]] : [y];
    const states = list.slice(1);
    const all = [...merged, ...states, ...states];
    return all.length === 1 ? all[0]! : all;
  }

  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    return [this.forwardLayer, this.backwardLayer].flatMap((l) => l.weightShapes(inputShape).map((w) => ({ ...w, name: `${l.name}/${w.name}` })));
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    [this.forwardLayer, this.backwardLayer].forEach((l, i) => {
      l.weightScope = `${this.name}/${l.name}`;
      if (!l.built) l.build(inputShape, seed + i);
    });
    super.build(inputShape, seed);
  }

  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? [...this.forwardLayer.trainableWeights, ...this.backwardLayer.trainableWeights] : [];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? [...this.forwardLayer.nonTrainableWeights, ...this.backwardLayer.nonTrainableWeights] : [...this.forwardLayer.weights, ...this.backwardLayer.weights];
  }

  override countParams(): number {
    return this.forwardLayer.countParams() + this.backwardLayer.countParams();
  }

  call(x: Tensor, ctx: CallContext, mask?: Tensor): Tensor | Tensor[] {
    const run = (l: RNN, k: number) => {
      const y = l.call(x, { ...ctx, seed: ctx.seed + k }, mask);
      return Array.isArray(y) ? y : [y];
    };
    const [yf, ...sf] = run(this.forwardLayer, 0);
    let [yb, ...sb] = run(this.backwardLayer, 1);
    // The backward copy returns its sequence last step first: put it back in time order.
    if (this.layer.returnSequences) yb = ops.reverse(yb!, 1);
    let merged: Tensor[];
    switch (this.mergeMode) {
      case 'concat': merged = [ops.concat([yf!, yb!], -1)]; break;
      case 'sum': merged = [ops.add(yf!, yb!)]; break;
      case 'mul': merged = [ops.mul(yf!, yb!)]; break;
      case 'ave': merged = [ops.mul(ops.add(yf!, yb!), 0.5)]; break;
      default: merged = [yf!, yb!];
    }
    const all = [...merged, ...sf, ...sb];
    return all.length === 1 ? all[0]! : all;
  }

  /** The mask goes on with the sequence (returnSequences), else stops here. */
  override computeMask(_x: Tensor | Tensor[], mask?: Tensor): Tensor | undefined {
    return this.layer.returnSequences && this.outputCount === 1 ? mask : undefined;
  }

  override getConfig(): Record<string, unknown> {
    return { layer: { class_name: this.layer.getClassName(), config: this.layer.getConfig() }, merge_mode: this.mergeMode, ...super.getConfig() };
  }

  override dispose(): void {
    this.forwardLayer.dispose();
    this.backwardLayer.dispose();
    super.dispose();
  }
}

/** Options of timeDistributed. */
export interface TimeDistributedArgs extends LayerArgs {
  /** The layer applied to each step (its input is one step: [batch, ...]). */
  layer: Layer;
}

/** Applies one layer to every step of [batch, steps, ...]: the steps are folded into the batch. */
export class TimeDistributed extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'TimeDistributed';
  /** The layer applied to every time step. */
  readonly layer: Layer;
  override supportsMasking = true;

  constructor(args: TimeDistributedArgs) {
    super(args);
    if (!args || !(args.layer instanceof Layer)) throw new Error(`${this.name}: layer must be a Layer, got ${args?.layer === undefined ? 'none' : typeof args.layer}`);
    if (args.layer.outputCount !== 1) throw new Error(`${this.name}: the wrapped layer must have one output, '${args.layer.name}' has ${args.layer.outputCount}`);
    this.layer = args.layer;
  }

  getClassName(): string {
    return TimeDistributed.className;
  }

  private stepShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length < 3) throw new Error(`${this.name}: expected inputs of shape [batch, steps, ...], got ${fmtSymbolic(inputShape)}`);
    return [inputShape[0]!, ...inputShape.slice(2)];
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const y = this.layer.computeOutputShape(this.stepShape(inputShape)) as SymbolicShape;
    return [inputShape[0]!, inputShape[1]!, ...y.slice(1)];
  }

  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    return this.layer.weightShapes(this.stepShape(inputShape));
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    this.layer.weightScope = this.name;
    if (!this.layer.built) this.layer.build([null, ...this.stepShape(inputShape).slice(1)], seed);
    super.build(inputShape, seed);
  }

  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? this.layer.trainableWeights : [];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? this.layer.nonTrainableWeights : this.layer.weights;
  }

  override countParams(): number {
    return this.layer.countParams();
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (x.rank < 3) throw new Error(`${this.name}: expected inputs of shape [batch, steps, ...], got [${x.shape}]`);
    const [b, t] = x.shape as [number, number];
    const y = this.layer.call(ops.reshape(x, [b * t, ...x.shape.slice(2)]), { ...ctx, mask: undefined });
    if (Array.isArray(y)) throw new Error(`${this.name}: the wrapped layer returned ${y.length} outputs`);
    return ops.reshape(y, [b, t, ...y.shape.slice(1)]);
  }

  override getConfig(): Record<string, unknown> {
    return { layer: { class_name: this.layer.getClassName(), config: this.layer.getConfig() }, ...super.getConfig() };
  }

  override dispose(): void {
    this.layer.dispose();
    super.dispose();
  }
}
