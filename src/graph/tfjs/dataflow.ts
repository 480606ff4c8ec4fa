/**
 * TensorFlow's dataflow control flow for executeAsync: Switch / Merge (tf.cond) and Enter / Exit /
 * NextIteration / LoopCond (tf.while_loop), as the TF.js converter leaves them in a GraphDef. Such a
 * graph has cycles (NextIteration feeds Merge), so it cannot be planned in one topological order;
 * it runs here as dataflow instead: a node runs, in a context (the frame stack of the loops it is in
 * and their iteration numbers), once its inputs exist in that context. A Switch produces only its
 * taken output, so the other branch never runs (no "dead" values are needed); Merge runs on the
 * first input that arrives; Enter moves a value into a loop frame (a constant Enter leaves it where
 * it is, visible to every iteration), NextIteration into the frame's next iteration, Exit out to
 * the frame's parent. Ops whose outputs depend on data (NonMaxSuppression, Where) read back with
 * `await`; everything else is the same op table as execute(). Every loop is bounded: past
 * maxLoopIterations iterations it is an Error, not a hang.
 */
import { engine } from '../../engine.js';
import { keep, tidy } from '../../memory.js';
import { clone } from '../../ops/movement.js';
import type { Tensor } from '../../tensor.js';
import { NeedsHostValue, OpContext, type OpFn, type OpTable } from '../context.js';
import { checkFeed } from '../executor.js';
import { foldOnCpu, host, isTensor, numbers, toDevice } from '../host.js';
import { checkOps, type PlanOptions } from '../plan.js';
import type { GraphDef, GraphNode, HostTensor, Value, ValueInfo } from '../types.js';
import { isHost } from '../types.js';
import { isArray, isList, type TensorList } from './lists.js';

/** The ops that make a GraphDef need dataflow execution. */
export const CONTROL_OPS = new Set(['Switch', 'Merge', 'Enter', 'Exit', 'NextIteration', 'LoopCond', 'RefSwitch', 'RefMerge', 'RefEnter', 'RefExit', 'RefNextIteration']);

/** An op whose implementation reads values back (returns a promise). */
export type AsyncOpFn = (ctx: OpContext) => Promise<(Value | undefined)[]>;

/** The default bound on the iterations of any one loop. */
export const MAX_LOOP_ITERATIONS = 10_000;

/** One execution context: the root, or an iteration of a loop frame inside a parent context. */
interface Ctx {
  id: string;
  parent: Ctx | null;
  frame: string;
  iter: number;
  values: Map<string, Value>;
  done: Set<string>;
  /** The iteration contexts of frames entered from here. */
  children: Ctx[];
}

/** Options of a DataflowRunner. */
export interface DataflowOptions {
  /** Iterations any one loop may run before the run is stopped with an Error (default 10000). */
  maxLoopIterations?: number;
}

/** A graph with control flow or data-dependent ops, checked at load and run by dataflow. */
export class DataflowRunner {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  private readonly consumers = new Map<string, GraphNode[]>();
  private readonly cache = new Map<string, Tensor>();
  private readonly maxIter: number;
  private disposed = false;

