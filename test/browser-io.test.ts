/**
 * Saving and loading models in a real browser, against the library bundle (dist-browser/): a small
 * seeded Sequential model saved to 'indexeddb://' predicts the same outputs after a fresh page load
 * brings it back with loadModel (on cpu, and on webgpu when Chromium has an adapter), and
 * 'localstorage://' does the same in TensorFlow.js's key layout, and 'downloads://' hands the browser
 * two files, a TensorFlow.js layers model.json and its weights.
 * Under CI=true a missing browser fails.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBarePage, browserAvailable, CHROMIUM, IN_CI, launch, serve, WEBGPU_ARGS, type Browser, type Server } from './browser/harness.js';

const enabled = IN_CI || browserAvailable();
if (!enabled) console.warn(`browser io tests: no Chromium at ${CHROMIUM}; nothing to test outside CI`);

interface Built { out: number[]; weights: number; specs: number; saved: { modelTopologyType: string; weightDataBytes: number } }

/**
 * Runs in the page: import the bundle, pick the backend, build the model with hand-set weights (so a
 * freshly initialised copy could not match by seed alone), predict, and save when asked to.
 */
async function buildAndSave(args: { backend: string; destination: string }): Promise<Built> {
  type Wt = typeof import('../src/index.js');
  // Through Function: the test runner would rewrite a literal import() in code that runs in the page.
  const wt = (await new Function('u', 'return import(u)')(`${location.origin}/bare/webgpu-tensor.js`)) as Wt;
  await wt.setBackend(args.backend as Parameters<Wt['setBackend']>[0]);
  const model = wt.sequential({
    layers: [
      wt.layers.dense({ units: 6, activation: 'relu', inputShape: [4] }),
      wt.layers.dense({ units: 3, activation: 'softmax' }),
    ],
    seed: 11,
  });
  const wave = (n: number, shift: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * 0.9 + shift) * 0.7);
  model.setWeights(model.getWeights().map((w, k) => wt.tensor(wave(w.size, k), w.shape)));
  const x = wt.tensor(wave(5 * 4, 3), [5, 4]);
  const y = model.predict(x);
  const out = Array.from(await y.data());
  const r = await model.save(args.destination);
  const weights = model.getWeights().reduce((n, w) => n + w.size, 0);
  return { out, weights, specs: model.getWeights().length, saved: { modelTopologyType: r.modelArtifactsInfo.modelTopologyType, weightDataBytes: r.modelArtifactsInfo.weightDataBytes } };
}

/** Runs in the page: load the model back from `source` and predict on the same input. */
async function loadAndPredict(args: { backend: string; source: string }): Promise<{ out: number[]; backend: string }> {
  type Wt = typeof import('../src/index.js');
  // Through Function: the test runner would rewrite a literal import() in code that runs in the page.
  const wt = (await new Function('u', 'return import(u)')(`${location.origin}/bare/webgpu-tensor.js`)) as Wt;
  await wt.setBackend(args.backend as Parameters<Wt['setBackend']>[0]);
  const model = await wt.loadModel(args.source);
  const wave = (n: number, shift: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * 0.9 + shift) * 0.7);
  const y = model.predict(wt.tensor(wave(5 * 4, 3), [5, 4]));
  return { out: Array.from(await y.data()), backend: wt.backendInfo().backend };
}

