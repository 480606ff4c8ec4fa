// 'localstorage://' in TensorFlow.js's key layout, checked against @tensorflow/tfjs-layers itself
// (each loads what the other saved) with an in-memory Storage standing in for the browser's; the
// real browser round trip is in browser-io.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';

/** The Web Storage interface over a Map, with a quota like a browser's. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  constructor(private readonly quota = Infinity) {}
  get length(): number { return this.items.size; }
  key(i: number): string | null { return [...this.items.keys()][i] ?? null; }
  getItem(k: string): string | null { return this.items.get(k) ?? null; }
  setItem(k: string, v: string): void {
    const used = [...this.items.entries()].reduce((n, [a, b]) => n + a.length + b.length, 0) - (this.items.get(k)?.length ?? 0);
    if (used + k.length + v.length > this.quota) throw new Error('QuotaExceededError: the quota has been exceeded');
    this.items.set(k, String(v));
  }
  removeItem(k: string): void { this.items.delete(k); }
  clear(): void { this.items.clear(); }
  keys(): string[] { return [...this.items.keys()].sort(); }
}

const g = globalThis as { localStorage?: unknown; window?: unknown };
let store: MemoryStorage;

beforeAll(async () => {
  store = new MemoryStorage();
  g.localStorage = store;
  // tfjs's localstorage:// handler asks for window.localStorage and a browser environment.
  g.window = { localStorage: store };
  tf.env().set('IS_BROWSER', true);
  await tf.setBackend('cpu');
  await wt.setBackend('cpu');
});

afterAll(() => {
  delete g.localStorage;
  delete g.window;
  tf.env().set('IS_BROWSER', false);
});

const input = (): number[][] => Array.from({ length: 3 }, (_, i) => Array.from({ length: 4 }, (_, j) => Math.sin(i * 4 + j)));

describe("'localstorage://'", () => {
  it('stores the TensorFlow.js keys, and tfjs-layers loads the model and predicts the same outputs', async () => {
    const model = wt.sequential({ seed: 5, layers: [wt.layers.dense({ units: 5, activation: 'tanh', inputShape: [4] }), wt.layers.dense({ units: 2, activation: 'softmax' })] });
    const ours = Array.from(await model.predict(wt.tensor(input())).data());
    const r = await model.save('localstorage://demo/ours');
    expect(r.modelArtifactsInfo.weightDataBytes).toBe(4 * (4 * 5 + 5 + 5 * 2 + 2));
    expect(store.keys()).toEqual(['info', 'model_metadata', 'model_topology', 'weight_data', 'weight_specs'].map((k) => `tensorflowjs_models/demo/ours/${k}`));
    const theirs = await tfl.loadLayersModel('localstorage://demo/ours');
    const out = Array.from(await (theirs.predict(tf.tensor(input())) as tf.Tensor).data());
    out.forEach((v, i) => expect(v).toBeCloseTo(ours[i]!, 6));
    // And back: our own load gives the same outputs exactly.
    const again = await wt.loadModel('localstorage://demo/ours');
    expect(Array.from(await again.predict(wt.tensor(input())).data())).toEqual(ours);
  });

  it('we load a model tfjs-layers saved there', async () => {
    const m = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, activation: 'relu', inputShape: [4] }), tfl.layers.dense({ units: 1 })] });
    const want = Array.from(await (m.predict(tf.tensor(input())) as tf.Tensor).data());
    await m.save('localstorage://from-tfjs');
    const ours = await wt.loadModel('localstorage://from-tfjs');
    const got = Array.from(await ours.predict(wt.tensor(input())).data());
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });

  it('reports a missing model, a missing name, damaged entries and a full storage clearly, leaving nothing half-saved', async () => {
    await expect(wt.loadModel('localstorage://never-saved')).rejects.toThrow(/loadModel: no model named 'never-saved' in localStorage/);
    await expect(wt.loadModel('localstorage://')).rejects.toThrow(/loadModel: 'localstorage:\/\/' needs a model name/);
    store.setItem('tensorflowjs_models/broken/info', '{"modelTopologyType":"JSON"}');
    store.setItem('tensorflowjs_models/broken/model_topology', '{not json');
    await expect(wt.loadModel('localstorage://broken')).rejects.toThrow(/the model topology of 'localstorage:\/\/broken' in localStorage is not valid JSON/);
    const big = wt.sequential({ seed: 1, layers: [wt.layers.dense({ units: 64, inputShape: [64] })] });
    const small = new MemoryStorage(4000);
    g.localStorage = small;
    try {
      await expect(big.save('localstorage://big')).rejects.toThrow(/save: 'localstorage:\/\/big' did not fit in localStorage \(QuotaExceededError.*use 'indexeddb:\/\/big' for larger models/);
      expect(small.keys()).toEqual([]);
    } finally {
      g.localStorage = store;
    }
    delete g.localStorage;
    try {
      await expect(big.save('localstorage://x')).rejects.toThrow(/localstorage:\/\/ needs a browser page with localStorage; in Node use 'file:\/\/dir'/);
    } finally {
      g.localStorage = store;
    }
  });
});
