/**
 * TF.js graph models with TF.js's GraphModel API (predict, execute, executeAsync, inputs / outputs,
 * inputNodes / outputNodes, signature, dispose), run by the format-neutral executor with the
 * TensorFlow op table. Loading parses and plans the whole graph, so a model that uses ops we lack
 * fails at load with one Error listing them.
 */
import type { Tensor } from '../../tensor.js';
import { GraphExecutor } from '../executor.js';
import type { GraphModelOptions } from '../onnx/session.js';
import type { Dim, ValueInfo } from '../types.js';
import { parseGraphModel, type GraphArtifacts } from './parse.js';
import { TF_OPS } from './ops.js';
import { TF_ASYNC_OPS } from './ops-more.js';
import { CONTROL_OPS, DataflowRunner } from './dataflow.js';

/** An input or output of a graph model, as TF.js's GraphModel lists them. */
export interface GraphTensorInfo {
  /** The node's name. */
  name: string;
  /** Its shape; -1 for a dimension the model leaves free, undefined when the file declares none. */
  shape?: number[];
  /** Its dtype as the file declares it ('float32', 'int32', ...). */
  dtype?: string;
}

/** Inputs of a run: one tensor (a model with one input), tensors in inputNodes order, or tensors by name. */
export type GraphInputs = Tensor | Tensor[] | Record<string, Tensor>;


/** 'node:0' and 'node' name the same value. */
function valueName(s: string): string {
  return s.endsWith(':0') ? s.slice(0, -2) : s;
}

function info(v: ValueInfo): GraphTensorInfo {
  return { name: v.name, shape: v.shape?.map((d: Dim) => (typeof d === 'number' ? d : -1)), dtype: v.dtype };
}

/** A TF.js graph model (TensorFlow GraphDef converted by the TF.js converter), ready to run. */
export class GraphModel {
  /** The model's inputs (its Placeholders). */
  readonly inputs: GraphTensorInfo[];
  /** The model's outputs. */
  readonly outputs: GraphTensorInfo[];
  /** The signature from model.json, when the converter wrote one. */
  readonly signature: unknown;
  private readonly executor: GraphExecutor | undefined;
  /** Set for graphs with control flow or data-dependent ops: they run by dataflow, in executeAsync. */
  private readonly flow: DataflowRunner | undefined;
  /** The op types that need executeAsync, by name. */
  private readonly dynamicOps: string[];

  /** Build from artifacts (model.json's fields with the weights' bytes); `where` names the file in Errors. */
  constructor(artifacts: GraphArtifacts, where: string, opts: GraphModelOptions = {}) {
    const graph = parseGraphModel(artifacts, where);
    this.dynamicOps = [...new Set(graph.nodes.map((n) => n.op).filter((op) => CONTROL_OPS.has(op) || op in TF_ASYNC_OPS))];
    if (this.dynamicOps.length) {
      if (opts.trainable) throw new Error(`loadGraphModel: ${where} has control flow or data-dependent ops (${this.dynamicOps.join(', ')}), which cannot be loaded as trainable`);
      this.flow = new DataflowRunner(graph, TF_OPS, TF_ASYNC_OPS, 'loadGraphModel', { maxLoopIterations: opts.maxLoopIterations });
    } else {
      this.executor = new GraphExecutor(graph, TF_OPS, { table: TF_OPS, key: (n) => n.op, opset: () => 0, trainable: !!opts.trainable, fuse: false }, 'loadGraphModel');
    }
    const run = (this.executor ?? this.flow)!;
    this.inputs = run.inputs.map(info);
    this.outputs = run.outputs.map(info);
    this.signature = artifacts.signature;
  }

  /** The input names, in the order a Tensor[] is matched to. */
  get inputNodes(): string[] {
    return this.inputs.map((i) => i.name);
  }

  /** The output names, in the order results come back. */
  get outputNodes(): string[] {
    return this.outputs.map((o) => o.name);
  }

