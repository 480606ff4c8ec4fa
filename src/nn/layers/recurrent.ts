/**
 * Recurrent layers: RNN (a cell, or stacked cells, run over the time axis of [batch, steps,
 * features]) and its Keras spellings SimpleRNN, LSTM and GRU. The input projection of every step
 * runs as one matmul before the loop; each step then adds the recurrent part. Options, defaults,
 * weight names and configs are Keras's, so the layers round-trip through TF.js layers files.
 */
import { keep } from '../../memory.js';
import * as ops from '../../ops/index.js';
import { fmt } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { type CallContext, Layer, type LayerArgs, type LayerVariable, type SymbolicShape, type WeightPlan, fmtSymbolic } from './layer.js';
import { GRUCell, type GRUCellArgs, LSTMCell, type LSTMCellArgs, RNNCellBase, type RNNCellArgs, SimpleRNNCell } from './recurrent-cells.js';
import { StackedRNNCells } from './stacked-cells.js';

/** Options every recurrent layer takes (Keras names and defaults). */
export interface BaseRNNArgs extends LayerArgs {
  /** Return the output of every step, [batch, steps, units], not only the last (default false). */
  returnSequences?: boolean;
  /** Also return the final states: [output, ...states] (default false). */
  returnState?: boolean;
  /** Run the steps last to first; the sequence returned is then in that order too (default false). */
  goBackwards?: boolean;
  /** Carry the final states of one batch into the next (default false); needs a fixed batch size. */
  stateful?: boolean;
  /** Accepted for Keras compatibility and ignored: the steps always run as a loop of ops. */
  unroll?: boolean;
}

/** Options of the generic rnn layer. */
export interface RNNArgs extends BaseRNNArgs {
  /** The cell run at each step, or a list of cells stacked bottom first. */
  cell: RNNCellBase | RNNCellBase[];
}

/** A cell run over the time axis. */
export class RNN extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className: string = 'RNN';
  /** The cell run at each step. */
  readonly cell: RNNCellBase;
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
  /** The states a stateful layer carries (kept), and the previous ones, freed at the next call. */
  private carried?: Tensor[];
  private retired: Tensor[] = [];

  constructor(protected readonly args: RNNArgs) {
    super(args);
    const cell = args?.cell;
    if (Array.isArray(cell)) this.cell = new StackedRNNCells({ cells: cell });
    else if (cell instanceof RNNCellBase) this.cell = cell;
    else throw new Error(`${this.name}: cell must be a recurrent cell (simpleRNNCell, lstmCell, gruCell) or an array of them, got ${cell === null ? 'null' : typeof cell}`);
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.stateful = args.stateful ?? false;
    this.unroll = args.unroll ?? false;
  }

  getClassName(): string {
    return (this.constructor as typeof RNN).className;
  }

  override get outputCount(): number {
    return this.returnState ? 1 + this.cell.stateSize.length : 1;
  }

  private sequenceShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const x = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as SymbolicShape;
    if (x.length !== 3) throw new Error(`${this.name}: expected inputs of shape [batch, steps, features], got ${fmtSymbolic(x)}`);
    return x;
  }

  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    const x = this.sequenceShape(inputShape);
    const u = this.cell.outputSize;
    const out: SymbolicShape = this.returnSequences ? [x[0]!, x[1]!, u] : [x[0]!, u];
    return this.returnState ? [out, ...this.cell.stateSize.map((s) => [x[0]!, s] as SymbolicShape)] : out;
  }

  /** The cell's weights, for one step's input [batch, features]. */
  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    const x = this.sequenceShape(inputShape);
    return this.cell.weightShapes([x[0]!, x[2]!]);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[], seed: number): void {
    const x = this.sequenceShape(inputShape);
    this.cell.weightScope = this.weightScope ?? this.name;
    if (!this.cell.built) this.cell.build([x[0]!, x[2]!], seed);
    // Any sequence length runs through the same weights.
    super.build([x[0]!, null, x[2]!], seed);
  }

  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? this.cell.trainableWeights : [];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? this.cell.nonTrainableWeights : this.cell.weights;
  }

  override countParams(): number {
    return this.cell.countParams();
  }

  /** @internal A fresh, unbuilt layer of the same options, with `overrides` (a wrapper's forward and backward copies). */
  cloneWith(overrides: BaseRNNArgs): RNN {
    const { inputShape: _i, batchInputShape: _b, batchSize: _s, ...rest } = this.args;
    const Ctor = this.constructor as new (a: RNNArgs) => RNN;
    return new Ctor({ ...rest, cell: this.cell.clone(), ...overrides });
  }

  /** Forget the states a stateful layer carries (the next batch starts from zeros). */
  resetStates(): void {
    for (const t of [...(this.carried ?? []), ...this.retired]) t.dispose();
    this.carried = undefined;
    this.retired = [];
  }

  /**
   * x [batch, steps, features], or [x, ...initialStates]. `mask` ([batch, steps], 1 where a step
   * is real) holds the state through masked steps and repeats the previous output there.
   */
  call(inputs: Tensor | Tensor[], ctx: CallContext, mask?: Tensor): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const [x, ...given] = list;
    if (!x || x.rank !== 3) throw new Error(`${this.name}: expected inputs of shape [batch, steps, features], got ${x ? fmt(x.shape) : 'none'}`);
    const [batch, steps] = x.shape as [number, number, number];
    const sizes = this.cell.stateSize;
    if (given.length && (given.length !== sizes.length || given.some((s, i) => s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== sizes[i]))) {
      throw new Error(`${this.name}: expected ${sizes.length} initial state(s) of shape ${sizes.map((s) => `[${batch},${s}]`).join(', ')}, got ${given.map((t) => fmt(t.shape)).join(', ')}`);
    }
    if (steps === 0) throw new Error(`${this.name}: expected at least one time step, got ${fmt(x.shape)}`);
    for (const t of this.retired) t.dispose();
    this.retired = [];
    if (mask && (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== steps)) throw new Error(`${this.name}: the mask must be [batch, steps] = [${batch},${steps}], got ${fmt(mask.shape)}`);
    if (this.carried && this.carried[0]!.shape[0] !== batch) {
      throw new Error(`${this.name}: a stateful layer carries states for batch size ${this.carried[0]!.shape[0]}, got a batch of ${batch} (call resetStates() first)`);
    }
    let states = given.length ? given : this.carried ?? sizes.map((s) => ops.zeros([batch, s]));
    const cell = this.cell;
    cell.begin(batch, ctx);
    const xp = cell.project(x, ctx);
    const g = xp.shape[2]!;
    const stepMask = mask ?? ctx.mask;
    const m = stepMask ? ops.cast(stepMask, 'float32') : undefined;
    const outs: Tensor[] = [];
    let last: Tensor | undefined;
    for (let k = 0; k < steps; k++) {
      const t = this.goBackwards ? steps - 1 - k : k;
      const xt = ops.reshape(ops.slice(xp, [0, t, 0], [batch, 1, g]), [batch, g]);
      let [h, next] = cell.step(xt, states, ctx);
      if (m) {
        const mt = ops.reshape(ops.slice(m, [0, t], [batch, 1]), [batch, 1]);
        // As TF.js: a masked step repeats the previous output (at first the first state).
        const prevOut = last ?? states[0]!;
        h = ops.where(mt, h, prevOut);
        next = next.map((s, i) => ops.where(mt, s, states[i]!));
      }
      states = next;
      last = h;
      if (this.returnSequences) outs.push(h);
    }
    cell.end();
    if (this.stateful) {
      if (this.carried) this.retired = this.carried;
      this.carried = states.map((s) => keep(ops.clone(s)));
    }
    const out = this.returnSequences ? ops.stack(outs, 1) : last!;
    return this.returnState ? [out, ...states] : out;
  }

  /** The input's mask goes on with the sequence (returnSequences), else stops here. */
  override computeMask(_x: Tensor | Tensor[], mask?: Tensor): Tensor | undefined {
    return this.returnSequences && !this.returnState ? mask : undefined;
  }

  /** The flags every recurrent layer writes. */
  protected rnnConfig(): Record<string, unknown> {
    return {
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
    };
  }

  override getConfig(): Record<string, unknown> {
    return { cell: { class_name: this.cell.getClassName(), config: this.cell.getConfig() }, ...this.rnnConfig(), ...super.getConfig() };
  }

  override dispose(): void {
    this.resetStates();
    this.cell.dispose();
    super.dispose();
  }
}

