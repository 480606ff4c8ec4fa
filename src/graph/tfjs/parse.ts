/**
 * TF.js graph models (model.json with format 'graph-model', as the TF.js converter writes a
 * TensorFlow GraphDef) into the format-neutral graph: Const nodes become host constants from the
 * weights, Placeholders the graph's inputs, every other node a GraphNode with its attributes decoded.
 * TensorFlow names a node's k-th output 'node:k' (output 0 is plain 'node'); control inputs ('^node')
 * order side effects that a pure executor does not have, and are dropped. The file is untrusted:
 * everything is checked here, before anything is allocated.
 */
import type { AttrValue, Dim, GraphDef, GraphNode, HostTensor, ValueInfo } from '../types.js';
import { checkManifestWeight, decodeWeights, type ManifestWeight } from '../../nn/io/weights.js';

const OP = 'loadGraphModel';

/** A node of the GraphDef JSON. */
interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

/** An attribute of the GraphDef JSON (one field set). */
interface TfAttr {
  type?: string;
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  shape?: TfShape;
  tensor?: { dtype?: string; tensorShape?: TfShape };
  list?: { i?: (string | number)[]; f?: number[]; s?: string[]; type?: string[]; b?: boolean[]; shape?: TfShape[] };
  func?: unknown;
}

interface TfShape {
  dim?: { size?: string | number }[];
  unknownRank?: boolean;
}

/** What a graph model's loader hands over: TF.js's io.ModelArtifacts fields for graph models. */
export interface GraphArtifacts {
  /** model.json's modelTopology: the GraphDef as JSON ({ node: [...] }). */
  modelTopology?: unknown;
  /** The weights manifest's entries, in the order of weightData. */
  weightSpecs?: unknown[];
  /** The weight shards' bytes, concatenated. */
  weightData?: ArrayBuffer;
  /** The converter's signature: named inputs and outputs. */
  signature?: unknown;
  /** 'graph-model'. */
  format?: string;
}

/** TensorFlow's DataType enum names, as our dtype names. */
const DTYPES: Record<string, string> = {
  DT_FLOAT: 'float32', DT_HALF: 'float16', DT_DOUBLE: 'float64', DT_INT32: 'int32', DT_INT64: 'int64',
  DT_INT8: 'int8', DT_UINT8: 'uint8', DT_INT16: 'int16', DT_UINT16: 'uint16', DT_BOOL: 'bool',
  DT_STRING: 'string', DT_COMPLEX64: 'complex64', DT_RESOURCE: 'resource', DT_VARIANT: 'variant',
};

const MAX_NODES = 1 << 20;

function text(b64: string): string {
  try {
    const bin = atob(b64);
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    throw new Error(`${OP}: attribute string '${b64.slice(0, 40)}' is not base64`);
  }
}

function int(v: string | number, where: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`${OP}: ${where} has integer ${String(v)}, which is not a safe integer`);
  return n;
}

function dims(s: TfShape | undefined, where: string): Dim[] | undefined {
  if (!s || s.unknownRank) return undefined;
  return (s.dim ?? []).map((d) => {
    const n = int(d.size ?? 0, where);
    return n < 0 ? null : n;
  });
}

/** One attribute, decoded; tensors and functions are kept only as markers. */
function attr(a: TfAttr, where: string): AttrValue {
  if (a.type !== undefined) return { type: 'string', value: DTYPES[a.type] ?? a.type };
  if (a.s !== undefined) return { type: 'string', value: text(a.s) };
  if (a.i !== undefined) return { type: 'int', value: int(a.i, where) };
  if (a.f !== undefined) return { type: 'float', value: Number(a.f) };
  if (a.b !== undefined) return { type: 'int', value: a.b ? 1 : 0 };
  if (a.shape !== undefined) return { type: 'ints', value: (dims(a.shape, where) ?? []).map((d) => (typeof d === 'number' ? d : -1)) };
  if (a.list !== undefined) {
    const l = a.list;
    if (l.s) return { type: 'strings', value: l.s.map(text) };
    if (l.type) return { type: 'strings', value: l.type.map((t) => DTYPES[t] ?? t) };
    if (l.f) return { type: 'floats', value: l.f.map(Number) };
    if (l.b) return { type: 'ints', value: l.b.map((b) => (b ? 1 : 0)) };
    return { type: 'ints', value: (l.i ?? []).map((v) => int(v, where)) };
  }
  if (a.tensor !== undefined) return { type: 'unsupported', value: 'tensor' };
  return { type: 'unsupported', value: a.func !== undefined ? 'func' : 'empty' };
}

/** 'node:0' and 'node' are the same value; control inputs are dropped (null). */
function ref(input: string): { node: string; index: number; name: string } | null {
  if (input.startsWith('^')) return null;
  const m = /^(.*):(\d+)$/.exec(input);
  const node = m ? m[1]! : input;
  const index = m ? Number(m[2]) : 0;
  return { node, index, name: index === 0 ? node : `${node}:${index}` };
}

