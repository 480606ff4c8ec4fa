/**
 * The graph executor: runs a Plan with one op table, on whatever backend is active. Host constants
 * upload once per backend and are kept; each intermediate is disposed after its last use (under a
 * gradient tape the enclosing scope frees them instead, as the tape still needs them); nodes whose
 * inputs are all on the host (shape arithmetic) run on the cpu and stay there.
 */
import { engine } from '../engine.js';
import { keep, tidy } from '../memory.js';
import { clone, reshape } from '../ops/movement.js';
import type { Tensor } from '../tensor.js';
import { fmt } from '../shape.js';
import { OpContext, type OpTable } from './context.js';
import { foldOnCpu, isTensor, toDevice } from './host.js';
import { planGraph, type Plan, type PlanOptions } from './plan.js';
import { isHost, type GraphDef, type HostTensor, type Value, type ValueInfo } from './types.js';

/** Options of one run. */
export interface ExecuteOptions {
  /** Weights to use in place of the named initializers (differentiate with respect to them with wt.grad). */
  weights?: Readonly<Record<string, Tensor>>;
  /** The outputs to compute (default: all the graph's outputs). */
  outputs?: readonly string[];
  /** @internal Return outputs that are host values as they are (subgraphs of If / Loop). */
  hostOutputs?: boolean;
}

const INT_TYPES = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'int64', 'uint32', 'bool']);
const FLOAT_TYPES = new Set(['float32', 'float16', 'float64', 'bfloat16']);