/** The cell's config without the cell's own name. */
function cellOptions(cell: RNNCellBase): Record<string, unknown> {
  const c = cell.getConfig();
  delete c.name;
  delete c.trainable;
  delete c.batch_input_shape;
  delete c.dtype;
  return c;
}

/** Options of simpleRNN. */
export interface SimpleRNNArgs extends RNNCellArgs, BaseRNNArgs {}
/** Options of lstm. */
export interface LSTMArgs extends LSTMCellArgs, BaseRNNArgs {}
/** Options of gru. */
export interface GRUArgs extends GRUCellArgs, BaseRNNArgs {}

/** Strip what belongs to the layer, not the cell, from the options. */
function cellArgs<T extends LayerArgs>(args: T): T {
  const { name: _n, inputShape: _i, batchInputShape: _b, batchSize: _s, trainable: _t, ...rest } = args;
  return rest as T;
}

/** h = activation(x W + b + h_prev U) over the steps. */
export class SimpleRNN extends RNN {
  static override readonly className = 'SimpleRNN';
  constructor(args: SimpleRNNArgs) {
    super({ ...args, cell: new SimpleRNNCell(cellArgs(args ?? ({} as SimpleRNNArgs))) });
  }
  override getConfig(): Record<string, unknown> {
    return { ...cellOptions(this.cell), ...this.rnnConfig(), ...Layer.prototype.getConfig.call(this) };
  }
}

/** Long short-term memory over the steps; states [h, c]. */
export class LSTM extends RNN {
  static override readonly className = 'LSTM';
  constructor(args: LSTMArgs) {
    super({ ...args, cell: new LSTMCell(cellArgs(args ?? ({} as LSTMArgs))) });
  }
  override getConfig(): Record<string, unknown> {
    return { ...cellOptions(this.cell), ...this.rnnConfig(), ...Layer.prototype.getConfig.call(this) };
  }
}

/** Gated recurrent unit over the steps. */
export class GRU extends RNN {
  static override readonly className = 'GRU';
  constructor(args: GRUArgs) {
    super({ ...args, cell: new GRUCell(cellArgs(args ?? ({} as GRUArgs))) });
  }
  override getConfig(): Record<string, unknown> {
    return { ...cellOptions(this.cell), ...this.rnnConfig(), ...Layer.prototype.getConfig.call(this) };
  }
}
