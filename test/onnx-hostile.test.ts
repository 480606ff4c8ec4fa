/**
 * Hostile ONNX files: the protobuf reader's bounds checks, graphs with cycles or missing inputs,
 * absurd dims and element counts, data that does not fill its shape, int64 values past int32,
 * external data paths that escape the model's folder, unknown op types. Each is a clear Error at
 * load (or, for data-dependent int64 overflow, at the run), with wt.memory() unchanged. Then a
 * bounded, seeded fuzz of a real model's bytes: no crash, no hang, no leak; and loading over http.
 */
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { ProtoReader } from '../src/graph/onnx/proto.js';
import { buildModel, cnnBytes, FLOAT, INT64, seeded, type ModelDesc } from './onnx-writer.js';

beforeAll(async () => { await wt.setBackend('cpu'); });

/** `f` rejects with an Error matching `pattern`, and memory() is the same before and after. */
async function refused(f: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  const before = wt.memory();
  await expect(f()).rejects.toThrow(pattern);
  expect(wt.memory()).toEqual(before);
}

const relu = (extra: Partial<ModelDesc> = {}): ModelDesc => ({
  inputs: [{ name: 'x', shape: [2] }],
  outputs: [{ name: 'y', shape: [2] }],
  nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
  ...extra,
});

