/**
 * Hostile model files, on every backend: weights paths that leave the model's folder or base URL
 * (`..`, absolute paths, other schemes, links, redirects, encoded separators), absurd or
 * mismatched weight shapes, and byte counts that differ from the manifest. Each gives a clear
 * Error, wt.memory() is exactly as before, and a good model still loads and predicts afterwards.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { engine } from '../src/engine.js';
import { availableBackends } from './backends.js';

const names = await availableBackends();

interface Manifest { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }
interface ModelJson { modelTopology: { model_config: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } } }; weightsManifest: Manifest[] }

// root/secret.bin sits beside root/models/: what a hostile path would try to read into weights.
const root = mkdtempSync(join(tmpdir(), 'wt-hostile-'));
const good = join(root, 'models', 'good');
const SECRET = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
writeFileSync(join(root, 'secret.bin'), Buffer.from(SECRET.buffer));
let goodJson: ModelJson;
let weights: Buffer;
let want: number[];
const X = [[0.5, -1]];

beforeAll(async () => {
  await wt.setBackend('cpu');
  const m = wt.sequential({ layers: [wt.layers.dense({ units: 3, activation: 'tanh', inputShape: [2] }), wt.layers.dense({ units: 1 })], seed: 5 });
  await m.save(`file://${good}`);
  want = Array.from(await m.predict(wt.tensor(X)).data());
  m.dispose();
  goodJson = JSON.parse(readFileSync(join(good, 'model.json'), 'utf8')) as ModelJson;
  weights = readFileSync(join(good, 'weights.bin'));
});

let n = 0;
/** A model folder with model.json changed by `edit` and the given files; returns model.json's path. */
function hostile(edit: (j: ModelJson) => void, files: Record<string, Buffer> = { 'weights.bin': weights }): string {
  const dir = join(root, 'models', `m${n++}`);
  mkdirSync(dir, { recursive: true });
  const j = structuredClone(goodJson);
  edit(j);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return join(dir, 'model.json');
}

const setPath = (p: string) => (j: ModelJson) => { j.weightsManifest[0]!.paths = [p]; };

function snapshot(): wt.MemoryInfo {
  engine.backend?.flush();
  return wt.memory();
}

/** loadModel(source) rejects with `pattern`, memory() is unchanged, and the good model still loads and predicts. */
async function refused(source: string | wt.IOHandler, pattern: RegExp): Promise<void> {
  const before = snapshot();
  await expect(wt.loadModel(source)).rejects.toThrow(pattern);
  expect(snapshot()).toEqual(before);
  const m = await wt.loadModel(`file://${good}/model.json`);
  await expectPredicts(m);
}

/** `m` predicts what the saved model predicted for X; leaves no tensor behind. */
async function expectPredicts(m: wt.Sequential): Promise<void> {
  const y = wt.tidy(() => m.predict(wt.tensor(X)));
  const got = await y.data();
  y.dispose();
  for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
  m.dispose();
}

/** An IOHandler serving the saved model with its topology and specs changed by `edit` (the weight bytes as saved). */
function artifacts(edit: (j: ModelJson) => void): wt.IOHandler {
  const j = structuredClone(goodJson);
  edit(j);
  return { load: async () => ({ modelTopology: j.modelTopology, weightSpecs: j.weightsManifest[0]!.weights as wt.WeightSpec[], weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }) };
}