  private feeds(inputs: GraphInputs): Record<string, Tensor> {
    const names = this.inputNodes;
    if (Array.isArray(inputs)) {
      if (inputs.length !== names.length) throw new Error(`execute: the model has ${names.length} input(s) (${names.join(', ')}), got ${inputs.length} tensors`);
      return Object.fromEntries(names.map((n, i) => [n, inputs[i]!]));
    }
    if (inputs && typeof inputs === 'object' && !('shape' in inputs && 'dtype' in inputs)) {
      return Object.fromEntries(Object.entries(inputs as Record<string, Tensor>).map(([k, v]) => [valueName(k), v]));
    }
    if (names.length !== 1) throw new Error(`execute: the model has ${names.length} inputs (${names.join(', ')}); pass an array or an object of tensors by name`);
    return { [names[0]!]: inputs as Tensor };
  }

  /**
   * Run the graph and return the named outputs (default: the model's outputs): one Tensor when one
   * name is asked for as a string or the model has one output, else an array in the order asked.
   * Synchronous, so it runs under wt.grad / wt.valueAndGrad; `opts.weights` replaces trainable
   * weights (a model loaded with { trainable: true }) by the tensors given, to differentiate
   * with respect to them.
   */
  execute(inputs: GraphInputs, outputs?: string | string[], opts: { weights?: Readonly<Record<string, Tensor>> } = {}): Tensor | Tensor[] {
    if (!this.executor) throw new Error(`execute: this model uses control flow or data-dependent ops (${this.dynamicOps.join(', ')}), which execute cannot run synchronously; use await model.executeAsync(inputs)`);
    const wanted = this.wanted(outputs);
    const r = this.executor.execute(this.feeds(inputs), { outputs: wanted, weights: opts.weights });
    return this.shape(wanted.map((n) => r[n]!), outputs);
  }

  /**
   * execute, as a promise: small integer feeds that ops need as values (shapes, sizes) are read back
   * first, so it also runs on GPU backends; and graphs with control flow (while loops, conds,
   * TensorLists) or data-dependent ops (NonMaxSuppression, Where) run here, by dataflow.
   */
  async executeAsync(inputs: GraphInputs, outputs?: string | string[]): Promise<Tensor | Tensor[]> {
    const wanted = this.wanted(outputs);
    const feeds = this.feeds(inputs);
    const r = this.flow ? await this.flow.run(feeds, wanted) : await this.executor!.executeAsync(feeds, { outputs: wanted });
    return this.shape(wanted.map((n) => r[n]!), outputs);
  }

  private wanted(outputs: string | string[] | undefined): string[] {
    return outputs === undefined ? this.outputNodes : (Array.isArray(outputs) ? outputs : [outputs]).map(valueName);
  }

  private shape(list: Tensor[], outputs: string | string[] | undefined): Tensor | Tensor[] {
    return (typeof outputs === 'string' || (outputs === undefined && list.length === 1)) ? list[0]! : list;
  }

  /** The model's outputs for `inputs`; named outputs come back by name when inputs are given by name. */
  predict(inputs: GraphInputs): Tensor | Tensor[] | Record<string, Tensor> {
    const r = this.execute(inputs);
    if (!Array.isArray(r) || Array.isArray(inputs) || inputs instanceof Object && 'shape' in inputs) return r;
    return Object.fromEntries(this.outputNodes.map((n, i) => [n, r[i]!]));
  }

  /** The trainable weights by name (loaded with { trainable: true }); pass changed ones to {@link setWeights}. */
  weights(): Record<string, Tensor> {
    return this.executor?.weights() ?? {};
  }

  /** Replace weights by new values of the same shapes. */
  setWeights(values: Record<string, Tensor>): void {
    if (!this.executor) throw new Error('setWeights: this model has control flow and holds no trainable weights');
    this.executor.setWeights(values);
  }

  /** Free the model's weights and uploaded constants. */
  dispose(): void {
    this.executor?.dispose();
    this.flow?.dispose();
  }
}
