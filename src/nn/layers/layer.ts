/**
 * The Layer base class and LayerVariable (a named, kept weight tensor). Layers are built lazily
 * from the input shape they first see, own their weights, and describe themselves as Keras configs.
 */
import { keep } from '../../memory.js';
import { clone } from '../../ops/index.js';
import { fmt, sameShape, type Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { Initializer } from '../initializers.js';
import type { Regularizer } from '../regularizers.js';
import { freshSeed, mixSeed } from '../seed.js';

import { Node, SymbolicTensor, fmtSymbolic, type SymbolicShape } from './symbolic.js';

export { fmtSymbolic, type SymbolicShape } from './symbolic.js';

/** Options of layer.apply. */
export interface ApplyArgs {
  /** On concrete tensors: run in training mode (dropout drops; default false). */
  training?: boolean;
}

/** A weight that build() creates: its name in the layer, its shape, and whether it trains. */
export interface WeightPlan {
  /** The name inside its layer, e.g. 'kernel'. */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Whether optimizers update it (false for moving statistics). */
  trainable: boolean;
}

/** A weight of a layer. Its tensor is kept (no tidy disposes it) and updated in place by optimizers. */
export class LayerVariable {
  constructor(
    /** The name inside its layer, e.g. 'kernel'. */
    readonly name: string,
    /** The layer's name + '/' + name, as written in model.json. */
    readonly fullName: string,
    private tensor: Tensor,
    /** Whether optimizers update it. */
    readonly trainable: boolean,
    /** A penalty on its value added to the loss, if any. */
    readonly regularizer?: Regularizer,
  ) {
    keep(tensor);
  }

  /** The current value (owned by the variable: do not dispose it). */
  get value(): Tensor {
    return this.tensor;
  }

  /** The weight's shape. */
  get shape(): readonly number[] {
    return this.tensor.shape;
  }

  /** Replace the value with a copy of `t` (same shape), freeing the old buffer. */
  assign(t: Tensor, op = 'setWeights'): void {
    if (!(t instanceof Tensor)) throw new Error(`${op}: expected a Tensor for weight ${this.fullName}, got ${typeof t}`);
    if (!sameShape(t.shape, this.tensor.shape)) {
      throw new Error(`${op}: weight ${this.fullName} has shape ${fmt(this.tensor.shape)}, got a tensor of shape ${fmt(t.shape)}`);
    }
    if (t.dtype !== 'float32') throw new Error(`${op}: weight ${this.fullName} is float32, got ${t.dtype}`);
    if (t.backend !== this.tensor.backend) {
      throw new Error(`${op}: weight ${this.fullName} lives on ${this.tensor.backend.name}, the new value on ${t.backend.name}; copy it first with \`await t.to('${this.tensor.backend.name}')\``);
    }
    this.replace(clone(t));
  }

  /** @internal Take ownership of `t` (no copy) as the new value. */
  replace(t: Tensor): void {
    const old = this.tensor;
    this.tensor = keep(t);
    if (old !== t) old.dispose();
  }

  /** Free the value's buffer. */
  dispose(): void {
    this.tensor.dispose();
  }
}

/** What a layer's forward pass needs to know besides its input. */
export interface CallContext {
  /** True during fit (dropout drops, batch normalization uses batch statistics), false in predict and evaluate. */
  training: boolean;
  /** A seed for this step's randomness (dropout); layers mix in their index. */
  seed: number;
  /** Moving-statistic updates (batchNormalization) the model applies after the step. */
  updates: [LayerVariable, Tensor][];
  /** The mask of a one-input layer's input, [batch, steps] (1 where a step is real), when a layer before it made one (Keras's mask propagation). */
  mask?: Tensor;
}

/** Options every layer accepts (Keras names). */
export interface LayerArgs {
  /** The layer's name (default: its class in snake_case, numbered: dense, dense_1, ...). Must be unique in a model. */
  name?: string;
  /** Whether fit updates its weights (default true). */
  trainable?: boolean;
  /** The shape of one example (without the batch dimension; null where any size goes); only the first layer needs it. */
  inputShape?: readonly (number | null)[];
  /** The full input shape, batch dimension first (null when free). */
  batchInputShape?: SymbolicShape;
  /** With inputShape: a fixed batch size for batchInputShape (default null, any). */
  batchSize?: number;
  /** The weights' dtype: only float32. */
  dtype?: 'float32';
}

const nameCounts = new Map<string, number>();

/** Whether two shapes agree where both are known (null matches anything). */
function compatible(a: SymbolicShape, b: SymbolicShape): boolean {
  return a.length === b.length && a.every((d, i) => i === 0 || d === null || b[i] === null || d === b[i]);
}

/** Keras-style unique names: dense, dense_1, dense_2, ... */
export function uniqueName(base: string): string {
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Keras's class-name to layer-name rule: MaxPooling2D -> max_pooling2d, BatchNormalization -> batch_normalization. */
function snake(s: string): string {
  return s.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * The base of every layer: a name, weights created by build from the first input shape, a forward
 * pass (call), and a Keras config for model.json. Subclass it for a custom layer.
 */
export abstract class Layer {
  /** The layer's name, unique within a model. */
  readonly name: string;
  /** Whether fit updates its weights; may be changed between fits to freeze a layer. */
  trainable: boolean;
  /** Set from inputShape/batchInputShape; the first layer of a model needs it. */
  readonly batchInputShape?: SymbolicShape;
  /** The input shape the layer was built for (batch dimension null). */
  builtInputShape?: SymbolicShape;
  protected vars: LayerVariable[] = [];
  /** @internal Every application of this layer in a graph, in order (Keras's inbound nodes). */
  readonly inboundNodes: Node[] = [];
  /** @internal The prefix of its weights' full names (its name, unless a wrapper layer owns it). */
  weightScope?: string;

  constructor(args: LayerArgs = {}) {
    const op = snake(this.getClassName());
    if (args === null || typeof args !== 'object') throw new Error(`${op}: expected an options object, got ${String(args)}`);
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name === '')) throw new Error(`${op}: name must be a non-empty string, got ${String(args.name)}`);
    this.name = args.name ?? uniqueName(op);
    this.trainable = args.trainable ?? true;
    const shape = args.batchInputShape ?? (args.inputShape ? [args.batchSize ?? null, ...args.inputShape] : undefined);
    if (shape !== undefined) {
      // null stands for a free size: the batch, or an image's height and width.
      if (!Array.isArray(shape) || shape.some((d) => d !== null && !(Number.isInteger(d) && (d as number) > 0))) {
        throw new Error(`${this.name}: inputShape must be an array of positive integers (or null for a free size), got ${JSON.stringify(args.inputShape ?? args.batchInputShape)}`);
      }
      this.batchInputShape = shape.slice();
    }
  }

  /** The Keras class name ('Dense', 'Dropout', ...). */
  abstract getClassName(): string;

  /** Whether the mask of its input passes through to its output (Keras's supports_masking). */
  supportsMasking = false;

  /**
   * The mask of its output for input `x` with mask `mask` ([batch, steps] of 0 and 1): the input's
   * mask where supportsMasking, else none. Masking and embedding (maskZero) make one.
   */
  computeMask(x: Tensor | Tensor[], mask?: Tensor): Tensor | undefined {
    void x;
    return this.supportsMasking ? mask : undefined;
  }

  /** The output shape for an input shape (batch dimension may be null); a list of shapes for layers of several inputs or outputs. */
  abstract computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[];

  /** The forward pass; layers of several inputs (merge layers) receive an array. */
  abstract call(x: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[];

  /** The number of outputs call returns (1 but for models with several outputs). */
  get outputCount(): number {
    return 1;
  }

  /**
   * Apply the layer. On placeholders (from `wt.input()` or another layer's apply) it records the
   * application in the graph and returns the output placeholder; nothing is allocated until a model
   * is made of the graph. On concrete tensors it builds the layer if needed and runs it (inference
   * mode unless `training: true`). A layer applied several times shares its weights.
   */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[], kwargs?: ApplyArgs): SymbolicTensor;
  apply(inputs: Tensor | readonly Tensor[], kwargs?: ApplyArgs): Tensor;
  apply(inputs: SymbolicTensor | Tensor | readonly (SymbolicTensor | Tensor)[], kwargs: ApplyArgs = {}): SymbolicTensor | Tensor {
    const out = this.applyAll(inputs as SymbolicTensor | readonly SymbolicTensor[], kwargs);
    if (out.length !== 1) throw new Error(`${this.name}.apply: the layer has ${out.length} outputs; use applyAll, which returns them all`);
    return out[0]!;
  }

  /** As apply, returning every output (a model with several outputs has one per output). */
  applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[], kwargs?: ApplyArgs): SymbolicTensor[];
  applyAll(inputs: Tensor | readonly Tensor[], kwargs?: ApplyArgs): Tensor[];
  applyAll(inputs: SymbolicTensor | Tensor | readonly (SymbolicTensor | Tensor)[], kwargs: ApplyArgs = {}): (SymbolicTensor | Tensor)[] {
    const list = Array.isArray(inputs) ? (inputs as (SymbolicTensor | Tensor)[]) : [inputs as SymbolicTensor | Tensor];
    const op = `${this.name}.apply`;
    if (list.length === 0) throw new Error(`${op}: expected a tensor or placeholder, got an empty array`);
    if (list.every((t) => t instanceof SymbolicTensor)) return this.applySymbolic(list as SymbolicTensor[]).outputs;
    if (!list.every((t) => t instanceof Tensor)) {
      throw new Error(`${op}: expected placeholders (from wt.input) or tensors, not a mix, got ${list.map((t) => (t instanceof Tensor ? 'Tensor' : t instanceof SymbolicTensor ? 'SymbolicTensor' : typeof t)).join(', ')}`);
    }
    const ts = list as Tensor[];
    if (ts.some((t) => t.rank < 1)) throw new Error(`${op}: expected a batch of inputs, got a scalar`);
    const shapes = ts.map((t) => [null, ...t.shape.slice(1)] as SymbolicShape);
    if (!this.built) this.build(shapes.length === 1 ? shapes[0]! : shapes, freshSeed());
    if (ts.length === 1) this.checkInput(ts[0]!.shape);
    const y = this.call(ts.length === 1 ? ts[0]! : ts, { training: kwargs.training ?? false, seed: freshSeed(), updates: [] });
    return Array.isArray(y) ? y : [y];
  }

  /** @internal Record one application on placeholders; the output shapes are checked and computed, nothing is built. */
  applySymbolic(inputs: readonly SymbolicTensor[]): Node {
    const shapes = inputs.map((t) => t.shape);
    const prev = this.inboundNodes[0];
    const want = prev ? prev.inputs.map((t) => t.shape) : this.builtInputShape && shapes.length === 1 ? [this.builtInputShape] : undefined;
    if (want && (want.length !== shapes.length || want.some((w, i) => !compatible(w, shapes[i]!)))) {
      throw new Error(`${this.name}: applied to input shape ${shapes.map(fmtSymbolic).join(', ')}, but it was first used with ${want.map(fmtSymbolic).join(', ')} (a shared layer takes the same shapes everywhere)`);
    }
    const out = this.computeOutputShape(shapes.length === 1 ? shapes[0]! : shapes.slice());
    const outs = this.outputCount === 1 ? [out as SymbolicShape] : (out as SymbolicShape[]);
    // Layers compute in float32 (an embedding turns int32 indices into float32 vectors); only inputs may be int32.
    return new Node(this, inputs, outs, 'float32');
  }

  /**
   * The weights build(inputShape) creates, in creation order, without creating them: a model file
   * is checked against this before anything is allocated. Layers with weights override it and
   * build from it, so the two cannot disagree.
   */
  weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    void inputShape;
    return [];
  }

  /** Create the weights for `inputShape`; `seed` seeds initializers that have none of their own. */
  build(inputShape: SymbolicShape | SymbolicShape[], seed: number): void {
    void seed;
    // Layers of several inputs check their shapes themselves; the first stands for "built".
    const first = Array.isArray(inputShape[0]) ? (inputShape[0] as SymbolicShape) : (inputShape as SymbolicShape);
    this.builtInputShape = first.slice();
  }

  /** Whether build has run (the weights exist). */
  get built(): boolean {
    return this.builtInputShape !== undefined;
  }

  /** @internal Create and register a weight. */
  protected addWeight(name: string, shape: Shape, init: Initializer, seed: number, trainable = true, regularizer?: Regularizer): LayerVariable {
    const v = new LayerVariable(name, `${this.weightScope ?? this.name}/${name}`, init.apply(shape, mixSeed(seed, this.vars.length)), trainable, regularizer);
    this.vars.push(v);
    return v;
  }

  /** Throw a clear Error when `shape` does not fit the shape this layer was built for. */
  checkInput(shape: readonly number[]): void {
    const want = this.builtInputShape;
    if (!want) return;
    if (shape.length !== want.length || want.some((d, i) => i > 0 && d !== null && d !== shape[i])) {
      throw new Error(`${this.name}: expected input shape ${fmtSymbolic(want)}, got ${fmt(shape)}`);
    }
  }

  /** Every weight: trainable ones first, in creation order, then the others. */
  get weights(): LayerVariable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  /** The weights fit updates (none while trainable is false). */
  get trainableWeights(): LayerVariable[] {
    return this.trainable ? this.vars.filter((v) => v.trainable) : [];
  }

  /** The weights fit leaves alone. */
  get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? this.vars.filter((v) => !v.trainable) : this.vars.slice();
  }

  /** Copies of the weight values (dispose them when done). */
  getWeights(): Tensor[] {
    return this.weights.map((v) => clone(v.value));
  }

  /** Set the weights from tensors in the order of getWeights (they are copied). */
  setWeights(values: readonly Tensor[]): void {
    const ws = this.weights;
    if (!Array.isArray(values) || values.length !== ws.length) {
      throw new Error(`${this.name}.setWeights: expected ${ws.length} tensors (${ws.map((w) => w.fullName).join(', ')}), got ${Array.isArray(values) ? values.length : typeof values}`);
    }
    ws.forEach((w, i) => w.assign(values[i]!, `${this.name}.setWeights`));
  }

  /** The number of scalars in its weights. */
  countParams(): number {
    return this.vars.reduce((n, v) => n + v.value.size, 0);
  }

  /** The Keras config as written to model.json (snake_case keys). */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { name: this.name, trainable: this.trainable };
    if (this.batchInputShape) {
      c.batch_input_shape = this.batchInputShape.slice();
      c.dtype = 'float32';
    }
    return c;
  }

  /** Free the weights; the layer is built again on next use. */
  dispose(): void {
    for (const v of this.vars) v.dispose();
    this.vars = [];
    this.builtInputShape = undefined;
  }
}
