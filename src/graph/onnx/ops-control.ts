/**
 * ONNX control flow and data-dependent selection: If and Loop run their subgraphs (each planned
 * once, by the same executor, with the outer values a subgraph names bound as extra inputs of its
 * node by bindSubgraphs), and NonMaxSuppression. Conditions, trip counts and boxes are read on the
 * host: constants and shape arithmetic already are; a value computed from data is read back
 * synchronously where the backend can (cpu, wasm), and otherwise is an Error naming the op. Every
 * Loop is bounded by MAX_LOOP_ITERATIONS.
 */
import { nmsHost } from '../../ops/nms.js';
import type { Tensor } from '../../tensor.js';
import * as ops from '../../ops/index.js';
import type { OpContext, OpFn } from '../context.js';
import { GraphExecutor } from '../executor.js';
import { host, numbers, toDevice } from '../host.js';
import type { GraphDef, GraphNode, HostTensor, Value } from '../types.js';
import { isHost } from '../types.js';
import type { OpTable } from '../context.js';

/** The most iterations one Loop node may run. */
export const MAX_LOOP_ITERATIONS = 10_000;

/** The names a subgraph reads from outside itself (recursively through its own subgraphs). */
function freeNames(g: GraphDef): string[] {
  const bound = new Set<string>([...g.inputs.map((v) => v.name), ...g.constants.keys()]);
  const free = new Set<string>();
  for (const n of g.nodes) {
    const uses = [...n.inputs];
    for (const a of n.attrs.values()) if (a.type === 'graph') uses.push(...freeNames(a.value));
    for (const u of uses) if (u !== '' && !bound.has(u)) free.add(u);
    for (const o of n.outputs) bound.add(o);
  }
  return [...free];
}

const SUBGRAPH_OPS = new Set(['If', 'Loop', 'Scan']);

/**
 * Make the outer values each If / Loop subgraph reads explicit inputs of its node (after the
 * declared ones; their names are kept in the node's '__outer' attribute), so planning orders and
 * frees them like any input; subgraphs read the model's opsets. Nested subgraphs are bound too.
 */
export function bindSubgraphs(g: GraphDef, opsets = g.opsets): void {
  for (const n of g.nodes) {
    if (!SUBGRAPH_OPS.has(n.op) || n.domain !== '') continue;
    const outer = new Set<string>();
    for (const a of n.attrs.values()) {
      if (a.type !== 'graph') continue;
      a.value.opsets = opsets;
      bindSubgraphs(a.value, opsets);
      for (const f of freeNames(a.value)) outer.add(f);
    }
    n.attrs.set('__declared', { type: 'int', value: n.inputs.length });
    n.attrs.set('__outer', { type: 'strings', value: [...outer] });
    n.inputs = [...n.inputs, ...outer];
  }
}

const executors = new WeakMap<GraphDef, GraphExecutor>();

/** The whole ONNX table, which subgraphs run with (set by ops.ts once it is built: the table includes these entries). */
let table: OpTable = {};
export function setSubgraphTable(t: OpTable): void {
  table = t;
}

const keyOf = (n: GraphNode): string => (n.domain === '' || n.domain === 'ai.onnx' ? n.op : `${n.domain}:${n.op}`);

/** The executor of a subgraph, its outer names added as inputs (planned once). */
function subgraph(ctx: OpContext, name: string): { exec: GraphExecutor; g: GraphDef } {
  const a = ctx.node.attrs.get(name);
  if (a?.type !== 'graph') return ctx.fail(`attribute ${name} must be a graph`);
  const g = a.value;
  let exec = executors.get(g);
  if (!exec) {
    const outer = outerNames(ctx.node);
    const withOuter: GraphDef = { ...g, inputs: [...g.inputs, ...outer.filter((o) => !g.inputs.some((v) => v.name === o)).map((o) => ({ name: o, kind: 'tensor' as const }))] };
    const opset = (n: GraphNode): number => g.opsets.get(n.domain === 'ai.onnx' ? '' : n.domain) ?? g.opsets.get('') ?? 7;
    exec = new GraphExecutor(withOuter, table, { table, key: keyOf, opset, trainable: false, shapeOnly: new Set(['Shape', 'Size']) }, 'onnx');
    executors.set(g, exec);
  }
  return { exec, g };
}

