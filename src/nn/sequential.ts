/**
 * Sequential: a functional model whose graph is a chain, each layer feeding the next. Layers can be
 * added one at a time; the chain is wired (and its layers built) as soon as the input shape is
 * known, from the first layer's inputShape, an inputLayer, or the first batch fit / predict see.
 */
import type { Tensor } from '../tensor.js';
import { InputLayer } from './layers/input.js';
import { Layer, uniqueName, fmtSymbolic, type SymbolicShape } from './layers/layer.js';
import { LayersModel, type PredictArgs } from './model.js';
import type { NamedTensors } from './data.js';
import { freshSeed } from './seed.js';

/** Options of sequential(). */
export interface SequentialArgs {
  /** The layers, first to last; the first usually gives inputShape. */
  layers?: Layer[];
  /** The model's name (default sequential, sequential_1, ...). */
  name?: string;
  /** Seeds every initializer without a seed of its own: the same seed gives the same weights on every backend. */
  seed?: number;
}

/** The Keras model config that a Sequential's getConfig returns (model.json's model_config.config). */
export interface SequentialConfig {
  /** The model's name. */
  name: string;
  /** Each layer's Keras class name and config, in order. */
  layers: {
    /** The layer's Keras class, as Dense. */
    class_name: string;
    /** Its config, snake_case keys as in Keras. */
    config: Record<string, unknown>;
  }[];
}

/**
 * A Keras Sequential model: a stack of layers, each feeding the next. Build it with
 * `wt.sequential([...])`, configure training with compile, then fit, evaluate and predict; save and
 * loadModel use the TensorFlow.js layers format. It is a LayersModel over a chain: the same graph,
 * training loop and file format serve both.
 */
export class Sequential extends LayersModel {
  /** Keras's class name, as in model.json. */
  static override readonly className: string = 'Sequential';
  private readonly chain: Layer[] = [];
  private start?: InputLayer;
  private deferred = false;

  constructor(args: SequentialArgs | Layer[] = {}) {
    const a: SequentialArgs = Array.isArray(args) ? { layers: args } : args;
    if (a === null || typeof a !== 'object') throw new Error(`sequential: expected an array of layers or { layers }, got ${String(args)}`);
    if (a.seed !== undefined && !Number.isInteger(a.seed)) throw new Error(`sequential: seed must be an integer, got ${String(a.seed)}`);
    super({ name: a.name ?? uniqueName('sequential') });
    this.seed = a.seed ?? freshSeed();
    // The chain is wired once, after every layer is checked (not once per layer).
    this.deferred = true;
    try {
      for (const l of a.layers ?? []) this.add(l);
    } finally {
      this.deferred = false;
    }
    if (this.start && this.chain.length) this.connect(this.start);
    else if (this.chain[0]?.batchInputShape) this.build(this.chain[0].batchInputShape);
  }

  override getClassName(): string {
    return Sequential.className;
  }

