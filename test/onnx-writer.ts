/**
 * A minimal ONNX protobuf writer for tests: builds ModelProto bytes from plain descriptions of
 * nodes, initializers and inputs/outputs, so tests can make small real models (and broken ones).
 */

class Writer {
  bytes: number[] = [];
  varint(v: number): this {
    if (v < 0) {
      // Two's complement over 64 bits: 10 bytes.
      let lo = v >>> 0, hi = Math.floor(v / 0x100000000) >>> 0;
      for (let i = 0; i < 9; i++) {
        this.bytes.push((lo & 0x7f) | 0x80);
        lo = (lo >>> 7) | ((hi & 0x7f) << 25);
        hi >>>= 7;
      }
      this.bytes.push(1);
      return this;
    }
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
    return this;
  }
  key(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }
  int(field: number, v: number): this {
    return this.key(field, 0).varint(v);
  }
  raw(field: number, b: Uint8Array | number[]): this {
    this.key(field, 2).varint(b.length);
    for (const x of b) this.bytes.push(x);
    return this;
  }
  str(field: number, s: string): this {
    return this.raw(field, [...new TextEncoder().encode(s)]);
  }
  msg(field: number, w: Writer): this {
    return this.raw(field, w.bytes);
  }
  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.key(field, 5);
    for (const x of b) this.bytes.push(x);
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** ONNX dtype numbers used by the tests. */
export const FLOAT = 1, INT64 = 7, INT32 = 6, FLOAT16 = 10, UINT8 = 2, INT8 = 3;

export interface TensorDesc {
  name?: string;
  dims: number[];
  dtype?: number;
  /** Values written as raw_data of the dtype (float, int32, int64, int8, uint8, float16 as bits). */
  values?: ArrayLike<number>;
  /** Values written to the typed repeated fields instead of raw_data. */
  typed?: boolean;
  /** Raw bytes, as given (for malformed tensors). */
  rawBytes?: Uint8Array;
  external?: { location: string; offset?: number; length?: number };
}

export function tensorProto(t: TensorDesc): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  const dt = t.dtype ?? FLOAT;
  w.int(2, dt);
  if (t.name !== undefined) w.str(8, t.name);
  if (t.external) {
    const e = (k: string, v: string): Writer => new Writer().str(1, k).str(2, v);
    w.msg(13, e('location', t.external.location));
    if (t.external.offset !== undefined) w.msg(13, e('offset', String(t.external.offset)));
    if (t.external.length !== undefined) w.msg(13, e('length', String(t.external.length)));
    w.int(14, 1);
  } else if (t.rawBytes) w.raw(9, t.rawBytes);
  else if (t.values) {
    const v = Array.from(t.values);
    if (t.typed) {
      const packed = new Writer();
      if (dt === FLOAT) { for (const x of v) { const b = new Uint8Array(4); new DataView(b.buffer).setFloat32(0, x, true); packed.bytes.push(...b); } w.raw(4, packed.bytes); }
      else if (dt === INT64) { for (const x of v) packed.varint(x); w.raw(7, packed.bytes); }
      else { for (const x of v) packed.varint(x); w.raw(5, packed.bytes); }
    } else {
      const size = dt === FLOAT || dt === INT32 ? 4 : dt === INT64 ? 8 : dt === FLOAT16 ? 2 : 1;
      const b = new Uint8Array(v.length * size);
      const dv = new DataView(b.buffer);
      v.forEach((x, i) => {
        if (dt === FLOAT) dv.setFloat32(4 * i, x, true);
        else if (dt === INT32) dv.setInt32(4 * i, x, true);
        else if (dt === INT64) { dv.setInt32(8 * i, x | 0, true); dv.setInt32(8 * i + 4, Math.floor(x / 0x100000000), true); }
        else if (dt === FLOAT16) dv.setUint16(2 * i, x, true);
        else if (dt === INT8) dv.setInt8(i, x);
        else dv.setUint8(i, x);
      });
      w.raw(9, b);
    }
  }
  return w;
}

export type AttrDesc = number | number[] | string | { floats: number[] } | { float: number } | { tensor: TensorDesc } | { graph: ModelDesc };

export interface NodeDesc {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attrs?: Record<string, AttrDesc>;
}

function attrProto(name: string, a: AttrDesc): Writer {
  const w = new Writer().str(1, name);
  if (typeof a === 'number') w.int(3, a).int(20, 2);
  else if (typeof a === 'string') w.str(4, a).int(20, 3);
  else if (Array.isArray(a)) { for (const x of a) w.int(8, x); w.int(20, 7); }
  else if ('floats' in a) { for (const x of a.floats) w.float(7, x); w.int(20, 6); }
  else if ('float' in a) w.float(2, a.float).int(20, 1);
  else if ('graph' in a) w.msg(6, graphProto(a.graph)).int(20, 5);
  else w.msg(5, tensorProto(a.tensor)).int(20, 4);
  return w;
}

