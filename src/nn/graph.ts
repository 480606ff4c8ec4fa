/**
 * The graph engine under every model: the layer applications between a model's input and output
 * placeholders, sorted once, run in that order. A graph is itself a layer, so a model can be
 * applied inside another. Sequential is the special case of a chain.
 */
import { clone } from '../ops/index.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { ActivationLayer } from './layers/core.js';
import { Dense } from './layers/dense.js';
import { InputLayer } from './layers/input.js';
import { type CallContext, Layer, type LayerVariable } from './layers/layer.js';
import { fmtSymbolic, type Node, type SymbolicShape, SymbolicTensor } from './layers/symbolic.js';
import { mixSeed } from './seed.js';

/** One graph entry of a model config: [layer name, node index, tensor index]. */
export type TensorRef = [string, number, number];

/**
 * Layers wired into a graph from input placeholders to output placeholders. Holds the order in
 * which their applications run, and the weights of every layer in it.
 */
export abstract class Container extends Layer {
  /** The input placeholders, in the order inputs are given. */
  inputs: SymbolicTensor[] = [];
  /** The output placeholders, in the order outputs are returned. */
  outputs: SymbolicTensor[] = [];
  /** @internal Applications to run, in order (input layers excluded). */
  protected nodes: Node[] = [];
  /** @internal Every layer of the graph, input layers first where Keras puts them, each once. */
  protected graphLayers: Layer[] = [];
  /** @internal Seeds initializers of layers built with the model. */
  protected seed = 0;

  /**
   * @internal Wire the graph between `inputs` and `outputs`: every output must be reachable from the
   * inputs alone; layer names must be unique. Builds layers not yet built (seeded by position).
   */
  protected wire(op: string, inputs: SymbolicTensor[], outputs: SymbolicTensor[], build = true): void {
    for (const [what, list] of [['inputs', inputs], ['outputs', outputs]] as const) {
      if (list.length === 0) throw new Error(`${op}: expected at least one of ${what}`);
      for (const t of list) if (!(t instanceof SymbolicTensor)) throw new Error(`${op}: ${what} must be placeholders (from wt.input() or layer.apply), got ${(t as unknown) instanceof Tensor ? 'a Tensor' : typeof t}`);
    }
    for (const t of inputs) {
      if (!(t.sourceLayer instanceof InputLayer)) throw new Error(`${op}: each input must come from wt.input(), but '${t.name}' is the output of layer '${t.sourceLayer.name}'`);
    }
    if (new Set(inputs).size !== inputs.length) throw new Error(`${op}: the same input is given twice`);
    const given = new Set(inputs.map((t) => t.id));
    const nodes: Node[] = [];
    const seen = new Set<Node>();
    // Depth-first, post-order, without recursion: a chain of any length (a model file may hold
    // thousands of layers) must not exhaust the stack.
    for (const out of outputs) {
      const stack: { t: SymbolicTensor; next: number }[] = [{ t: out, next: 0 }];
      while (stack.length) {
        const top = stack[stack.length - 1]!;
        const n = top.t.node;
        if (given.has(top.t.id) || (top.next === 0 && seen.has(n))) {
          stack.pop();
          continue;
        }
        if (n.layer instanceof InputLayer) {
          throw new Error(`${op}: the graph is disconnected: output '${out.sourceLayer.name}' depends on input '${n.layer.name}', which is not among the model's inputs (${inputs.map((i) => i.sourceLayer.name).join(', ')})`);
        }
        seen.add(n);
        if (top.next < n.inputs.length) {
          stack.push({ t: n.inputs[top.next++]!, next: 0 });
          continue;
        }
        stack.pop();
        nodes.push(n);
      }
    }
    const layers = [...new Set<Layer>([...inputs.map((t) => t.sourceLayer), ...nodes.map((n) => n.layer)])];
    const names = new Map<string, Layer>();
    for (const l of layers) {
      const other = names.get(l.name);
      if (other && other !== l) throw new Error(`${op}: two layers are named '${l.name}'; layer names must be unique in a model`);
      names.set(l.name, l);
    }
    this.inputs = inputs.slice();
    this.outputs = outputs.slice();
    this.nodes = nodes;
    this.graphLayers = layers;
    if (build) this.buildLayers();
  }

  /** @internal Build the layers (a model nested in another is built with it, seeded by its position there). */
  override build(inputShape: SymbolicShape | SymbolicShape[], seed: number): void {
    void inputShape;
    this.seed = seed;
    this.buildLayers();
  }

  /**
   * @internal The weights building would create, in `weights` order, with full names; nothing is
   * allocated (a model file is checked against this first).
   */
  plannedWeights(): { fullName: string; shape: number[] }[] {
    const out: { fullName: string; shape: number[] }[] = [];
    const first = this.firstNodes();
    for (const l of this.weightedLayers()) {
      if (l instanceof Container) {
        out.push(...l.plannedWeights());
        continue;
      }
      const n = first.get(l)!;
      const shapes = n.inputs.map((t) => [null, ...t.shape.slice(1)] as SymbolicShape);
      const ws = l.weightShapes((shapes.length === 1 ? shapes[0]! : shapes) as SymbolicShape);
      // The order of Layer.weights: trainable first, then the others (all in creation order when frozen).
      const ordered = l.trainable ? [...ws.filter((w) => w.trainable), ...ws.filter((w) => !w.trainable)] : ws;
      for (const w of ordered) out.push({ fullName: `${l.name}/${w.name}`, shape: w.shape });
    }
    return out;
  }

