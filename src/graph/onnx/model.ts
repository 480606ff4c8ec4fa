/**
 * ONNX ModelProto / GraphProto / NodeProto / AttributeProto / ValueInfoProto -> the format-neutral
 * GraphDef. Only the fields the executor uses are kept; unknown fields are skipped by wire type.
 */
import type { AttrValue, Dim, GraphDef, GraphNode, HostTensor, ValueInfo } from '../types.js';
import { LEN, ProtoReader } from './proto.js';
import { checkDims, decodeTensor, ONNX_DTYPES, type DecodedTensor } from './tensor-proto.js';

/** A decoded model: its graph, and the initializers whose data lies in external files. */
export interface OnnxModel {
  graph: GraphDef;
  irVersion: number;
  producer: string;
  /** Initializers still to be read from files next to the model. */
  external: DecodedTensor[];
  /** Initializers of a dtype the executor does not hold (string, complex, ...): an Error if a node uses one. */
  unsupportedConstants: Map<string, string>;
}

const MAX_NODES = 1_000_000;
const MAX_LIST = 1 << 24;

function decodeValueInfo(r: ProtoReader): ValueInfo {
  let name = '';
  const info: ValueInfo = { name, kind: 'tensor' };
  while (!r.done) {
    const { field, wire } = r.header();
    if (field === 1 && wire === LEN) name = r.string();
    else if (field === 2 && wire === LEN) {
      const t = r.message('TypeProto');
      while (!t.done) {
        const h = t.header();
        if (h.field === 1 && h.wire === LEN) decodeTensorType(t.message('TypeProto.Tensor'), info);
        else if (h.field === 4) { info.kind = 'sequence'; t.skip(h.wire); }
        else if (h.field === 5) { info.kind = 'map'; t.skip(h.wire); }
        else if (h.field === 9) { info.kind = 'optional'; t.skip(h.wire); }
        else if (h.field === 8) { info.kind = 'sparse'; t.skip(h.wire); }
        else t.skip(h.wire);
      }
    } else r.skip(wire);
  }
  info.name = name;
  return info;
}

function decodeTensorType(r: ProtoReader, info: ValueInfo): void {
  while (!r.done) {
    const { field, wire } = r.header();
    if (field === 1 && wire === 0) { const d = r.varint(); info.dtype = ONNX_DTYPES[d] ?? `type ${d}`; }
    else if (field === 2 && wire === LEN) {
      const s = r.message('TensorShapeProto');
      const dims: Dim[] = [];
      while (!s.done) {
        const h = s.header();
        if (h.field === 1 && h.wire === LEN) {
          const d = s.message('TensorShapeProto.Dimension');
          let dim: Dim = null;
          while (!d.done) {
            const k = d.header();
            if (k.field === 1 && k.wire === 0) dim = d.int64();
            else if (k.field === 2 && k.wire === LEN) dim = d.string() || null;
            else d.skip(k.wire);
          }
          if (dims.length >= 64) throw new Error('onnx: a value info declares more than 64 dims');
          dims.push(dim);
        } else s.skip(h.wire);
      }
      info.shape = dims;
    } else r.skip(wire);
  }
}

function decodeAttr(r: ProtoReader, depth: number, sink: ConstSink): [string, AttrValue] {
  let name = '';
  let type = 0;
  let f = 0, i = 0, s: Uint8Array | undefined, t: HostTensor | undefined, g: GraphDef | undefined, tString = false;
  const floats: number[] = [], ints: number[] = [], strings: string[] = [];
  let other = '';
  while (!r.done) {
    const { field, wire } = r.header();
    if (field === 1 && wire === LEN) name = r.string();
    else if (field === 20 && wire === 0) type = r.varint();
    else if (field === 2 && wire === 5) f = r.float();
    else if (field === 3 && wire === 0) i = r.int64();
    else if (field === 4 && wire === LEN) s = r.bytesField();
    else if (field === 5 && wire === LEN) {
      const d = decodeTensor(r.message('AttributeProto.t'), `attribute ${name || '?'}`);
      if (d.value) t = d.value;
      else tString = true;
    } else if (field === 6 && wire === LEN) g = decodeGraph(r.message('AttributeProto.g'), depth + 1, sink);
    else if (field === 7) r.repeated(wire, 'float', floats, MAX_LIST);
    else if (field === 8) r.repeated(wire, 'int64', ints, MAX_LIST);
    else if (field === 9 && wire === LEN) {
      if (strings.length >= MAX_LIST) throw new Error('onnx: an attribute holds too many strings');
      strings.push(r.string());
    } else if (field === 21 && wire === LEN) { other = `a reference to function attribute ${r.string()}`; }
    else { if (field === 10 || field === 11 || field === 22 || field === 23 || field === 14 || field === 15) other = `field ${field}`; r.skip(wire); }
  }
  const v = ((): AttrValue => {
    if (other) return { type: 'unsupported', value: other };
    switch (type) {
      case 1: return { type: 'float', value: f };
      case 2: return { type: 'int', value: i };
      case 3: return { type: 'string', value: new TextDecoder().decode(s ?? new Uint8Array()) };
      case 4: return t ? { type: 'tensor', value: t } : { type: 'unsupported', value: tString ? 'a tensor of an unsupported dtype' : 'a tensor' };
      case 5: return g ? { type: 'graph', value: g } : { type: 'unsupported', value: 'a graph' };
      case 6: return { type: 'floats', value: floats };
      case 7: return { type: 'ints', value: ints };
      case 8: return { type: 'strings', value: strings };
      default: return { type: 'unsupported', value: `attribute type ${type}` };
    }
  })();
  return [name, v];
}