/** Free what the subgraph executors of `g`'s nodes (recursively) hold. */
export function disposeSubgraphs(g: GraphDef): void {
  for (const n of g.nodes) {
    for (const a of n.attrs.values()) {
      if (a.type !== 'graph') continue;
      executors.get(a.value)?.dispose();
      executors.delete(a.value);
      disposeSubgraphs(a.value);
    }
  }
}

function outerNames(n: GraphNode): string[] {
  const a = n.attrs.get('__outer');
  return a?.type === 'strings' ? a.value : [];
}

function declared(ctx: OpContext): number {
  const a = ctx.node.attrs.get('__declared');
  return a?.type === 'int' ? a.value : ctx.inputs.length;
}

/** A value's numbers on the host: constants as they are; tensors read back where the backend reads synchronously. */
function hostNumbers(ctx: OpContext, v: Value | undefined, what: string): number[] {
  if (v === undefined) return ctx.fail(`${what} is required`);
  if (isHost(v)) return numbers(v);
  if (!v.backend.readSync) ctx.fail(`${what} is computed from data, and the ${v.backend.name} backend cannot read it back synchronously (run the model on cpu or wasm)`);
  return Array.from(v.dataSync());
}

/** Run a subgraph on named values; its outputs in order, host values kept on the host. */
function runGraph(ctx: OpContext, exec: GraphExecutor, g: GraphDef, values: ReadonlyMap<string, Value>): Value[] {
  const feeds: Record<string, Tensor> = {};
  const hostFeeds = new Map<string, HostTensor>();
  for (const info of exec.inputs) {
    const v = values.get(info.name);
    if (v === undefined) ctx.fail(`the subgraph's input '${info.name}' has no value`);
    if (isHost(v)) { hostFeeds.set(info.name, v); feeds[info.name] = toDevice(v, `subgraph input '${info.name}'`); } else feeds[info.name] = v;
  }
  const out = exec.execute(feeds, { outputs: g.outputs.map((o) => o.name), hostOutputs: true }, hostFeeds);
  return g.outputs.map((o) => out[o.name]! as Value);
}

function outerValues(ctx: OpContext): Map<string, Value> {
  const m = new Map<string, Value>();
  const start = declared(ctx);
  outerNames(ctx.node).forEach((name, k) => { const v = ctx.inputs[start + k]; if (v !== undefined) m.set(name, v); });
  return m;
}

const ifOp: OpFn = (ctx) => {
  const c = hostNumbers(ctx, ctx.inputs[0], 'the condition (input 0)');
  if (c.length !== 1) ctx.fail(`the condition must hold one value, got ${c.length}`);
  const { exec, g } = subgraph(ctx, c[0] ? 'then_branch' : 'else_branch');
  return runGraph(ctx, exec, g, outerValues(ctx));
};