describe('model save/load in Chromium', () => {
  let dir = '';
  let server: Server | null = null;
  let browser: Browser | null = null;
  let backends: string[] = ['cpu'];

  beforeAll(async () => {
    if (!enabled) return;
    dir = mkdtempSync(join(tmpdir(), 'wt-io-'));
    addBarePage(dir);
    server = await serve(dir);
    browser = await launch(WEBGPU_ARGS);
    await browser.page.goto(`${server.url}/bare/index.html`);
    if (await browser.page.evaluate(async () => !!(await navigator.gpu?.requestAdapter()))) backends = ['cpu', 'webgpu'];
    else if (IN_CI) throw new Error(`browser io tests: no WebGPU adapter in Chromium (flags: ${WEBGPU_ARGS.join(' ')})`);
    else console.warn('browser io tests: no WebGPU adapter in Chromium; indexeddb:// is checked on cpu only');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const withLog = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw new Error(`${what}: ${(e as Error).message}\n--- page log ---\n${browser?.log.slice(-30).join('\n')}`);
    }
  };

  it('indexeddb:// keeps a model across a page load: the loaded model predicts the same outputs', async () => {
    if (!browser || !server) return;
    const { page } = browser;
    for (const backend of backends) {
      const destination = `indexeddb://wt-io-${backend}`;
      await page.goto(`${server.url}/bare/index.html`);
      const before = await withLog(`save on ${backend}`, () => page.evaluate(buildAndSave, { backend, destination }));
      expect(before.out.length).toBe(15);
      expect(before.out.every(Number.isFinite)).toBe(true);
      expect(before.saved).toEqual({ modelTopologyType: 'JSON', weightDataBytes: 4 * before.weights });
      // A fresh page load: nothing of the first model survives but what IndexedDB holds.
      await page.reload();
      const after = await withLog(`load on ${backend}`, () => page.evaluate(loadAndPredict, { backend, source: destination }));
      expect(after.backend).toBe(backend);
      expect(after.out).toEqual(before.out);
    }
    // What cpu stored loads on webgpu too, to float rounding.
    if (backends.includes('webgpu')) {
      const cpu = await page.evaluate(loadAndPredict, { backend: 'cpu', source: 'indexeddb://wt-io-cpu' });
      const gpu = await page.evaluate(loadAndPredict, { backend: 'webgpu', source: 'indexeddb://wt-io-cpu' });
      expect(gpu.backend).toBe('webgpu');
      gpu.out.forEach((v, i) => expect(Math.abs(v - cpu.out[i]!)).toBeLessThan(1e-5));
    }
    // A name never saved is an error naming it, not a crash.
    await page.reload();
    const missing = await page.evaluate(loadAndPredict, { backend: 'cpu', source: 'indexeddb://never-saved' }).then(() => '', (e: Error) => e.message);
    expect(missing).toMatch(/no model named 'never-saved' in IndexedDB/);
    const unnamed = await page.evaluate(loadAndPredict, { backend: 'cpu', source: 'indexeddb://' }).then(() => '', (e: Error) => e.message);
    expect(unnamed).toMatch(/loadModel: 'indexeddb:\/\/' needs a model name/);
  }, 40_000);

  it('localstorage:// keeps a model across a page load in TensorFlow.js\'s keys, and names what is missing', async () => {
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/bare/index.html`);
    await page.evaluate(() => localStorage.clear());
    const before = await withLog('save to localstorage://', () => page.evaluate(buildAndSave, { backend: 'cpu', destination: 'localstorage://wt-io/ls' }));
    expect(before.saved).toEqual({ modelTopologyType: 'JSON', weightDataBytes: 4 * before.weights });
    const stored = await page.evaluate(() => {
      const keys = Object.keys(localStorage).sort();
      const b64 = localStorage.getItem('tensorflowjs_models/wt-io/ls/weight_data') ?? '';
      return { keys, weightBytes: atob(b64).length, info: JSON.parse(localStorage.getItem('tensorflowjs_models/wt-io/ls/info') ?? 'null') as { modelTopologyType: string } };
    });
    expect(stored.keys).toEqual(['info', 'model_metadata', 'model_topology', 'weight_data', 'weight_specs'].map((k) => `tensorflowjs_models/wt-io/ls/${k}`));
    expect(stored.weightBytes).toBe(4 * before.weights);
    expect(stored.info.modelTopologyType).toBe('JSON');
    await page.reload();
    for (const backend of backends) {
      const after = await withLog(`load on ${backend}`, () => page.evaluate(loadAndPredict, { backend, source: 'localstorage://wt-io/ls' }));
      expect(after.backend).toBe(backend);
      if (backend === 'cpu') expect(after.out).toEqual(before.out);
      else after.out.forEach((v, i) => expect(Math.abs(v - before.out[i]!)).toBeLessThan(1e-5));
    }
    const missing = await page.evaluate(loadAndPredict, { backend: 'cpu', source: 'localstorage://never-saved' }).then(() => '', (e: Error) => e.message);
    expect(missing).toMatch(/no model named 'never-saved' in localStorage/);
    await page.evaluate(() => localStorage.clear());
  }, 40_000);

  it('downloads:// triggers two downloads: a layers-format model.json and its weights', async () => {
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/bare/index.html`);
    const downloads: Download[] = [];
    const two = new Promise<void>((resolve) => {
      const on = (d: Download) => {
        downloads.push(d);
        if (downloads.length === 2) {
          page.off('download', on);
          resolve();
        }
      };
      page.on('download', on);
    });
    const built = await withLog('save to downloads://', () => page.evaluate(buildAndSave, { backend: 'cpu', destination: 'downloads://my-model' }));
    await withLog('waiting for two downloads', () => Promise.race([
      two,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`only ${downloads.length} download(s) started`)), 15_000)),
    ]));
    const names = downloads.map((d) => d.suggestedFilename()).sort();
    expect(names).toEqual(['my-model.json', 'my-model.weights.bin']);
    const read = async (name: string): Promise<Buffer> => {
      const d = downloads.find((x) => x.suggestedFilename() === name)!;
      const path = await d.path();
      return readFileSync(path);
    };

    const json = JSON.parse((await read('my-model.json')).toString('utf8')) as {
      modelTopology: { model_config: { class_name: string; config: { layers: { class_name: string }[] } } };
      format: string;
      weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
    };
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.model_config.class_name).toBe('Sequential');
    expect(json.modelTopology.model_config.config.layers.map((l) => l.class_name)).toEqual(['Dense', 'Dense']);
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0]!.paths).toEqual(['./my-model.weights.bin']);
    const specs = json.weightsManifest[0]!.weights;
    expect(specs.map((s) => s.shape)).toEqual([[4, 6], [6], [6, 3], [3]]);
    expect(specs.every((s) => s.dtype === 'float32')).toBe(true);
    const count = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    expect(count).toBe(built.weights);

    const bin = await read('my-model.weights.bin');
    expect(bin.byteLength).toBe(4 * count);
    // The bytes are the hand-set weights, little-endian float32, in manifest order.
    const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
    const expected = Math.fround(Math.sin(0 * 0.9 + 0) * 0.7);
    expect(floats[0]).toBe(expected);
    expect(floats[24]).toBe(Math.fround(Math.sin(0 * 0.9 + 1) * 0.7));
    expect(floats.every(Number.isFinite)).toBe(true);
  }, 30_000);
});