describe('the protobuf reader', () => {
  const r = (b: number[]): ProtoReader => new ProtoReader(Uint8Array.from(b), 'test');
  it('reads varints up to 64 bits and int64 two\'s complement', () => {
    expect(r([0x96, 0x01]).varint()).toBe(150);
    expect(r([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).varint()).toBe(2 ** 42);
    expect(r([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).int64()).toBe(-1);
    expect(r([0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).int64()).toBe(-5);
  });
  it('refuses a varint that runs past the end or past 10 bytes', () => {
    expect(() => r([0x80, 0x80]).varint()).toThrow(/malformed protobuf in test at byte 2: a varint runs past the end/);
    expect(() => r(new Array(11).fill(0x80).concat([1])).varint()).toThrow(/a varint is longer than 10 bytes/);
  });
  it('refuses lengths and fixed-size values past the end of the message', () => {
    const field = r([0x3a, 100, 1, 2, 3]);
    expect(field.header()).toEqual({ field: 7, wire: 2 });
    expect(() => field.message('x')).toThrow(/at byte 2: a length of 100 bytes runs past the end of the message \(3 left\)/);
    expect(() => r([1, 2]).float()).toThrow(/a 4-byte value runs past the end/);
    expect(() => r([1, 2, 3, 4, 5]).double()).toThrow(/an 8-byte value runs past the end/);
    // A sub-message's length is checked against its parent's end, not the buffer's.
    const outer = r([0x0a, 2, 0x0a, 5, 0, 0, 0, 0, 0]);
    outer.header();
    const inner = outer.message('inner');
    inner.header();
    expect(() => inner.span()).toThrow(/a length of 5 bytes runs past the end of the message \(0 left\)/);
  });
  it('refuses group wire types and field number 0', () => {
    expect(() => r([0x0b]).header()).toThrow(/unsupported wire type 3 \(field 1\)/);
    expect(() => r([0x00]).header()).toThrow(/field number 0/);
  });
  it('every truncation of a real model is an Error or a valid shorter model, never a crash', async () => {
    const bytes = cnnBytes();
    const before = wt.memory();
    let errors = 0;
    for (let n = 0; n < bytes.length; n += 7) {
      try {
        (await wt.loadGraphModel(bytes.slice(0, n))).dispose();
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message).toMatch(/^(onnx|loadModel|[A-Za-z]+)[: ]/);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(bytes.length / 7 - 5);
    expect(wt.memory()).toEqual(before);
  });
});

describe('hostile graphs are refused at load', () => {
  it('a cycle', async () => {
    await refused(() => wt.loadGraphModel(buildModel(relu({
      nodes: [
        { op: 'Relu', inputs: ['x', 'b'], outputs: ['a'], name: 'first' },
        { op: 'Relu', inputs: ['a'], outputs: ['b'], name: 'second' },
        { op: 'Relu', inputs: ['a'], outputs: ['y'] },
      ],
    }))), /onnx: the graph has a cycle through nodes first, second/);
  });
  it('a node naming an input nothing provides', async () => {
    await refused(() => wt.loadGraphModel(buildModel(relu({ nodes: [{ op: 'Add', inputs: ['x', 'nope'], outputs: ['y'], name: 'add1' }] }))),
      /onnx: node add1 \(Add\) names input 'nope', which no node, initializer or graph input provides/);
  });
  it('an output nothing produces, and a value produced twice', async () => {
    await refused(() => wt.loadGraphModel(buildModel(relu({ outputs: [{ name: 'z' }] }))), /graph output 'z' is produced by no node/);
    await refused(() => wt.loadGraphModel(buildModel(relu({ nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }, { op: 'Neg', inputs: ['x'], outputs: ['y'] }] }))), /value 'y' is produced twice/);
  });
  it('unknown op types, all of them in one Error', async () => {
    await refused(() => wt.loadGraphModel(buildModel(relu({
      nodes: [
        { op: 'FooOp', inputs: ['x'], outputs: ['a'] },
        { op: 'BarOp', inputs: ['a'], outputs: ['b'] },
        { op: 'FooOp', inputs: ['b'], outputs: ['c'] },
        { op: 'Relu', inputs: ['c'], outputs: ['y'], domain: 'com.example' },
      ],
    }))), /onnx: the model uses 3 unsupported op types: FooOp \(2 nodes\), BarOp, com\.example:Relu$/);
  });
  it('absurd dims and element counts, before anything is allocated', async () => {
    await refused(() => wt.loadGraphModel(buildModel(relu({ initializers: [{ name: 'big', dims: [100000, 100000, 100000] }] }))), /initializer 'big' declares 1000000000000000 elements \(\[100000,100000,100000\]\), more than the 268435456 accepted/);
    await refused(() => wt.loadGraphModel(buildModel(relu({ initializers: [{ name: 'neg', dims: [2, -5], values: [1, 2] }] }))), /initializer 'neg' has dimension -5 in \[2,-5\]/);
    await refused(() => wt.loadGraphModel(buildModel(relu({ initializers: [{ name: 'deep', dims: new Array(20).fill(1), values: [1] }] }))), /more than 17 repeated values|rank 20/);
    await refused(() => wt.loadGraphModel(buildModel(relu({ inputs: [{ name: 'x', shape: [1e9, 1e9] }] }))), /graph value 'x' declares 1000000000000000000 elements/);
  });
  it('a constant subgraph that would fold into more than a GiB', async () => {
    await refused(() => wt.loadGraphModel(buildModel(relu({
      initializers: [{ name: 'shape', dims: [2], dtype: INT64, values: [20000, 15000] }],
      nodes: [{ op: 'ConstantOfShape', inputs: ['shape'], outputs: ['big'], name: 'fill' }, { op: 'Relu', inputs: ['x'], outputs: ['y'] }],
    }))), /onnx: node fill \(ConstantOfShape\) failed while folding constants at load: full: a float32 tensor of shape \[20000,15000\] needs 1,200,000,000 bytes/);
  });
  it('data that does not fill its shape', async () => {
    await refused(() => wt.loadGraphModel(buildModel(relu({ initializers: [{ name: 'w', dims: [4], rawBytes: new Uint8Array(3) }] }))), /initializer 'w' holds 3 bytes of data, but its 4 float32 elements need 16/);
    await refused(() => wt.loadGraphModel(buildModel(relu({ initializers: [{ name: 'w', dims: [4], values: [1, 2], typed: true }] }))), /initializer 'w' holds 2 values, but its shape has 4 elements/);
    await refused(() => wt.loadGraphModel(buildModel(relu({ initializers: [{ name: 'w', dims: [3] }] }))), /initializer 'w' holds 0 values, but its shape has 3 elements/);
  });
  it('int64 values past int32: exact where they fit, a clear Error where they do not', async () => {
    const model = (v: number): Uint8Array => buildModel({
      inputs: [{ name: 'x', dtype: INT64, shape: [1] }],
      outputs: [{ name: 'y', dtype: INT64, shape: [2] }],
      initializers: [{ name: 'c', dims: [1], dtype: INT64, values: [v] }],
      nodes: [{ op: 'Concat', inputs: ['x', 'c'], outputs: ['y'], attrs: { axis: 0 } }],
    });
    const ok = await wt.loadGraphModel(model(2 ** 31 - 1));
    const x = wt.tensor(new Int32Array([-5]), [1], 'int32');
    const y = ok.execute({ x }).y!;
    expect(Array.from(await y.data())).toEqual([-5, 2 ** 31 - 1]);
    y.dispose();
    ok.dispose();
    const big = await wt.loadGraphModel(model(2 ** 33));
    const before = wt.memory();
    expect(() => big.execute({ x })).toThrow(/int64 value 8589934592 at index 0 of constant 'c' \[1\] does not fit int32/);
    expect(wt.memory()).toEqual(before);
    x.dispose();
    big.dispose();
  });
});

describe('external data stays in the model\'s folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'wt-onnx-'));
  const dir = join(root, 'model');
  mkdirSync(dir);
  writeFileSync(join(root, 'secret.bin'), new Uint8Array(16));
  const w = new Float32Array([1, -2, 3, -4]);
  writeFileSync(join(dir, 'w.bin'), new Uint8Array([0, 0, 0, 0, ...new Uint8Array(w.buffer)]));
  symlinkSync(join(root, 'secret.bin'), join(dir, 'link.bin'));
  const write = (name: string, location: string, offset = 4, length?: number): string => {
    const file = join(dir, name);
    writeFileSync(file, buildModel({
      inputs: [{ name: 'x', shape: [4] }],
      outputs: [{ name: 'y', shape: [4] }],
      initializers: [{ name: 'w', dims: [4], dtype: FLOAT, external: { location, offset, length } }],
      nodes: [{ op: 'Mul', inputs: ['x', 'w'], outputs: ['y'] }],
    }));
    return file;
  };

  it('reads a file beside the model at its offset', async () => {
    const m = await wt.loadGraphModel(write('ok.onnx', 'w.bin', 4, 16));
    const x = wt.tensor([1, 1, 1, 1]);
    const y = m.execute({ x }).y!;
    expect(Array.from(await y.data())).toEqual([1, -2, 3, -4]);
    for (const t of [x, y]) t.dispose();
    m.dispose();
  });
  it('refuses paths that leave the folder, absolute paths, links out, and reads past the end', async () => {
    await refused(() => wt.loadGraphModel(write('up.onnx', '../secret.bin', 0)), /^onnx: external data path '\.\.\/secret\.bin' .* is refused: it leaves the model's folder/);
    await refused(() => wt.loadGraphModel(write('abs.onnx', join(root, 'secret.bin'), 0)), /is refused: it is absolute/);
    await refused(() => wt.loadGraphModel(write('link.onnx', 'link.bin', 0)), /is refused: it is a link to a file outside the model's folder/);
    await refused(() => wt.loadGraphModel(write('past.onnx', 'w.bin', 8)), /initializer 'w' reads bytes 8\.\.24 of 'w\.bin', which has 20/);
    await refused(() => wt.loadGraphModel(write('len.onnx', 'w.bin', 4, 12)), /initializer 'w' declares 12 bytes of external data, but its shape \[4\] of float32 needs 16/);
  });
  it('refuses external data when the model came as bytes', async () => {
    const { readFileSync } = await import('node:fs');
    await refused(() => wt.loadGraphModel(new Uint8Array(readFileSync(write('b.onnx', 'w.bin', 4, 16)))), /keeps its data in the file 'w\.bin'; load the model from its path or URL/);
  });
});

describe('fuzz: mutated bytes of a real model', () => {
  it('300 seeded mutations: each loads and runs or throws an Error; no crash, no hang, no leak', async () => {
    const base = cnnBytes();
    let s = 12345;
    const rnd = (n: number): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s % n; };
    const x = wt.tensor(seeded(192, 3), [1, 3, 8, 8]);
    // A mutated pad or kernel may ask for a large output: the cap turns that into an Error, not a GiB.
    wt.setMemoryLimit(64 * 2 ** 20);
    const before = wt.memory();
    const outcomes = { loaded: 0, ran: 0, refused: 0 };
    try {
      for (let k = 0; k < 300; k++) {
        const b = base.slice();
        const kind = rnd(3);
        if (kind === 0) for (let j = 0; j <= rnd(4); j++) b[rnd(b.length)] = rnd(256);
        else if (kind === 1) b[rnd(b.length)] ^= 1 << rnd(8);
        else b.copyWithin(rnd(b.length), rnd(b.length), rnd(b.length));
        let m: wt.OnnxGraphModel | undefined;
        try {
          m = await wt.loadGraphModel(b);
          outcomes.loaded++;
          const out = await m.executeAsync(m.inputNames.length === 1 ? { [m.inputNames[0]!]: x } : {});
          outcomes.ran++;
          for (const t of Object.values(out)) t.dispose();
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          outcomes.refused++;
        } finally {
          m?.dispose();
        }
        expect(wt.memory().numTensors).toBe(before.numTensors);
      }
    } finally {
      wt.setMemoryLimit(null);
    }
    expect(wt.memory()).toEqual(before);
    expect(outcomes.refused).toBeGreaterThan(30);
    expect(outcomes.ran).toBeGreaterThan(30);
    x.dispose();
  }, 120_000);
});

describe('loading over http', () => {
  it('fetches a model and its external data from its folder URL, and refuses data outside it', async () => {
    const http = await import('node:http');
    const w = new Float32Array([2, 3, 4, 5]);
    const model = (location: string): Uint8Array => buildModel({
      inputs: [{ name: 'x', shape: [4] }],
      outputs: [{ name: 'y', shape: [4] }],
      initializers: [{ name: 'w', dims: [4], external: { location, length: 16 } }],
      nodes: [{ op: 'Mul', inputs: ['x', 'w'], outputs: ['y'] }],
    });
    const files: Record<string, Uint8Array> = {
      '/m/ok.onnx': model('w.bin'), '/m/w.bin': new Uint8Array(w.buffer), '/m/up.onnx': model('../secret.bin'), '/secret.bin': new Uint8Array(16),
    };
    const server = http.createServer((req, res) => {
      const body = files[req.url ?? ''];
      res.writeHead(body ? 200 : 404);
      res.end(body ? Buffer.from(body) : undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const m = await wt.loadGraphModel(`${base}/m/ok.onnx`);
      const x = wt.ones([4]);
      const y = (await m.executeAsync({ x })).y!;
      expect(Array.from(await y.data())).toEqual([2, 3, 4, 5]);
      for (const t of [x, y]) t.dispose();
      m.dispose();
      await refused(() => wt.loadGraphModel(`${base}/m/up.onnx`), /^onnx: external data path '\.\.\/secret\.bin' .* is refused: it leaves the model's base URL/);
      await refused(() => wt.loadGraphModel(`${base}/m/missing.onnx`), /onnx: fetching .*missing\.onnx failed with HTTP 404/);
    } finally {
      server.close();
    }
  });
});