export interface ValueDesc {
  name: string;
  dtype?: number;
  /** Dims: numbers, symbolic names, or null for unknown. */
  shape?: (number | string | null)[];
}

function valueInfo(v: ValueDesc): Writer {
  const shape = new Writer();
  for (const d of v.shape ?? []) {
    const dim = new Writer();
    if (typeof d === 'number') dim.int(1, d);
    else if (typeof d === 'string') dim.str(2, d);
    shape.msg(1, dim);
  }
  const tt = new Writer().int(1, v.dtype ?? FLOAT);
  if (v.shape) tt.msg(2, shape);
  return new Writer().str(1, v.name).msg(2, new Writer().msg(1, tt));
}

export interface ModelDesc {
  nodes: NodeDesc[];
  inputs: ValueDesc[];
  outputs: ValueDesc[];
  initializers?: TensorDesc[];
  opset?: number;
}

/** A GraphProto (a model's graph, or a subgraph attribute). */
function graphProto(m: ModelDesc): Writer {
  const g = new Writer();
  for (const n of m.nodes) {
    const w = new Writer();
    for (const i of n.inputs) w.str(1, i);
    for (const o of n.outputs) w.str(2, o);
    if (n.name) w.str(3, n.name);
    w.str(4, n.op);
    if (n.domain) w.str(7, n.domain);
    for (const [k, a] of Object.entries(n.attrs ?? {})) w.msg(5, attrProto(k, a));
    g.msg(1, w);
  }
  g.str(2, 'test');
  for (const t of m.initializers ?? []) g.msg(5, tensorProto(t));
  for (const v of m.inputs) g.msg(11, valueInfo(v));
  for (const v of m.outputs) g.msg(12, valueInfo(v));
  return g;
}

/** The bytes of an ONNX ModelProto. */
export function buildModel(m: ModelDesc): Uint8Array {
  const g = graphProto(m);
  return new Writer().int(1, 8).str(2, 'webgpu-tensor-test').msg(7, g).msg(8, new Writer().str(1, '').int(2, m.opset ?? 17)).done();
}

/** Seeded uniform numbers in [-1, 1). */
export function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** A CNN of the kind PyTorch exports, with the batch dim symbolic. */
export function cnnBytes(batch: number | string = 'N'): Uint8Array {
  return buildModel({
    opset: 13,
    inputs: [{ name: 'x', shape: [batch, 3, 8, 8] }],
    outputs: [{ name: 'probs', shape: [batch, 5] }, { name: 'logits', shape: [batch, 5] }],
    initializers: [
      { name: 'W', dims: [4, 3, 3, 3], values: seeded(108, 1) },
      { name: 'B', dims: [4], values: seeded(4, 2) },
      { name: 'scale', dims: [4], values: seeded(4, 3).map((v) => v + 1.5) },
      { name: 'beta', dims: [4], values: seeded(4, 4) },
      { name: 'mean', dims: [4], values: seeded(4, 5) },
      { name: 'var', dims: [4], values: seeded(4, 6).map((v) => v + 1.5) },
      { name: 'W2', dims: [5, 64], values: seeded(320, 7) },
      { name: 'B2', dims: [5], values: seeded(5, 8) },
      { name: 'zero', dims: [1], dtype: INT64, values: [0] },
      { name: 'minus1', dims: [1], dtype: INT64, values: [-1] },
    ],
    nodes: [
      { op: 'Conv', inputs: ['x', 'W', 'B'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'BatchNormalization', inputs: ['c', 'scale', 'beta', 'mean', 'var'], outputs: ['bn'], attrs: { epsilon: { float: 1e-3 } } },
      { op: 'Relu', inputs: ['bn'], outputs: ['r'] },
      { op: 'MaxPool', inputs: ['r'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Shape', inputs: ['p'], outputs: ['s'] },
      { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: { axis: 0 } },
      { op: 'Concat', inputs: ['n', 'minus1'], outputs: ['flatShape'], attrs: { axis: 0 } },
      { op: 'Reshape', inputs: ['p', 'flatShape'], outputs: ['flat'] },
      { op: 'Gemm', inputs: ['flat', 'W2', 'B2'], outputs: ['logits'], attrs: { transB: 1 } },
      { op: 'Softmax', inputs: ['logits'], outputs: ['probs'], attrs: { axis: 1 } },
    ],
  });
}

