/**
 * Keras's StackedRNNCells: cells run one after another in each time step, their states kept side
 * by side (bottom first), so that one RNN layer runs a stack of cells.
 */
import type { Tensor } from '../../tensor.js';
import { mixSeed } from '../seed.js';
import type { CallContext, LayerArgs, LayerVariable, SymbolicShape, WeightPlan } from './layer.js';
import { RNNCellBase } from './recurrent-cells.js';

/** Options of stackedRNNCells. */
export interface StackedRNNCellsArgs extends LayerArgs {
  /** The cells, bottom first: each feeds its output to the next. */
  cells: RNNCellBase[];
}

/** Cells run one after another in each step; the states are every cell's states, bottom first. */
export class StackedRNNCells extends RNNCellBase {
  /** Keras's class name, as in model.json. */
  static readonly className = 'StackedRNNCells';
  /** The cells, applied in order at each step. */
  readonly cells: RNNCellBase[];

  constructor(args: StackedRNNCellsArgs) {
    super(args);
    if (!args || !Array.isArray(args.cells) || args.cells.length === 0 || args.cells.some((c) => !(c instanceof RNNCellBase))) {
      throw new Error(`${this.name}: cells must be a non-empty array of recurrent cells (simpleRNNCell, lstmCell, gruCell)`);
    }
    this.cells = args.cells.slice();
  }

  getClassName(): string {
    return StackedRNNCells.className;
  }

  clone(name?: string): StackedRNNCells {
    return new StackedRNNCells({ cells: this.cells.map((c) => c.clone()), name });
  }

  get stateSize(): number[] {
    return this.cells.flatMap((c) => c.stateSize);
  }

  get outputSize(): number {
    return this.cells[this.cells.length - 1]!.outputSize;
  }

  /** Each cell's weights, under its own name. */
  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    let f = inputShape;
    return this.cells.flatMap((c) => {
      const plan = c.weightShapes(f).map((w) => ({ ...w, name: `${c.name}/${w.name}` }));
      f = [f[0]!, c.outputSize];
      return plan;
    });
  }

  override build(inputShape: SymbolicShape | SymbolicShape[], seed: number): void {
    let f = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as SymbolicShape;
    const scope = this.weightScope ?? this.name;
    this.cells.forEach((c, i) => {
      c.weightScope = `${scope}/${c.name}`;
      if (!c.built) c.build(f, mixSeed(seed, i));
      f = [f[0]!, c.outputSize];
    });
    super.build(inputShape, seed);
  }

  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? this.cells.flatMap((c) => c.trainableWeights) : [];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? this.cells.flatMap((c) => c.nonTrainableWeights) : this.cells.flatMap((c) => c.weights);
  }

  override countParams(): number {
    return this.cells.reduce((n, c) => n + c.countParams(), 0);
  }

  /** The first cell's projection; the others project inside the step. */
  project(x: Tensor, ctx?: CallContext): Tensor {
    return this.cells[0]!.project(x, ctx);
  }

  override begin(batch: number, ctx: CallContext): void {
    this.cells.forEach((c, i) => c.begin(batch, { ...ctx, seed: mixSeed(ctx.seed, i) }));
  }

  override end(): void {
    for (const c of this.cells) c.end();
  }

  step(xp: Tensor, states: Tensor[], ctx?: CallContext): [Tensor, Tensor[]] {
    const next: Tensor[] = [];
    let at = 0;
    let out = xp;
    this.cells.forEach((c, i) => {
      const k = c.stateSize.length;
      const [h, s] = c.step(i === 0 ? out : c.project(out, ctx), states.slice(at, at + k), ctx);
      at += k;
      next.push(...s);
      out = h;
    });
    return [out, next];
  }

  override getConfig(): Record<string, unknown> {
    return { cells: this.cells.map((c) => ({ class_name: c.getClassName(), config: c.getConfig() })), ...super.getConfig() };
  }

  override dispose(): void {
    for (const c of this.cells) c.dispose();
    super.dispose();
  }
}