  /** Append a layer; built at once when the model's input shape is known. */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new Error(`sequential.add: expected a layer from wt.layers, got ${layer === null ? 'null' : typeof layer}`);
    if (layer instanceof InputLayer) {
      if (this.chain.length > 0 || this.start) throw new Error(`sequential.add: an inputLayer may only come first ('${layer.name}' does not)`);
      this.start = layer;
      return;
    }
    if (this.chain.includes(layer) || this.chain.some((l) => l.name === layer.name)) throw new Error(`sequential.add: a layer named '${layer.name}' is already in the model`);
    if ((this.chain.length > 0 || this.start) && layer.batchInputShape) throw new Error(`sequential.add: only the first layer may set inputShape ('${layer.name}' does)`);
    if (layer.outputCount !== 1) throw new Error(`sequential.add: '${layer.name}' has ${layer.outputCount} outputs; a Sequential model's layers have one`);
    if (this.deferred) {
      this.chain.push(layer);
      return;
    }
    if (this.outputs.length) {
      const out = layer.apply(this.outputs[0]!);
      this.chain.push(layer);
      this.wire('sequential.add', this.inputs, [out]);
      return;
    }
    this.chain.push(layer);
    if (this.start) this.connect(this.start);
    else if (this.chain.length === 1 && layer.batchInputShape) this.build(layer.batchInputShape);
  }

  /** Wire the chain from `start` (building its layers unless `build` is false). */
  private connect(start: InputLayer, build = true): void {
    this.start = start;
    let x = start.output;
    for (const l of this.chain) x = l.apply(x);
    this.wire(this.name, [start.output], [x], build);
  }

  /** @internal A chain wired for inputs of `inputShape` but not built (a loaded file is checked first); build() allocates. */
  static unbuiltChain(layers: Layer[], name: string | undefined, inputShape: SymbolicShape): Sequential {
    const s = new Sequential({ name });
    s.chain.push(...layers);
    s.connect(new InputLayer({ batchInputShape: inputShape, name: uniqueName('input') }), false);
    return s;
  }

  /** The layers, first to last (without the input layer, as in Keras). */
  override get layers(): Layer[] {
    return this.chain.slice();
  }

  protected override weightedLayers(): Layer[] {
    return this.chain.slice();
  }

  /** Create every layer's weights for inputs of `inputShape` (batch dimension first, may be null). */
  override build(inputShape: SymbolicShape, seed?: number): void {
    if (this.chain.length === 0) throw new Error(`${this.name}: cannot build a model with no layers`);
    if (this.outputs.length) {
      // Wired but not built: a chain nested in another model, built with it.
      if (!this.built) super.build(inputShape, seed ?? this.seed);
      return;
    }
    const first = this.chain[0]!;
    if (first.batchInputShape && inputShape.length !== first.batchInputShape.length) {
      throw new Error(`${first.name}: expected input shape ${fmtSymbolic(first.batchInputShape)}, got ${fmtSymbolic(inputShape)}`);
    }
    this.connect(new InputLayer({ batchInputShape: first.batchInputShape ?? [null, ...inputShape.slice(1)], name: uniqueName('input') }));
  }

  /** The first layer names a wrong input shape, as the model's own input. */
  protected override checkModelInput(i: number, x: Tensor): void {
    this.chain[0]?.checkInput(x.shape);
    super.checkModelInput(i, x);
  }

  protected override ensureWired(op: string, x: unknown): void {
    if (this.chain.length === 0) throw new Error(`${op}: the model has no layers`);
    const t = Array.isArray(x) ? x[0] : x;
    if (!this.outputs.length && t && typeof t === 'object' && 'shape' in t && Array.isArray((t as Tensor).shape) && (t as Tensor).shape.length > 0) {
      this.build([null, ...(t as Tensor).shape.slice(1)]);
    }
    if (!this.outputs.length) throw new Error(`${op}: expected a Tensor of inputs, got ${x === null ? 'null' : typeof x}`);
  }

  /** The input shape, batch dimension null. */
  get inputShape(): SymbolicShape {
    const s = this.inputs[0]?.shape ?? this.chain[0]?.batchInputShape;
    if (!s) throw new Error(`${this.name}: the input shape is not known yet (give the first layer inputShape, or call fit/predict first)`);
    return [null, ...s.slice(1)];
  }

  /** The output shape, batch dimension null; throws while the input shape is unknown. */
  get outputShape(): SymbolicShape {
    const s = this.outputs[0]?.shape;
    if (!s) return this.inputShape;
    return [null, ...s.slice(1)];
  }

  /** Outputs for `x`, computed `batchSize` (default 32) examples at a time, in inference mode. */
  override predict(x: NamedTensors, args: PredictArgs = {}): Tensor {
    return super.predict(x, args) as Tensor;
  }

  /** The Keras config of the model (the `config` of model.json's model_config); an InputLayer entry leads when the first layer declares no input shape. */
  override getConfig(): SequentialConfig & Record<string, unknown> {
    const layers = this.chain.map((l) => ({ class_name: l.getClassName(), config: l.getConfig() }));
    if (this.start && !this.chain[0]?.batchInputShape) layers.unshift({ class_name: 'InputLayer', config: this.start.getConfig() });
    return { name: this.name, layers };
  }
}

/** A Keras Sequential model: `wt.sequential([layer, ...])` or `wt.sequential({ layers, name, seed })`. */
export function sequential(args: SequentialArgs | Layer[] = {}): Sequential {
  return new Sequential(args);
}
