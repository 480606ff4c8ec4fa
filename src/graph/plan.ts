/**
 * Planning a graph once, at load: every node's inputs must exist, the nodes are put in topological
 * order (a cycle is an Error naming nodes on it), every op must be in the format's table (one Error
 * lists all that are not), constant subgraphs are folded on the cpu, the fusable patterns are
 * rewritten (see fuse.ts), and each value gets the step after which it is freed.
 */
import type { OpTable } from './context.js';
import { OpContext } from './context.js';
import { foldOnCpu, host, toDevice } from './host.js';
import type { GraphDef, GraphNode, HostTensor } from './types.js';
import { fuse } from './fuse.js';

/** What folding one node at load may allocate (as much as the largest initializer a file may hold). */
const FOLD_BYTES = 2 ** 30;

/** One planned node. */
export interface Step {
  node: GraphNode;
  /** Value names freed once this step has run (their last use). */
  free: string[];
}

/** The result of planning. */
export interface Plan {
  steps: Step[];
  /** Host constants: initializers and everything folded from them. */
  constants: Map<string, HostTensor>;
  /** Initializer names held as trainable weights (not folded). */
  weights: Set<string>;
}

/** Options of planGraph. */
export interface PlanOptions {
  table: OpTable;
  /** The table key of a node ('Conv', or 'com.microsoft:FusedConv' for another domain). */
  key: (node: GraphNode) => string;
  opset: (node: GraphNode) => number;
  /** Keep initializers as weights (tensors the executor does not fold through). */
  trainable: boolean;
  /** Ops never folded (random draws). */
  noFold?: ReadonlySet<string>;
  /** Ops whose output depends only on their first input's shape (ONNX Shape, Size): folded at load when it is declared. */
  shapeOnly?: ReadonlySet<string>;
  /** Value names an unsupported-constant dtype keeps out (name -> dtype). */
  unsupportedConstants?: ReadonlyMap<string, string>;
  /** Ops that read their inputs' values on the host: executeAsync reads the feeds they take back first. */
  hostReaders?: ReadonlySet<string>;
  /** Rewrite the fusable patterns of fuse.ts (ONNX op names; default true). TF.js graphs come fused by their converter. */
  fuse?: boolean;
}

/** Topological order of `nodes` given the values available up front; Errors for missing inputs and cycles. */
export function topoSort(nodes: readonly GraphNode[], available: ReadonlySet<string>, format: string): GraphNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.outputs) {
      if (o === '') continue;
      if (producer.has(o) || available.has(o)) throw new Error(`${format}: value '${o}' is produced twice (by node ${n.name || n.op} and another node or an input)`);
      producer.set(o, i);
    }
  });
  const missing: string[] = [];
  const indeg = nodes.map(() => 0);
  const users: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const inp of new Set(n.inputs)) {
      if (inp === '' || available.has(inp)) continue;
      const p = producer.get(inp);
      if (p === undefined) { missing.push(`node ${n.name || '#' + i} (${n.op}) names input '${inp}', which no node, initializer or graph input provides`); continue; }
      indeg[i]!++;
      users[p]!.push(i);
    }
  });
  if (missing.length) throw new Error(`${format}: ${missing.slice(0, 10).join('; ')}${missing.length > 10 ? `; and ${missing.length - 10} more` : ''}`);
  const order: GraphNode[] = [];
  const ready = indeg.flatMap((d, i) => (d === 0 ? [i] : []));
  while (ready.length) {
    const i = ready.shift()!;
    order.push(nodes[i]!);
    for (const u of users[i]!) if (--indeg[u]! === 0) ready.push(u);
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.filter((_, i) => indeg[i]! > 0).map((n) => n.name || n.op);
    throw new Error(`${format}: the graph has a cycle through node${stuck.length > 1 ? 's' : ''} ${stuck.slice(0, 10).join(', ')}${stuck.length > 10 ? ', ...' : ''}`);
  }
  return order;
}

/** Every op type the table lacks, as one Error. */
export function checkOps(nodes: readonly GraphNode[], opts: PlanOptions, format: string): void {
  const unknown = new Map<string, number>();
  for (const n of nodes) {
    const k = opts.key(n);
    if (!Object.prototype.hasOwnProperty.call(opts.table, k)) unknown.set(k, (unknown.get(k) ?? 0) + 1);
  }
  if (unknown.size) {
    const list = [...unknown].map(([k, c]) => `${k}${c > 1 ? ` (${c} nodes)` : ''}`).join(', ');
    throw new Error(`${format}: the model uses ${unknown.size} unsupported op type${unknown.size > 1 ? 's' : ''}: ${list}`);
  }
}

