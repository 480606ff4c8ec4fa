/**
 * The public faces of an imported ONNX model: OnnxGraphModel (what wt.loadGraphModel returns:
 * synchronous execute, so it composes with wt.grad and wt.tidy) and InferenceSession (ONNX
 * Runtime's names: create, run, inputNames, outputNames, release).
 */
import type { Tensor } from '../../tensor.js';
import { GraphExecutor, type ExecuteOptions } from '../executor.js';
import type { ValueInfo } from '../types.js';
import { readOnnx, type OnnxSource } from './load.js';
import type { OnnxModel } from './model.js';
import { bindSubgraphs, disposeSubgraphs } from './ops-control.js';
import { ONNX_OPS, onnxKey, opsetOf } from './ops.js';

/** Options of loadGraphModel and InferenceSession.create. */
export interface GraphModelOptions {
  /**
   * Hold float initializers as trainable weights (see OnnxGraphModel.weights) instead of folding
   * them into constants. Default false.
   */
  trainable?: boolean;
  /**
   * The most iterations any one loop (TF.js while loops, ONNX Loop) may run before the run stops
   * with an Error (default 10000): a hostile or broken loop cannot hang the caller.
   */
  maxLoopIterations?: number;
}

/** A graph input or output: its name, element type and dims (numbers, symbolic names, or null where unknown). */
export interface GraphValueInfo {
  /** The value's name in the graph. */
  name: string;
  /** The element type the file declares ('float32', 'int64', ...), if any. */
  dtype?: string;
  /** The dims the file declares, if any. */
  shape?: (number | string | null)[];
}

const info = (v: ValueInfo): GraphValueInfo => ({ name: v.name, dtype: v.dtype, shape: v.shape?.slice() });

/** An ONNX model planned for our executor. */
export class OnnxGraphModel {
  private readonly exec: GraphExecutor;

  /** @internal Use wt.loadGraphModel. */
  constructor(model: OnnxModel, opts: GraphModelOptions = {}) {
    bindSubgraphs(model.graph);
    this.exec = new GraphExecutor(model.graph, ONNX_OPS, {
      table: ONNX_OPS,
      key: onnxKey,
      opset: opsetOf(model.graph),
      trainable: opts.trainable ?? false,
      unsupportedConstants: model.unsupportedConstants,
      shapeOnly: new Set(['Shape', 'Size']),
      hostReaders: new Set(['NonMaxSuppression', 'If', 'Loop']),
      noFold: new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Bernoulli', 'Multinomial']),
    }, 'onnx');
  }

  /** The inputs a run must be fed. */
  get inputs(): GraphValueInfo[] {
    return this.exec.inputs.map(info);
  }

  /** The graph's outputs. */
  get outputs(): GraphValueInfo[] {
    return this.exec.outputs.map(info);
  }

  /** The input names, in the graph's order. */
  get inputNames(): string[] {
    return this.exec.inputs.map((v) => v.name);
  }

  /** The output names, in the graph's order. */
  get outputNames(): string[] {
    return this.exec.outputs.map((v) => v.name);
  }

  /** How many nodes run per call, after constant folding and fusion. */
  get numSteps(): number {
    return this.exec.plan.steps.length;
  }

  /**
   * Run the graph: feeds by input name, outputs by name (all of them, or those in
   * `opts.outputs`). Synchronous; the returned tensors belong to the caller. Inside wt.grad,
   * pass `opts.weights` to differentiate with respect to the model's trainable weights.
   */
  execute(feeds: Readonly<Record<string, Tensor>>, opts?: ExecuteOptions): Record<string, Tensor> {
    return this.exec.execute(feeds, opts);
  }

  /**
   * execute(), after reading back the small integer and scalar feeds that ops such as Reshape or
   * Slice need as values (a model whose shapes are graph inputs needs this on a GPU backend).
   */
  async executeAsync(feeds: Readonly<Record<string, Tensor>>, opts?: ExecuteOptions): Promise<Record<string, Tensor>> {
    return this.exec.executeAsync(feeds, opts);
  }

  /**
   * TF.js-style predict: one tensor (for a one-input model) or tensors in input order; returns
   * one tensor for a one-output model, otherwise the outputs in order.
   */
  predict(inputs: Tensor | readonly Tensor[]): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs as Tensor];
    const names = this.inputNames;
    if (list.length !== names.length) throw new Error(`onnx: predict got ${list.length} input tensors, the model has ${names.length} inputs (${names.join(', ')})`);
    const out = this.execute(Object.fromEntries(names.map((n, i) => [n, list[i]!])));
    const vals = this.outputNames.map((n) => out[n]!);
    return vals.length === 1 ? vals[0]! : vals;
  }

  /** The trainable weights by initializer name (empty unless loaded with { trainable: true }); the model owns them. */
  weights(): Record<string, Tensor> {
    return this.exec.weights();
  }

  /** Replace trainable weights (copied), e.g. after an optimizer step. */
  setWeights(values: Readonly<Record<string, Tensor>>): void {
    this.exec.setWeights(values);
  }

  /** Free the model's uploaded constants and weights. */
  dispose(): void {
    this.exec.dispose();
    disposeSubgraphs(this.exec.graph);
  }
}

/** Load an ONNX model from a path, a file:// or http(s) URL, or its bytes, and plan it. */
export async function loadOnnx(source: OnnxSource, opts?: GraphModelOptions): Promise<OnnxGraphModel> {
  return new OnnxGraphModel(await readOnnx(source), opts);
}

/** Options of InferenceSession.create (ONNX Runtime's executionProviders are not used: the active backend runs it). */
export interface InferenceSessionOptions extends GraphModelOptions {}

/** ONNX Runtime's session API over our executor: `await InferenceSession.create(src)`, then `await session.run(feeds)`. */
export class InferenceSession {
  private constructor(private readonly model: OnnxGraphModel) {}

  /** Load and plan a model (a path, a file:// or http(s) URL, or the bytes of a .onnx file). */
  static async create(source: OnnxSource, options?: InferenceSessionOptions): Promise<InferenceSession> {
    return new InferenceSession(await loadOnnx(source, options));
  }

  /** The input names, in the graph's order. */
  get inputNames(): string[] {
    return this.model.inputNames;
  }

  /** The output names, in the graph's order. */
  get outputNames(): string[] {
    return this.model.outputNames;
  }

  /** The planned model behind the session (for execute inside wt.grad, weights, ...). */
  get graphModel(): OnnxGraphModel {
    return this.model;
  }

  /** Run on feeds keyed by input name; resolves to the outputs (all, or the names in `fetches`) keyed by name. */
  async run(feeds: Readonly<Record<string, Tensor>>, fetches?: readonly string[]): Promise<Record<string, Tensor>> {
    return this.model.executeAsync(feeds, fetches ? { outputs: fetches } : {});
  }

  /** Free what the session holds. */
  async release(): Promise<void> {
    this.model.dispose();
  }
}