/** A feed checked against its declared dtype and dims (symbolic dims must agree across inputs, recorded in `dims`). */
export function checkFeed(format: string, info: ValueInfo, t: unknown, dims: Map<string, number>): Tensor {
  if (!isTensor(t)) throw new Error(`${format}: input '${info.name}' must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (info.dtype && info.dtype !== 'bool' && t.dtype === 'float32' && INT_TYPES.has(info.dtype)) throw new Error(`${format}: input '${info.name}' expects ${info.dtype} values, got a float32 tensor`);
  if (info.dtype && t.dtype === 'int32' && FLOAT_TYPES.has(info.dtype)) throw new Error(`${format}: input '${info.name}' expects ${info.dtype} values, got an int32 tensor`);
  if (info.shape) {
    if (info.shape.length !== t.rank) throw new Error(`${format}: input '${info.name}' expects rank ${info.shape.length} [${info.shape.map((d) => d ?? '?').join(',')}], got ${fmt(t.shape)}`);
    info.shape.forEach((d, i) => {
      const got = t.shape[i]!;
      if (typeof d === 'number' && d > 0 && d !== got) throw new Error(`${format}: input '${info.name}' expects dimension ${i} to be ${d}, got ${fmt(t.shape)}`);
      if (typeof d === 'string') {
        const seen = dims.get(d);
        if (seen !== undefined && seen !== got) throw new Error(`${format}: dimension '${d}' is ${seen} in one input and ${got} in input '${info.name}' ${fmt(t.shape)}`);
        dims.set(d, got);
      }
    });
  }
  return t;
}

/** A planned graph, ready to run any number of times. */
export class GraphExecutor {
  readonly plan: Plan;
  /** The graph inputs a caller feeds (initializers excluded). */
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  private cache = new Map<string, Tensor>();
  private weightTensors = new Map<string, Tensor>();
  private disposed = false;

  constructor(readonly graph: GraphDef, readonly table: OpTable, private readonly opts: PlanOptions, readonly format: string) {
    this.plan = planGraph(graph, opts, format);
    this.inputs = graph.inputs.filter((v) => !this.plan.constants.has(v.name) && !this.plan.weights.has(v.name));
    this.outputs = graph.outputs;
  }

  /** The trainable weights (initializers held as tensors), created on first call and owned by the executor. */
  weights(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const name of this.plan.weights) out[name] = this.weight(name);
    return out;
  }

  private weight(name: string): Tensor {
    let t = this.weightTensors.get(name);
    if (!t || t.isDisposed) {
      t = keep(toDevice(this.graph.constants.get(name)!, `weight '${name}'`));
      this.weightTensors.set(name, t);
    }
    return t;
  }

  /** Replace trainable weights by new values (copied; shapes must match). */
  setWeights(values: Readonly<Record<string, Tensor>>): void {
    for (const [name, v] of Object.entries(values)) {
      if (!this.plan.weights.has(name)) throw new Error(`${this.format}: '${name}' is not a trainable weight of this model (load it with { trainable: true })`);
      const old = this.weight(name);
      if (fmt(old.shape) !== fmt(v.shape)) throw new Error(`${this.format}: weight '${name}' has shape ${fmt(old.shape)}, got ${fmt(v.shape)}`);
      const t = keep(clone(v));
      old.dispose();
      this.weightTensors.set(name, t);
    }
  }

  private constant(name: string, h: HostTensor): Tensor {
    const key = `${engine.backend?.name ?? 'cpu'}:${name}`;
    let t = this.cache.get(key);
    if (!t || t.isDisposed) {
      t = keep(toDevice(h, `constant '${name}'`));
      this.cache.set(key, t);
    }
    return t;
  }

  /**
   * Run the graph on `feeds` (keyed by input name) and return the outputs by name. Synchronous,
   * so it works inside wt.grad / wt.valueAndGrad and wt.tidy. The outputs belong to the caller.
   */
  execute(feeds: Readonly<Record<string, Tensor>>, opts: ExecuteOptions = {}, hostFeeds?: ReadonlyMap<string, HostTensor>): Record<string, Tensor> {
    if (this.disposed) throw new Error(`${this.format}: this model was disposed`);
    if (feeds === null || typeof feeds !== 'object') throw new Error(`${this.format}: feeds must be an object of input name -> Tensor`);
    const values = new Map<string, Value>();
    const protect = new Set<Tensor>();
    const dims = new Map<string, number>();
    for (const name of Object.keys(feeds)) {
      if (!this.inputs.some((v) => v.name === name)) throw new Error(`${this.format}: '${name}' is not an input of this model (inputs: ${this.inputs.map((v) => v.name).join(', ')})`);
    }
    for (const info of this.inputs) {
      const t = feeds[info.name];
      if (t === undefined) {
        const dflt = this.graph.constants.get(info.name);
        if (dflt) { values.set(info.name, dflt); continue; }
        throw new Error(`${this.format}: input '${info.name}' was not fed`);
      }
      checkFeed(this.format, info, t, dims);
      values.set(info.name, hostFeeds?.get(info.name) ?? t);
      protect.add(t);
    }
    for (const [name, t] of Object.entries(opts.weights ?? {})) {
      if (!this.plan.weights.has(name)) throw new Error(`${this.format}: '${name}' is not a trainable weight of this model (load it with { trainable: true })`);
      values.set(name, t);
      protect.add(t);
    }
    for (const name of this.plan.weights) {
      if (!values.has(name)) { const w = this.weight(name); values.set(name, w); protect.add(w); }
    }
    for (const t of this.cache.values()) protect.add(t);
    const wanted = opts.outputs ?? this.outputs.map((o) => o.name);
    const underTape = engine.tape !== null;
    const release = (v: Value | undefined): void => {
      if (isTensor(v) && !protect.has(v) && !underTape) v.dispose();
    };
    try {
      for (const step of this.plan.steps) {
        const n = step.node;
        const ins = n.inputs.map((name) => {
          if (name === '') return undefined;
          const v = values.get(name) ?? this.plan.constants.get(name);
          if (v === undefined) throw new Error(`${this.format}: node ${n.name || n.op} needs '${name}', which was not computed`);
          return v;
        });
        const fn = this.table[this.opts.key(n)]!;
        const upload = (i: number, h: HostTensor): Tensor => {
          const name = n.inputs[i]!;
          return this.plan.constants.get(name) === h ? this.constant(name, h) : toDevice(h, `input '${name}'`);
        };
        const ctx = new OpContext(n, this.opts.opset(n), ins, upload);
        let outs: (Value | undefined)[];
        try {
          outs = ins.every((v) => v === undefined || isHost(v))
            ? foldOnCpu(() => fn(ctx))
            : tidy(() => fn(ctx).map((v) => (isTensor(v) && (protect.has(v) || ins.includes(v)) ? reshape(v, v.shape) : v)));
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          throw new Error(msg.includes(n.op) ? msg : `${n.op} (node '${n.name}'): ${msg}`);
        }
        outs.forEach((v, i) => { const o = n.outputs[i]; if (o && v !== undefined) values.set(o, v); else release(v); });
        for (const name of step.free) { release(values.get(name)); values.delete(name); }
      }
      const result: Record<string, Tensor> = {};
      for (const name of wanted) {
        const v = values.get(name) ?? this.plan.constants.get(name);
        if (v === undefined) throw new Error(`${this.format}: '${name}' is not an output of this model`);
        if (isHost(v) && opts.hostOutputs) { result[name] = v as unknown as Tensor; continue; }
        const t = isHost(v) ? toDevice(v, `output '${name}'`) : protect.has(v) ? (underTape ? reshape(v, v.shape) : clone(v)) : v;
        result[name] = t;
        values.set(name, t);
      }
      for (const [name, v] of values) if (!wanted.includes(name)) release(v);
      return result;
    } catch (e) {
      for (const v of values.values()) release(v);
      throw e;
    }
  }

  /**
   * execute(), after reading back the small feeds (int32 up to 4096 elements, any up to 16: shapes,
   * axes, scales, bounds), which ops such as Reshape and Slice take as host values. This is what
   * InferenceSession.run calls.
   */
  async executeAsync(feeds: Readonly<Record<string, Tensor>>, opts: ExecuteOptions = {}): Promise<Record<string, Tensor>> {
    const hostFeeds = new Map<string, HostTensor>();
    // Feeds that ops reading values on the host take directly (NonMaxSuppression's boxes, If's condition).
    const readers = new Set<string>();
    for (const st of this.plan.steps) if (this.opts.hostReaders?.has(st.node.op)) for (const i of st.node.inputs) readers.add(i);
    for (const [name, t] of Object.entries(feeds)) {
      if (isTensor(t) && ((t.dtype === 'int32' && t.size <= 4096) || t.size <= 16 || readers.has(name))) {
        hostFeeds.set(name, { kind: 'host', dtype: t.dtype, shape: t.shape.slice(), data: await t.data() });
      }
    }
    return this.execute(feeds, opts, hostFeeds);
  }

  /** Free the uploaded constants and weights. */
  dispose(): void {
    for (const t of this.cache.values()) t.dispose();
    for (const t of this.weightTensors.values()) t.dispose();
    this.cache.clear();
    this.weightTensors.clear();
    this.disposed = true;
  }
}