/** Plan a graph: sort, check ops, fold constants, fuse, and compute liveness. */
export function planGraph(g: GraphDef, opts: PlanOptions, format = 'onnx'): Plan {
  const inputNames = new Set(g.inputs.map((v) => v.name));
  const available = new Set<string>([...inputNames, ...g.constants.keys(), ...(opts.unsupportedConstants?.keys() ?? [])]);
  // Unsupported ops first: a graph with control flow (TensorFlow's while loops have back edges) is
  // then refused for the ops it lacks rather than for the cycle those ops would close.
  checkOps(g.nodes, opts, format);
  const ordered = topoSort(g.nodes, available, format);
  for (const o of g.outputs) {
    if (!available.has(o.name) && !ordered.some((n) => n.outputs.includes(o.name))) throw new Error(`${format}: graph output '${o.name}' is produced by no node`);
  }
  for (const n of ordered) {
    for (const inp of n.inputs) {
      const dt = opts.unsupportedConstants?.get(inp);
      if (dt) throw new Error(`${format}: node ${n.name || n.op} (${n.op}) uses initializer '${inp}' of dtype ${dt}, which is not supported`);
    }
  }
  const constants = new Map<string, HostTensor>();
  const weights = new Set<string>();
  for (const [k, v] of g.constants) {
    if (inputNames.has(k)) continue; // an input with a default: the feed decides
    if (opts.trainable && v.dtype === 'float32') weights.add(k);
    else constants.set(k, v);
  }
  // Fold every node whose inputs are all constants.
  let steps: GraphNode[] = [];
  // Inputs whose declared dims are all numbers: their shape is known before any run.
  const staticShapes = new Map<string, number[]>();
  for (const v of g.inputs) if (v.shape && v.shape.every((d) => typeof d === 'number' && d > 0)) staticShapes.set(v.name, v.shape as number[]);
  for (const n of ordered) {
    const shapeKnown = opts.shapeOnly?.has(n.op) && staticShapes.has(n.inputs[0] ?? '');
    const foldable = shapeKnown || (!opts.noFold?.has(n.op) && n.inputs.every((i) => i === '' || constants.has(i)));
    if (!foldable) { steps.push(n); continue; }
    const fn = opts.table[opts.key(n)]!;
    // A shape-only op sees a stand-in of the declared shape and no data.
    const input = (i: string): HostTensor | undefined => (i === '' ? undefined : constants.get(i) ?? host('float32', staticShapes.get(i)!, new Float32Array(0)));
    let outs: (HostTensor | undefined)[];
    try {
      outs = foldOnCpu(() => fn(new OpContext(n, opts.opset(n), n.inputs.map(input), (_i, h) => toDevice(h, `input of ${n.op}`))), FOLD_BYTES);
    } catch (e) {
      throw new Error(`${format}: node ${n.name || n.op} (${n.op}) failed while folding constants at load: ${e instanceof Error ? e.message : String(e)}`);
    }
    n.outputs.forEach((o, i) => { const v = outs[i]; if (o !== '' && v) constants.set(o, v); });
  }
  const outputNames = new Set(g.outputs.map((o) => o.name));
  if (opts.fuse !== false) steps = fuse(steps, constants, outputNames);
  // Drop nodes no output needs, then free each value after its last use.
  const needed = new Set(outputNames);
  const kept: GraphNode[] = [];
  for (let i = steps.length - 1; i >= 0; i--) {
    const n = steps[i]!;
    if (!n.outputs.some((o) => needed.has(o))) continue;
    kept.push(n);
    for (const inp of n.inputs) if (inp !== '') needed.add(inp);
  }
  kept.reverse();
  const last = new Map<string, number>();
  kept.forEach((n, i) => {
    for (const v of [...n.inputs, ...n.outputs]) if (v !== '') last.set(v, i);
  });
  const planned: Step[] = kept.map((node) => ({ node, free: [] }));
  for (const [v, i] of last) {
    if (outputNames.has(v) || constants.has(v) || weights.has(v) || inputNames.has(v)) continue;
    planned[i]!.free.push(v);
  }
  return { steps: planned, constants, weights };
}
