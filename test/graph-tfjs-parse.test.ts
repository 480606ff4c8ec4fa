// The TF.js graph-model parser and weight decoder on hand-made files: dequantization worked out by
// hand (uint8 / uint16 with min and scale, float16), value names and output counts, and hostile
// files (wrong byte counts, bad shapes and quantization, unknown inputs, duplicate names) that must
// fail with a clear Error before anything is decoded.
import { describe, expect, it } from 'vitest';
import { parseGraphModel } from '../src/graph/tfjs/parse.js';
import { decodeWeights } from '../src/nn/io/weights.js';

const b64 = (s: string): string => btoa(s);

function bytes(...parts: ArrayBufferView[]): ArrayBuffer {
  const n = parts.reduce((a, p) => a + p.byteLength, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at); at += p.byteLength; }
  return out.buffer;
}

describe('decodeWeights', () => {
  it('dequantizes uint8 and uint16 as q * scale + min, float16 by its bits, and reads float32 / int32 / bool', () => {
    const specs = [
      { name: 'u8', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.5 } },
      { name: 'u16', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', min: 10, scale: 0.25 } },
      { name: 'h', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } },
      { name: 'i8', shape: [2], dtype: 'int32', quantization: { dtype: 'uint8', min: -3, scale: 1 } },
      { name: 'f', shape: [1], dtype: 'float32' },
      { name: 'i', shape: [2], dtype: 'int32' },
      { name: 'b', shape: [3], dtype: 'bool' },
    ];
    // float16: 1.0 = 0x3c00, -2.0 = 0xc000, 0.5 = 0x3800, the smallest subnormal 2^-24 = 0x0001
    const data = bytes(Uint8Array.of(0, 3, 255), Uint16Array.of(0, 4), Uint16Array.of(0x3c00, 0xc000, 0x3800, 0x0001), Uint8Array.of(0, 5),
      Float32Array.of(1.5), Int32Array.of(-7, 2 ** 31 - 1), Uint8Array.of(1, 0, 1));
    const w = decodeWeights(specs, data, 'loadGraphModel', 'm.json');
    expect(Array.from(w.get('u8')!.data)).toEqual([-1, 0.5, 126.5]);
    expect(Array.from(w.get('u16')!.data)).toEqual([10, 11]);
    expect(Array.from(w.get('h')!.data)).toEqual([1, -2, 0.5, Math.fround(2 ** -24)]);
    expect(w.get('i8')!.dtype).toBe('int32');
    expect(Array.from(w.get('i8')!.data)).toEqual([-3, 2]);
    expect(Array.from(w.get('f')!.data)).toEqual([1.5]);
    expect(Array.from(w.get('i')!.data)).toEqual([-7, 2 ** 31 - 1]);
    expect(w.get('b')!.dtype).toBe('bool');
    expect(Array.from(w.get('b')!.data)).toEqual([1, 0, 1]);
  });

  it('refuses a byte count that differs from what the specs need, before decoding', () => {
    const specs = [{ name: 'a', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } }];
    expect(() => decodeWeights(specs, new ArrayBuffer(16), 'loadGraphModel', 'm.json')).toThrow(/loadGraphModel: the weights in m.json need 4 bytes, but the weight files hold 16/);
  });
});

const conv = (name: string, inputs: string[]) => ({
  name, op: 'Conv2D', input: inputs,
  attr: { strides: { list: { i: ['1', '2', '2', '1'] } }, padding: { s: b64('SAME') }, T: { type: 'DT_FLOAT' }, use_cudnn_on_gpu: { b: true }, epsilon: { f: 0.001 } },
});

function model(nodes: unknown[], specs: unknown[] = [], data = new ArrayBuffer(0)) {
  return { modelTopology: { node: nodes }, weightSpecs: specs, weightData: data };
}