describe.each(names)('hostile model files on %s', (name) => {
  beforeAll(async () => {
    await wt.setBackend(name as wt.BackendName);
  });

  it('file://: weights paths stay inside the model folder', async () => {
    await wt.setBackend(name as wt.BackendName);
    await refused(`file://${hostile(setPath('../../secret.bin'))}`, /loadModel: weights path '\.\.\/\.\.\/secret\.bin' in .*model\.json is refused: it leaves the model's folder/);
    await refused(`file://${hostile(setPath('sub/../../../secret.bin'))}`, /is refused: it leaves the model's folder/);
    await refused(`file://${hostile(setPath(join(root, 'secret.bin')))}`, /is refused: it is absolute/);
    await refused(`file://${hostile(setPath(`file://${join(root, 'secret.bin')}`))}`, /is refused: it names a scheme or drive/);
    await refused(`file://${hostile(setPath('C:\\secret.bin'))}`, /is refused: it names a scheme or drive/);
    await refused(`file://${hostile(setPath('\\\\server\\share\\secret.bin'))}`, /is refused: it is absolute/);
    await refused(`file://${hostile(setPath(''))}`, /is refused: it is empty/);
    await refused(`file://${hostile(setPath('.'))}`, /is refused: it leaves the model's folder/);
    const linked = hostile(setPath('link.bin'), {});
    symlinkSync(join(root, 'secret.bin'), join(linked, '..', 'link.bin'));
    await refused(`file://${linked}`, /weights path 'link\.bin' .* is refused: it is a link to a file outside the model's folder/);
    await refused(`file://${hostile(setPath('dir'), { 'dir/x': weights })}`, /weights path 'dir' in .* is not a regular file/);
    await refused(`file://${hostile(setPath('missing.bin'), {})}`, /weight file missing\.bin named in .* cannot be read/);
  });

  it('file://: a path that stays inside, through a sub-folder, loads', async () => {
    await wt.setBackend(name as wt.BackendName);
    const before = snapshot();
    const m = await wt.loadModel(`file://${hostile(setPath('./sub/../w/weights.bin'), { 'w/weights.bin': weights })}`);
    await expectPredicts(m);
    expect(snapshot().numTensors).toBe(before.numTensors);
    expect(snapshot().numBytes).toBe(before.numBytes);
  });

  it('the bytes read must equal the manifest', async () => {
    await wt.setBackend(name as wt.BackendName);
    await refused(`file://${hostile(() => {}, { 'weights.bin': Buffer.concat([weights, Buffer.alloc(4)]) })}`, /the weight files weights\.bin named in .* hold 56 bytes, but their manifest entries declare 52/);
    await refused(`file://${hostile(() => {}, { 'weights.bin': weights.subarray(0, 50) })}`, /hold 50 bytes, but their manifest entries declare 52/);
    const half = (j: ModelJson) => { j.weightsManifest[0]!.paths = ['a.bin', 'b.bin']; };
    await refused(`file://${hostile(half, { 'a.bin': weights.subarray(0, 20), 'b.bin': weights.subarray(20, 48) })}`, /the weight files a\.bin, b\.bin .* hold 48 bytes, but their manifest entries declare 52/);
    const specs = JSON.parse(JSON.stringify(goodJson.weightsManifest[0]!.weights)) as Manifest['weights'];
    await refused({ load: async () => ({ modelTopology: goodJson.modelTopology, weightSpecs: specs as wt.WeightSpec[], weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + 40) }) },
      /loadModel: the weight data holds 40 bytes, but the weight specs declare 52 \(too short\)/);
  });

  it('every weight shape is checked against its layer config and the limits before anything is allocated', async () => {
    await wt.setBackend(name as wt.BackendName);
    const spec = (i: number, shape: number[]) => (j: ModelJson) => { j.weightsManifest[0]!.weights[i]!.shape = shape; };
    const layer0 = (j: ModelJson) => j.modelTopology.model_config.config.layers[0]!.config;
    const kernel = goodJson.weightsManifest[0]!.weights[0]!.name;
    await refused(`file://${hostile(spec(0, [2, 4]), { 'weights.bin': Buffer.alloc(60) })}`, new RegExp(`loadModel: weight ${kernel} should be \\[2,3\\] by its layer's config, the file has \\[2,4\\]`));
    await refused(artifacts(spec(0, [2, 4])), new RegExp(`loadModel: weight ${kernel} should be \\[2,3\\] by its layer's config, the file has \\[2,4\\]`));
    await refused(`file://${hostile(spec(0, [4e9, 2e9]))}`, /loadModel: weight .* has shape \[4000000000,2000000000\], which holds more than 2\^53 bytes/);
    await refused(`file://${hostile(spec(0, [-2, 3]))}`, /loadModel: weight .* has shape \[-2,3\] \(expected an array of non-negative integers below 2\^53\)/);
    await refused(`file://${hostile(spec(0, [1.5, 3]))}`, /has shape \[1\.5,3\]/);
    // A config whose weights are absurd, with specs to match: the backend's limit refuses it
    // (through an IOHandler: file:// would already refuse the 52-byte file for its size).
    const huge = (j: ModelJson) => {
      layer0(j)['units'] = 1e5;
      layer0(j)['batch_input_shape'] = [null, 1e5];
      j.weightsManifest[0]!.weights[0]!.shape = [1e5, 1e5];
      j.weightsManifest[0]!.weights[1]!.shape = [1e5];
      j.weightsManifest[0]!.weights[2]!.shape = [1e5, 1];
    };
    await refused(artifacts(huge), /loadModel: a float32 tensor of shape \[100000,100000\] needs 40,000,000,000 bytes .*one \w+ tensor can hold at most/);
    await refused(`file://${hostile(huge)}`, /the weight files weights\.bin named in .* hold 52 bytes, but their manifest entries declare 40000800004/);
    await refused(artifacts((j) => {
      layer0(j)['units'] = 2e9;
      layer0(j)['batch_input_shape'] = [null, 4e9];
    }), /loadModel: weight .* should be \[4000000000,2000000000\] by its layer's config, the file has \[2,3\]/);
    await refused(`file://${hostile((j) => { layer0(j)['units'] = 1.5; })}`, /dense: units must be a positive integer, got 1\.5/);
    await refused(`file://${hostile((j) => { j.weightsManifest[0]!.weights.pop(); }, { 'weights.bin': weights.subarray(0, 48) })}`, /loadModel: the model has 4 weights .* but the file holds 3/);
    // Renamed weights are matched by order; a shape that then disagrees is refused.
    await refused(artifacts((j) => { const w = j.weightsManifest[0]!.weights; [w[2], w[3]] = [w[3]!, w[2]!]; w[2]!.name = 'x/a'; }), /loadModel: weight \S+ should be \[3,1\] by its layer's config, the file has \[1\]/);
    await refused(`file://${hostile((j) => { j.weightsManifest[0]!.weights[0]!.dtype = 'float64'; })}`, /has dtype float64/);
    await refused(`file://${hostile((j) => { (j as { weightsManifest: unknown }).weightsManifest = { paths: [] }; })}`, /weightsManifest that is not an array/);
  });

  it('a memory limit that the weights would pass is refused before building', async () => {
    await wt.setBackend(name as wt.BackendName);
    wt.setMemoryLimit(wt.memory().numBytes + 16);
    try {
      const before = snapshot();
      await expect(wt.loadModel(`file://${good}/model.json`)).rejects.toThrow(/loadModel: a float32 tensor of shape \[2,3\] needs 24 bytes, which would bring live tensors/);
      expect(snapshot()).toEqual(before);
    } finally {
      wt.setMemoryLimit(null);
    }
  });
});

describe('the weights planned from a config are the weights built', () => {
  it('dense without bias, frozen and partial batchNormalization load back exactly', async () => {
    await wt.setBackend('cpu');
    const m = wt.sequential({
      layers: [
        wt.layers.dense({ units: 4, useBias: false, inputShape: [3] }),
        wt.layers.batchNormalization({ center: false, trainable: false }),
        wt.layers.batchNormalization({ scale: false }),
        wt.layers.dense({ units: 2, trainable: false }),
      ],
      seed: 9,
    });
    const dir = mkdtempSync(join(tmpdir(), 'wt-plan-'));
    await m.save(`file://${dir}`);
    const back = await wt.loadModel(`file://${dir}/model.json`);
    expect(back.weights.map((w) => [w.fullName, w.shape])).toEqual(m.weights.map((w) => [w.fullName, w.shape]));
    const x = wt.randn([5, 3], { seed: 2 });
    expect(Array.from(await back.predict(x).data())).toEqual(Array.from(await m.predict(x).data()));
    x.dispose();
    back.dispose();
    m.dispose();
  });
});

describe('hostile model files over http', () => {
  let server: Server;
  let base: string;
  const files = new Map<string, Buffer>();
  const json = (edit: (j: ModelJson) => void): Buffer => {
    const j = structuredClone(goodJson);
    edit(j);
    return Buffer.from(JSON.stringify(j));
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '';
      if (url === '/models/m/redirect.bin') {
        res.writeHead(302, { location: '/secret.bin' });
        res.end();
        return;
      }
      if (url === '/models/m/inside-redirect.bin') {
        res.writeHead(302, { location: '/models/m/weights.bin' });
        res.end();
        return;
      }
      const body = files.get(decodeURIComponent(url.split('?')[0]!));
      if (!body) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    files.set('/secret.bin', Buffer.from(SECRET.buffer));
    files.set('/models/m/weights.bin', weights);
    files.set('/models/m/big.bin', Buffer.concat([weights, Buffer.alloc(1 << 20)]));
    await wt.setBackend('cpu');
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** Serve a model.json whose only weights path is `p` at /models/m/<name>.json. */
  const serve = (nameOf: string, p: string): string => {
    files.set(`/models/m/${nameOf}.json`, json(setPath(p)));
    return `${base}/models/m/${nameOf}.json`;
  };

  it('loads a good model from its base URL', async () => {
    await expectPredicts(await wt.loadModel(serve('good', 'weights.bin')));
    await expectPredicts(await wt.loadModel(serve('inside', 'inside-redirect.bin')));
  });

  it('refuses paths and redirects that leave the base URL, and sizes beyond the manifest', async () => {
    await refused(serve('dotdot', '../../secret.bin'), /weights path '\.\.\/\.\.\/secret\.bin' in http:.* is refused: it leaves the model's base URL http:\/\/127\.0\.0\.1:\d+\/models\/m\//);
    await refused(serve('root', '/secret.bin'), /weights path '\/secret\.bin' .* is refused: it is absolute/);
    await refused(serve('proto', '//example.com/secret.bin'), /is refused: it is absolute/);
    await refused(serve('abs', `${base}/secret.bin`), /is refused: it names a scheme or drive/);
    await refused(serve('other', 'https://example.com/w.bin'), /is refused: it names a scheme or drive/);
    await refused(serve('encoded', '..%2f..%2fsecret.bin'), /is refused: it contains an encoded path separator/);
    await refused(serve('dotenc', '%2e%2e/%2e%2e/secret.bin'), /is refused: it leaves the model's base URL/);
    await refused(serve('redirect', 'redirect.bin'), /weights path 'redirect\.bin' .* is refused: it was redirected to http:.*\/secret\.bin, outside the model's base URL/);
    await refused(serve('big', 'big.bin'), /the weight files big\.bin named in .* hold more than the 52 bytes their manifest entries declare/);
  });
});