  /** @internal Build each layer not yet built, for the shapes of its first application here, seeded by its position. */
  protected buildLayers(): void {
    const first = this.firstNodes();
    this.weightedLayers().forEach((l, i) => {
      if (l.built) return;
      const n = first.get(l)!;
      const shapes = n.inputs.map((t) => [null, ...t.shape.slice(1)] as SymbolicShape);
      l.build(shapes.length === 1 ? shapes[0]! : shapes, mixSeed(this.seed, i));
    });
  }

  /** Each layer's first application in this graph. */
  private firstNodes(): Map<Layer, Node> {
    const m = new Map<Layer, Node>();
    for (const n of this.nodes) if (!m.has(n.layer)) m.set(n.layer, n);
    return m;
  }

  /** The layers but the input layers, in the order they first run. */
  protected weightedLayers(): Layer[] {
    return this.graphLayers.filter((l) => !(l instanceof InputLayer));
  }

  /** The layers, in the order they first run (input layers included, as in Keras's functional models). */
  get layers(): Layer[] {
    return this.graphLayers.slice();
  }

  /** A layer by name, or by position in `layers`. */
  getLayer(nameOrIndex: string | number): Layer {
    const ls = this.layers;
    if (typeof nameOrIndex === 'number') {
      const l = ls[nameOrIndex];
      if (!Number.isInteger(nameOrIndex) || !l) throw new Error(`getLayer: index ${nameOrIndex} is out of range: ${this.name} has ${ls.length} layers`);
      return l;
    }
    const l = ls.find((x) => x.name === nameOrIndex);
    if (!l) throw new Error(`getLayer: no layer named '${String(nameOrIndex)}' in ${this.name} (layers: ${ls.map((x) => x.name).join(', ')})`);
    return l;
  }

  /** The names of the input layers, in input order. */
  get inputNames(): string[] {
    return this.inputs.map((t) => t.sourceLayer.name);
  }

  /** The names of the layers producing the outputs, in output order (what losses and metrics are keyed by). */
  get outputNames(): string[] {
    return this.outputs.map((t) => t.sourceLayer.name);
  }

  override get outputCount(): number {
    return this.outputs.length;
  }

  override get built(): boolean {
    return this.nodes.length > 0 && this.weightedLayers().every((l) => l.built);
  }