describe('parseGraphModel', () => {
  const base = [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '8' }, { size: '8' }, { size: '3' }] } } } },
    { name: 'w', op: 'Const', attr: { value: { tensor: { dtype: 'DT_FLOAT' } }, dtype: { type: 'DT_FLOAT' } } },
    conv('c', ['x', 'w', '^w']),
    { name: 'split', op: 'Split', input: ['axis', 'c'], attr: { num_split: { i: '2' } } },
    { name: 'axis', op: 'Const', attr: { dtype: { type: 'DT_INT32' } } },
    { name: 'out', op: 'AddV2', input: ['split', 'split:1'] },
  ];
  const specs = [{ name: 'w', shape: [1, 1, 3, 4], dtype: 'float32' }, { name: 'axis', shape: [], dtype: 'int32' }];
  const data = bytes(new Float32Array(12), Int32Array.of(3));

  it('makes Consts constants, Placeholders inputs, decodes attributes and names outputs node:k', () => {
    const g = parseGraphModel(model(base, specs, data), 'm.json');
    expect(g.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [null, 8, 8, 3], kind: 'tensor' }]);
    expect([...g.constants.keys()]).toEqual(['w', 'axis']);
    expect(g.constants.get('w')!.shape).toEqual([1, 1, 3, 4]);
    const c = g.nodes.find((n) => n.name === 'c')!;
    expect(c.inputs).toEqual(['x', 'w']);
    expect(c.attrs.get('strides')).toEqual({ type: 'ints', value: [1, 2, 2, 1] });
    expect(c.attrs.get('padding')).toEqual({ type: 'string', value: 'SAME' });
    expect(c.attrs.get('T')).toEqual({ type: 'string', value: 'float32' });
    expect(c.attrs.get('use_cudnn_on_gpu')).toEqual({ type: 'int', value: 1 });
    expect(c.attrs.get('epsilon')).toEqual({ type: 'float', value: 0.001 });
    expect(g.nodes.find((n) => n.name === 'split')!.outputs).toEqual(['split', 'split:1']);
    expect(g.nodes.find((n) => n.name === 'out')!.inputs).toEqual(['split', 'split:1']);
    expect(g.outputs.map((o) => o.name)).toEqual(['out']);
  });

  it('takes the outputs from the signature when the file has one', () => {
    const g = parseGraphModel({ ...model(base, specs, data), signature: { outputs: { y: { name: 'split:1' } } } }, 'm.json');
    expect(g.outputs.map((o) => o.name)).toEqual(['split:1']);
  });

  it('refuses hostile files with an Error naming the problem', () => {
    const bad = (nodes: unknown[], s: unknown[] = specs, d = data) => () => parseGraphModel(model(nodes, s, d), 'm.json');
    expect(() => parseGraphModel({ modelTopology: { versions: {} } }, 'm.json')).toThrow(/m.json has no modelTopology.node array \(is it a graph model\?\)/);
    expect(bad([...base, conv('c', ['x', 'w'])])).toThrow(/has two nodes named 'c'/);
    expect(bad([...base, conv('d', ['x', 'nowhere:0'])])).toThrow(/node 'd' of m.json names input 'nowhere:0', which no node produces/);
    expect(bad([...base, { name: 'e', op: 'Relu', input: [7] }])).toThrow(/node 'e' of m.json has inputs that are not strings/);
    expect(bad([{ op: 'Relu' }])).toThrow(/node 0 of m.json needs a string name and op/);
    expect(bad(base, [{ name: 'w', shape: [1, -1], dtype: 'float32' }])).toThrow(/weight w in m.json has shape \[1,-1\]/);
    expect(bad(base, [{ name: 'w', shape: [2 ** 40, 2 ** 20], dtype: 'float32' }])).toThrow(/need \d+ bytes, but the weight files hold 52/);
    expect(bad(base, [{ name: 'w', shape: [12], dtype: 'float32', quantization: { dtype: 'int4' } }])).toThrow(/weight w in m.json has quantization/);
    expect(bad(base, [{ name: 'w', shape: [12], dtype: 'float32', quantization: { dtype: 'uint8' } }])).toThrow(/is uint8-quantized without a finite min and scale/);
    expect(bad(base, [{ name: 'w', shape: [12], dtype: 'string' }])).toThrow(/weight w in m.json has dtype string/);
    expect(bad(base, specs.slice(0, 1), bytes(new Float32Array(12)))).toThrow(/Const node 'axis' of m.json has no weight in the manifest/);
    expect(bad(base, [...specs, { name: 'ghost', shape: [1], dtype: 'float32' }], bytes(new Float32Array(12), Int32Array.of(3), Float32Array.of(0)))).toThrow(/m.json has weight 'ghost', which no Const node takes/);
    expect(bad([...base, { name: 'f', op: 'Relu', input: ['x'], attr: { s: { s: '%%%' } } }])).toThrow(/attribute string '%%%' is not base64/);
    expect(bad([...base, { name: 'f', op: 'Relu', input: ['x'], attr: { k: { i: '1e400' } } }])).toThrow(/attribute k of node 'f' has integer 1e400, which is not a safe integer/);
  });
});