const loopOp: OpFn = (ctx) => {
  const n = declared(ctx);
  const maxTrip = ctx.has(0) ? hostNumbers(ctx, ctx.inputs[0], 'the trip count M (input 0)')[0]! : Infinity;
  let cond = ctx.has(1) ? !!hostNumbers(ctx, ctx.inputs[1], 'the condition (input 1)')[0] : true;
  const { exec, g } = subgraph(ctx, 'body');
  const nCarried = n - 2;
  if (g.inputs.length !== nCarried + 2) ctx.fail(`the body takes ${g.inputs.length} inputs, expected ${nCarried + 2} (iteration number, condition, ${nCarried} loop-carried values)`);
  let carried: Value[] = ctx.inputs.slice(2, n).map((v, i) => v ?? ctx.fail(`loop-carried input ${i} is missing`));
  const scans: Value[][] = [];
  const outer = outerValues(ctx);
  let i = 0;
  for (; i < maxTrip && cond; i++) {
    if (i >= MAX_LOOP_ITERATIONS) ctx.fail(`the loop ran past ${MAX_LOOP_ITERATIONS} iterations; a loop that does not end is stopped here`);
    const values = new Map(outer);
    values.set(g.inputs[0]!.name, host('int64', [], Float64Array.of(i)));
    values.set(g.inputs[1]!.name, host('bool', [], Uint8Array.of(cond ? 1 : 0)));
    carried.forEach((v, k) => values.set(g.inputs[k + 2]!.name, v));
    const outs = runGraph(ctx, exec, g, values);
    cond = !!hostNumbers(ctx, outs[0], 'the body\'s condition output')[0];
    carried = outs.slice(1, 1 + nCarried);
    outs.slice(1 + nCarried).forEach((v, k) => (scans[k] ??= []).push(v));
  }
  const nScan = g.outputs.length - 1 - nCarried;
  const stacked = Array.from({ length: nScan }, (_, k) => {
    const list = scans[k] ?? [];
    if (!list.length) return ctx.fail('a Loop that runs zero times cannot give scan outputs of unknown shape');
    return ops.stack(list.map((v) => (isHost(v) ? toDevice(v, 'scan output') : v)), 0);
  });
  return [...carried, ...stacked];
};

/** ONNX NonMaxSuppression: boxes [B, N, 4], scores [B, C, N] -> selected [K, 3] of (batch, class, box). */
const nonMaxSuppression: OpFn = (ctx) => {
  const bs = ctx.shape(0), ss = ctx.shape(1);
  if (bs.length !== 3 || bs[2] !== 4) ctx.fail(`boxes must have shape [batch, boxes, 4], got ${ctx.fmt(bs)}`);
  if (ss.length !== 3 || ss[0] !== bs[0] || ss[2] !== bs[1]) ctx.fail(`scores must have shape [${bs[0]}, classes, ${bs[1]}], got ${ctx.fmt(ss)}`);
  const maxOut = ctx.has(2) ? hostNumbers(ctx, ctx.inputs[2], 'max_output_boxes_per_class')[0] ?? 0 : 0;
  const iou = ctx.has(3) ? hostNumbers(ctx, ctx.inputs[3], 'iou_threshold')[0] ?? 0 : 0;
  const st = ctx.has(4) ? hostNumbers(ctx, ctx.inputs[4], 'score_threshold')[0] ?? -Infinity : -Infinity;
  const centre = ctx.int('center_point_box', 0) === 1;
  const boxes = hostNumbers(ctx, ctx.inputs[0], 'boxes'), scores = hostNumbers(ctx, ctx.inputs[1], 'scores');
  const [B, N] = bs as [number, number];
  const C = ss[1]!;
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    let bx = boxes.slice(b * N * 4, (b + 1) * N * 4);
    if (centre) bx = bx.flatMap((_, k) => (k % 4 ? [] : [bx[k + 1]! - bx[k + 3]! / 2, bx[k]! - bx[k + 2]! / 2, bx[k + 1]! + bx[k + 3]! / 2, bx[k]! + bx[k + 2]! / 2]));
    for (let c = 0; c < C; c++) {
      const sc = scores.slice((b * C + c) * N, (b * C + c + 1) * N);
      const r = nmsHost(bx, sc, Math.min(maxOut, N), iou, st, 0, true);
      for (const k of r.indices) out.push(b, c, k);
    }
  }
  return [host('int64', [out.length / 3, 3], Float64Array.from(out))];
};

/** The control-flow entries of the ONNX table. */
export const CONTROL_OPS: Record<string, OpFn> = { If: ifOp, Loop: loopOp, NonMaxSuppression: nonMaxSuppression };