function checkNodes(topology: unknown, where: string): TfNode[] {
  const t = topology as { node?: unknown } | undefined;
  if (!t || typeof t !== 'object' || !Array.isArray(t.node)) throw new Error(`${OP}: ${where} has no modelTopology.node array (is it a graph model?)`);
  if (t.node.length > MAX_NODES) throw new Error(`${OP}: ${where} has ${t.node.length} nodes (at most ${MAX_NODES})`);
  const names = new Set<string>();
  for (const [i, n] of (t.node as TfNode[]).entries()) {
    if (!n || typeof n.name !== 'string' || typeof n.op !== 'string') throw new Error(`${OP}: node ${i} of ${where} needs a string name and op`);
    if (names.has(n.name)) throw new Error(`${OP}: ${where} has two nodes named '${n.name}'`);
    names.add(n.name);
    if (n.input !== undefined && (!Array.isArray(n.input) || n.input.some((s) => typeof s !== 'string'))) {
      throw new Error(`${OP}: node '${n.name}' of ${where} has inputs that are not strings`);
    }
    if (n.attr !== undefined && (typeof n.attr !== 'object' || n.attr === null)) throw new Error(`${OP}: node '${n.name}' of ${where} has attributes that are not an object`);
  }
  return t.node as TfNode[];
}

/** The signature's tensor names for inputs or outputs, when the file has one. */
function signatureNames(sig: unknown, key: 'inputs' | 'outputs'): string[] | undefined {
  const part = (sig as Record<string, unknown> | undefined)?.[key];
  if (!part || typeof part !== 'object') return undefined;
  const names = Object.values(part as Record<string, { name?: unknown }>).map((v) => v?.name);
  return names.every((n) => typeof n === 'string') && names.length ? (names as string[]) : undefined;
}

/** Parse a TF.js graph model into the neutral graph. Throws a clear Error on anything malformed. */
export function parseGraphModel(a: GraphArtifacts, where: string): GraphDef {
  const nodes = checkNodes(a.modelTopology, where);
  const specs: ManifestWeight[] = (a.weightSpecs ?? []).map((s) => checkManifestWeight(s, OP, where));
  const weights = decodeWeights(specs, a.weightData ?? new ArrayBuffer(0), OP, where);

  const byName = new Map(nodes.map((n) => [n.name, n]));
  const outputsOf = new Map<string, number>();
  const consumed = new Set<string>();
  for (const n of nodes) {
    for (const s of n.input ?? []) {
      const r = ref(s);
      if (!r) continue;
      if (!byName.has(r.node)) throw new Error(`${OP}: node '${n.name}' of ${where} names input '${s}', which no node produces`);
      outputsOf.set(r.node, Math.max(outputsOf.get(r.node) ?? 1, r.index + 1));
      consumed.add(r.node);
    }
  }

  const constants = new Map<string, HostTensor>();
  const inputs: ValueInfo[] = [];
  const graphNodes: GraphNode[] = [];
  for (const n of nodes) {
    const attrs = new Map<string, AttrValue>();
    for (const [k, v] of Object.entries(n.attr ?? {})) attrs.set(k, attr(v, `attribute ${k} of node '${n.name}'`));
    if (n.op === 'Const') {
      const w = weights.get(n.name);
      if (!w) throw new Error(`${OP}: Const node '${n.name}' of ${where} has no weight in the manifest`);
      constants.set(n.name, w);
    } else if (n.op === 'Placeholder' || n.op === 'PlaceholderWithDefault') {
      const d = attrs.get('dtype');
      inputs.push({ name: n.name, dtype: d?.type === 'string' ? d.value : undefined, shape: dims(n.attr?.['shape']?.shape, `node '${n.name}'`), kind: 'tensor' });
    } else {
      const count = outputsOf.get(n.name) ?? 1;
      graphNodes.push({
        name: n.name,
        op: n.op,
        domain: '',
        inputs: (n.input ?? []).map(ref).filter((r) => r !== null).map((r) => r.name),
        outputs: Array.from({ length: count }, (_, k) => (k === 0 ? n.name : `${n.name}:${k}`)),
        attrs,
      });
    }
  }
  for (const [name] of weights) if (!byName.has(name)) throw new Error(`${OP}: ${where} has weight '${name}', which no Const node takes`);

  const sigOut = signatureNames(a.signature, 'outputs');
  const outNames = sigOut
    ? sigOut.map((s) => ref(s)!.name)
    : nodes.filter((n) => !consumed.has(n.name) && n.op !== 'Const' && !n.op.startsWith('Placeholder') && n.op !== 'NoOp').map((n) => n.name);
  return { name: where, nodes: graphNodes, constants, inputs, outputs: outNames.map((name) => ({ name, kind: 'tensor' as const })), opsets: new Map() };
}