  /** @internal Shapes of the outputs for inputs of `shapes`, through every layer's computeOutputShape. */
  protected propagate(shapes: readonly SymbolicShape[]): SymbolicShape[] {
    if (shapes.length !== this.inputs.length) throw new Error(`${this.name}: expected ${this.inputs.length} inputs, got ${shapes.length}`);
    const at = new Map<number, SymbolicShape>();
    this.inputs.forEach((t, i) => at.set(t.id, shapes[i]!));
    for (const n of this.nodes) {
      const ins = n.inputs.map((t) => at.get(t.id)!);
      const out = n.layer.computeOutputShape(ins.length === 1 ? ins[0]! : ins);
      const outs = n.outputs.length === 1 ? [out as SymbolicShape] : (out as SymbolicShape[]);
      n.outputs.forEach((t, i) => at.set(t.id, outs[i]!));
    }
    return this.outputs.map((t) => at.get(t.id)!);
  }

  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    const list = this.inputs.length === 1 ? [inputShape as SymbolicShape] : (inputShape as SymbolicShape[]);
    const out = this.propagate(list);
    return out.length === 1 ? out[0]! : out;
  }

  /**
   * @internal Run the graph on `xs` (one tensor per input). Nodes in `logits` hand out their
   * pre-activation (Dense) or their input (Activation), for losses computed from logits. Each node
   * gets its own seed, mixed from the step's seed and its position.
   */
  execute(xs: readonly Tensor[], ctx: CallContext, logits?: ReadonlySet<Node>): Tensor[] {
    if (xs.length !== this.inputs.length) throw new Error(`${this.name}: expected ${this.inputs.length} input tensors (${this.inputNames.join(', ')}), got ${xs.length}`);
    const at = new Map<number, Tensor>();
    // Masks made by masking / embedding(maskZero) flow to the layers after them, as in Keras.
    const masks = new Map<number, Tensor>();
    this.inputs.forEach((t, i) => {
      const x = xs[i]!;
      this.checkModelInput(i, x);
      at.set(t.id, x);
    });
    this.nodes.forEach((n, k) => {
      const ins = n.inputs.map((t) => at.get(t.id)!);
      const mask = ins.length === 1 ? masks.get(n.inputs[0]!.id) : undefined;
      let out: Tensor | Tensor[];
      if (logits?.has(n) && n.layer instanceof Dense) {
        n.layer.checkInput(ins[0]!.shape);
        out = n.layer.callLogits(ins[0]!);
      } else if (logits?.has(n) && n.layer instanceof ActivationLayer) {
        out = ins[0]!;
      } else {
        if (ins.length === 1) n.layer.checkInput(ins[0]!.shape);
        out = n.layer.call(ins.length === 1 ? ins[0]! : ins, { ...ctx, seed: mixSeed(ctx.seed, k), mask });
      }
      const outs = Array.isArray(out) ? out : [out];
      if (outs.length !== n.outputs.length) throw new Error(`${n.layer.name}: returned ${outs.length} outputs, expected ${n.outputs.length}`);
      n.outputs.forEach((t, i) => at.set(t.id, outs[i]!));
      const outMask = outs.length === 1 ? n.layer.computeMask(ins.length === 1 ? ins[0]! : ins, mask) : undefined;
      if (outMask) masks.set(n.outputs[0]!.id, outMask);
    });
    return this.outputs.map((t) => at.get(t.id)!);
  }

  /** @internal Throws unless input `i` fits its placeholder's shape. */
  protected checkModelInput(i: number, x: Tensor): void {
    (this.inputs[i]!.sourceLayer as InputLayer).checkInput(x.shape);
  }

  call(x: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[] {
    const out = this.execute(Array.isArray(x) ? x : [x], ctx);
    return out.length === 1 ? out[0]! : out;
  }

  /** @internal The nodes that produce output `i` and whose result nothing else in the graph reads. */
  outputNode(i: number): Node | undefined {
    const t = this.outputs[i]!;
    const readers = this.nodes.some((n) => n.inputs.includes(t)) || this.outputs.filter((o) => o === t).length > 1;
    return readers || t.node.layer instanceof InputLayer ? undefined : t.node;
  }

  /** Every weight: the trainable ones of every layer, then the others (moving statistics, frozen layers), as in Keras and TensorFlow.js. */
  override get weights(): LayerVariable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? this.weightedLayers().flatMap((l) => l.trainableWeights) : [];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? this.weightedLayers().flatMap((l) => l.nonTrainableWeights) : this.weights;
  }

  override countParams(): number {
    return this.weightedLayers().reduce((n, l) => n + l.countParams(), 0);
  }

  override checkInput(shape: readonly number[]): void {
    if (this.inputs.length === 1) (this.inputs[0]!.sourceLayer as InputLayer).checkInput(shape);
  }

  /** @internal Model-relative node indices, as Keras writes them in inbound_nodes (a nested model's start at 1). */
  protected nodeIndex(n: Node): number {
    const l = n.layer;
    if (l instanceof InputLayer) return 0;
    const mine = l.inboundNodes.filter((m) => this.nodes.includes(m));
    return mine.indexOf(n) + (l instanceof Container ? 1 : 0);
  }

  /** @internal [layer name, node index, tensor index] of a placeholder, for the config. */
  protected ref(t: SymbolicTensor): TensorRef {
    return [t.sourceLayer.name, this.nodeIndex(t.node), t.outputIndex];
  }

  /** The Keras functional config: layers with their inbound nodes, input_layers and output_layers. */
  override getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      layers: this.graphLayers.map((l) => ({
        name: l.name,
        class_name: l.getClassName(),
        config: l.getConfig(),
        inbound_nodes: this.nodes.filter((n) => n.layer === l).map((n) => n.inputs.map((t) => [...this.ref(t), {}])),
      })),
      input_layers: this.inputs.map((t) => this.ref(t)),
      output_layers: this.outputs.map((t) => this.ref(t)),
    };
  }

  /** @internal The "Connected to" entries of a layer, one per input of each of its applications here. */
  connections(l: Layer): string[] {
    return this.nodes.filter((n) => n.layer === l).flatMap((n) => n.inputs.map((t) => {
      const [name, node, idx] = this.ref(t);
      return `${name}[${node}][${idx}]`;
    }));
  }

  /** @internal The output shape of a layer here ('multiple' when its applications differ). */
  outputShapeOf(l: Layer): string | SymbolicShape {
    if (l instanceof InputLayer) return l.inputBatchShape;
    const shapes = this.nodes.filter((n) => n.layer === l).flatMap((n) => n.outputs.map((t) => fmtSymbolic(t.shape)));
    if (new Set(shapes).size !== 1) return 'multiple';
    return this.nodes.find((n) => n.layer === l)!.outputs[0]!.shape;
  }

  override dispose(): void {
    for (const l of this.weightedLayers()) l.dispose();
  }
}

/** @internal A copy of `x` where the graph handed an input straight through (so the caller owns every result). */
export function own(y: Tensor, xs: readonly Tensor[]): Tensor {
  return xs.includes(y) ? clone(y) : y;
}

/** @internal `fmt` for error messages about lists of tensors. */
export function fmtAll(ts: readonly Tensor[]): string {
  return ts.map((t) => fmt(t.shape)).join(', ');
}