  constructor(readonly graph: GraphDef, private readonly table: OpTable, private readonly asyncTable: Readonly<Record<string, AsyncOpFn>>, private readonly format: string, opts: DataflowOptions = {}) {
    const all: Record<string, OpFn> = { ...table };
    for (const k of [...CONTROL_OPS, ...Object.keys(asyncTable)]) all[k] = () => [];
    checkOps(graph.nodes, { table: all, key: (n) => n.op } as PlanOptions, format);
    const produced = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.constants.keys()]);
    for (const n of graph.nodes) for (const o of n.outputs) produced.add(o);
    for (const n of graph.nodes) {
      for (const i of n.inputs) {
        if (i === '') continue;
        if (!produced.has(i)) throw new Error(`${format}: node ${n.name} (${n.op}) names input '${i}', which no node, constant or input provides`);
        let list = this.consumers.get(i);
        if (!list) this.consumers.set(i, (list = []));
        if (!list.includes(n)) list.push(n);
      }
    }
    for (const o of graph.outputs) if (!produced.has(o.name)) throw new Error(`${format}: graph output '${o.name}' is produced by no node`);
    const m = opts.maxLoopIterations ?? MAX_LOOP_ITERATIONS;
    if (!Number.isInteger(m) || m < 1) throw new Error(`${format}: maxLoopIterations must be a positive integer, got ${m}`);
    this.maxIter = m;
    this.inputs = graph.inputs.filter((v) => !graph.constants.has(v.name));
    this.outputs = graph.outputs;
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

  /** Run on `feeds`, returning the wanted outputs by name (the caller owns them). */
  async run(feeds: Readonly<Record<string, Tensor>>, wanted: readonly string[]): Promise<Record<string, Tensor>> {
    if (this.disposed) throw new Error(`${this.format}: this model was disposed`);
    const root: Ctx = { id: '', parent: null, frame: '', iter: 0, values: new Map(), done: new Set(), children: [] };
    const protect = new Set<Tensor>();
    const dims = new Map<string, number>();
    for (const name of Object.keys(feeds)) {
      if (!this.inputs.some((v) => v.name === name)) throw new Error(`${this.format}: '${name}' is not an input of this model (inputs: ${this.inputs.map((v) => v.name).join(', ')})`);
    }
    for (const info of this.inputs) {
      const t = feeds[info.name];
      if (t === undefined) throw new Error(`${this.format}: input '${info.name}' was not fed`);
      checkFeed(this.format, info, t, dims);
      protect.add(t);
      // Small integer feeds (sizes, counts) are read back, so ops that need them as values can run.
      root.values.set(info.name, (t.dtype === 'int32' && t.size <= 4096) || t.size <= 16 ? host(t.dtype, t.shape, await t.data()) : t);
    }
    for (const name of wanted) {
      if (!this.graph.nodes.some((n) => n.outputs.includes(name)) && !root.values.has(name) && !this.graph.constants.has(name)) throw new Error(`${this.format}: '${name}' is not an output of this model`);
    }
    const made = new Set<Tensor>();
    const contexts = new Map<string, Ctx>([['', root]]);
    const queue: { node: GraphNode; ctx: Ctx }[] = [];
    const lookup = (name: string, ctx: Ctx): Value | undefined => {
      for (let c: Ctx | null = ctx; c; c = c.parent) {
        const v = c.values.get(name);
        if (v !== undefined) return v;
      }
      return this.graph.constants.get(name);
    };
    const ready = (n: GraphNode, ctx: Ctx): boolean => {
      const ins = n.inputs.filter((i) => i !== '');
      return n.op === 'Merge' || n.op === 'RefMerge' ? ins.some((i) => lookup(i, ctx) !== undefined) : ins.every((i) => lookup(i, ctx) !== undefined);
    };
    const notify = (name: string, ctx: Ctx): void => {
      for (const c of this.consumers.get(name) ?? []) if (!ctx.done.has(c.name) && ready(c, ctx)) queue.push({ node: c, ctx });
    };
    const store = (ctx: Ctx, name: string | undefined, v: Value | undefined): void => {
      if (!name || v === undefined) return;
      ctx.values.set(name, v);
      notify(name, ctx);
    };
    const frameCtx = (parent: Ctx, frame: string, iter: number, node: GraphNode): Ctx => {
      if (iter > this.maxIter) throw new Error(`${this.format}: the while loop '${frame}' ran past ${this.maxIter} iterations (at node ${node.name}); a loop that does not end is stopped here (load with a larger maxLoopIterations if it is meant to run longer)`);
      const id = `${parent.id}/${frame}#${iter}`;
      let c = contexts.get(id);
      if (!c) {
        c = { id, parent, frame, iter, values: new Map(), done: new Set(), children: [] };
        contexts.set(id, c);
        parent.children.push(c);
      }
      return c;
    };
    const release = (): void => {
      for (const t of made) if (!protect.has(t) && !t.kept && !t.isDisposed) t.dispose();
    };
    for (const n of this.graph.nodes) if (ready(n, root)) queue.push({ node: n, ctx: root });
    try {
      for (let q = 0; q < queue.length; q++) {
        const { node: n, ctx } = queue[q]!;
        if (ctx.done.has(n.name)) continue;
        ctx.done.add(n.name);
        if (q > 4096 && q * 2 > queue.length) { queue.splice(0, q + 1); q = -1; }
        const input = (i: number): Value => {
          const v = lookup(n.inputs[i]!, ctx);
          if (v === undefined) throw new Error(`${n.op} (node '${n.name}'): input ${i} '${n.inputs[i]}' was not computed`);
          return v;
        };
        switch (n.op) {
          case 'Enter': case 'RefEnter': {
            const frame = strAttr(n, 'frame_name');
            if (intAttr(n, 'is_constant') === 1) {
              // Loop-invariant: visible from every iteration of the frame through the parent chain.
              store(ctx, n.outputs[0], input(0));
              for (const c of ctx.children) if (c.frame === frame) notify(n.outputs[0]!, c);
            } else {
              store(frameCtx(ctx, frame, 0, n), n.outputs[0], input(0));
            }
            continue;
          }
          case 'Exit': case 'RefExit':
            if (!ctx.parent) throw new Error(`${n.op} (node '${n.name}'): it runs outside any loop frame`);
            store(ctx.parent, n.outputs[0], input(0));
            continue;
          case 'NextIteration': case 'RefNextIteration':
            if (!ctx.parent) throw new Error(`${n.op} (node '${n.name}'): it runs outside any loop frame`);
            store(frameCtx(ctx.parent, ctx.frame, ctx.iter + 1, n), n.outputs[0], input(0));
            continue;
          case 'LoopCond':
            store(ctx, n.outputs[0], input(0));
            continue;
          case 'Merge': case 'RefMerge': {
            const k = n.inputs.findIndex((i) => i !== '' && lookup(i, ctx) !== undefined);
            store(ctx, n.outputs[0], lookup(n.inputs[k]!, ctx));
            store(ctx, n.outputs[1], host('int32', [], Int32Array.of(k)));
            continue;
          }
          case 'Switch': case 'RefSwitch': {
            const p = input(1);
            if (isList(p) || isArray(p)) throw new Error(`${n.op} (node '${n.name}'): the predicate must be a boolean scalar`);
            const pv = isHost(p) ? numbers(p) : Array.from(await (p as Tensor).data());
            if (pv.length !== 1) throw new Error(`${n.op} (node '${n.name}'): the predicate must be a scalar, got ${pv.length} values`);
            store(ctx, n.outputs[pv[0] ? 1 : 0], input(0));
            continue;
          }
        }
        const ins = n.inputs.map((name, i) => (name === '' ? undefined : input(i)));
        const upload = (i: number, h: HostTensor): Tensor => {
          const name = n.inputs[i]!;
          return this.graph.constants.get(name) === h ? this.constant(name, h) : toDevice(h, `input '${name}'`);
        };
        let outs: (Value | undefined)[] | undefined;
        try {
          // An op that needs an input's values (a Range limit, a Reshape shape) computed from data
          // gets it read back, and runs again (its first try made nothing that outlives it).
          for (let tries = 0; !outs; tries++) {
            const opCtx = new OpContext(n, 0, ins, upload);
            try {
              const af = this.asyncTable[n.op];
              if (af) outs = await af(opCtx);
              else {
                const fn = this.table[n.op]!;
                outs = ins.every((v) => v === undefined || isHost(v)) && !n.op.startsWith('TensorList') && !n.op.startsWith('TensorArray')
                  ? foldOnCpu(() => fn(opCtx))
                  : tidy(() => fn(opCtx));
              }
            } catch (e) {
              const v = e instanceof NeedsHostValue ? ins[e.index] : undefined;
              if (!(e instanceof NeedsHostValue) || !isTensor(v) || tries > n.inputs.length) throw e;
              ins[e.index] = host(v.dtype, v.shape, await v.data());
            }
          }
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          throw new Error(msg.includes(n.op) ? msg : `${n.op} (node '${n.name}'): ${msg}`);
        }
        for (const v of outs) track(v, made);
        n.outputs.forEach((o, i) => store(ctx, o, outs[i]));
      }
      const result: Record<string, Tensor> = {};
      for (const name of wanted) {
        const v = root.values.get(name) ?? this.graph.constants.get(name);
        if (v === undefined) throw new Error(`${this.format}: output '${name}' was not computed (the branch or loop that makes it did not run)`);
        if (isList(v) || isArray(v)) throw new Error(`${this.format}: output '${name}' is a TensorList, not a tensor`);
        const t = isHost(v) ? toDevice(v, `output '${name}'`) : protect.has(v) || v.kept || Object.values(result).includes(v) ? clone(v) : v;
        protect.add(t);
        result[name] = t;
      }
      release();
      return result;
    } catch (e) {
      release();
      throw e;
    }
  }

  /** Free the uploaded constants. */
  dispose(): void {
    for (const t of this.cache.values()) t.dispose();
    this.cache.clear();
    this.disposed = true;
  }
}

/** Record the tensors a value holds (a tensor, or a list's or TensorArray's items). */
function track(v: Value | TensorList | undefined, made: Set<Tensor>): void {
  if (isTensor(v)) made.add(v);
  else if (isList(v) || isArray(v)) for (const x of v.items) if (isTensor(x)) made.add(x);
}

function strAttr(n: GraphNode, name: string): string {
  const a = n.attrs.get(name);
  return a?.type === 'string' ? a.value : '';
}

function intAttr(n: GraphNode, name: string): number {
  const a = n.attrs.get(name);
  return a?.type === 'int' ? a.value : 0;
}