function decodeNode(r: ProtoReader, depth: number, sink: ConstSink): GraphNode {
  const node: GraphNode = { name: '', op: '', domain: '', inputs: [], outputs: [], attrs: new Map() };
  while (!r.done) {
    const { field, wire } = r.header();
    if (field === 1 && wire === LEN) node.inputs.push(r.string());
    else if (field === 2 && wire === LEN) node.outputs.push(r.string());
    else if (field === 3 && wire === LEN) node.name = r.string();
    else if (field === 4 && wire === LEN) node.op = r.string();
    else if (field === 7 && wire === LEN) node.domain = r.string();
    else if (field === 5 && wire === LEN) {
      const [k, v] = decodeAttr(r.message(`attribute of node ${node.name || node.op}`), depth, sink);
      node.attrs.set(k, v);
    } else r.skip(wire);
  }
  if (node.inputs.length > 4096 || node.outputs.length > 4096) throw new Error(`onnx: node ${node.name || node.op} has more than 4096 inputs or outputs`);
  return node;
}

interface ConstSink {
  external: DecodedTensor[];
  unsupported: Map<string, string>;
}

function decodeGraph(r: ProtoReader, depth: number, sink: ConstSink): GraphDef {
  if (depth > 16) throw new Error('onnx: subgraphs are nested more than 16 deep');
  const g: GraphDef = { name: '', nodes: [], constants: new Map(), inputs: [], outputs: [], opsets: new Map() };
  while (!r.done) {
    const { field, wire } = r.header();
    if (field === 1 && wire === LEN) {
      if (g.nodes.length >= MAX_NODES) throw new Error(`onnx: the graph has more than ${MAX_NODES} nodes`);
      g.nodes.push(decodeNode(r.message('NodeProto'), depth, sink));
    } else if (field === 2 && wire === LEN) g.name = r.string();
    else if (field === 5 && wire === LEN) {
      const d = decodeTensor(r.message('initializer'), 'initializer');
      if (d.value) g.constants.set(d.name, d.value);
      else if (d.external) sink.external.push(d);
      else sink.unsupported.set(d.name, d.dtype);
    } else if (field === 11 && wire === LEN) g.inputs.push(decodeValueInfo(r.message('ValueInfoProto')));
    else if (field === 12 && wire === LEN) g.outputs.push(decodeValueInfo(r.message('ValueInfoProto')));
    else r.skip(wire);
  }
  return g;
}

/** Decode an ONNX file's bytes. Throws an Error for anything malformed, before any tensor exists. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const r = new ProtoReader(bytes, 'ModelProto');
  const sink: ConstSink = { external: [], unsupported: new Map() };
  let graph: GraphDef | undefined;
  let irVersion = 0, producer = '';
  const opsets = new Map<string, number>();
  while (!r.done) {
    const { field, wire } = r.header();
    if (field === 1 && wire === 0) irVersion = r.varint();
    else if (field === 2 && wire === LEN) producer = r.string();
    else if (field === 7 && wire === LEN) graph = decodeGraph(r.message('GraphProto'), 0, sink);
    else if (field === 8 && wire === LEN) {
      const o = r.message('OperatorSetIdProto');
      let domain = '', version = 0;
      while (!o.done) {
        const h = o.header();
        if (h.field === 1 && h.wire === LEN) domain = o.string();
        else if (h.field === 2 && h.wire === 0) version = o.int64();
        else o.skip(h.wire);
      }
      opsets.set(domain === 'ai.onnx' ? '' : domain, version);
    } else r.skip(wire);
  }
  if (!graph) throw new Error('onnx: the file holds no graph (is it an ONNX model?)');
  if (!opsets.has('')) opsets.set('', irVersion >= 3 ? 7 : 1);
  graph.opsets = opsets;
  for (const v of [...graph.inputs, ...graph.outputs]) {
    if (v.shape) checkDims(v.shape.map((d) => (typeof d === 'number' ? d : 1)), `graph value '${v.name}'`);
  }
  return { graph, irVersion, producer, external: sink.external, unsupportedConstants: sink.unsupported };
}

/** Decode a lone TensorProto file (the conformance tests' input_0.pb / output_0.pb). */
export function decodeTensorFile(bytes: Uint8Array, where: string): DecodedTensor {
  return decodeTensor(new ProtoReader(bytes, where), where);
}
