// wt.io.browserFiles over File objects (as a page's file picker gives them): a real model and its
// shard load and predict as from file://; a missing shard, two .json files and shards whose bytes
// differ from the manifest are Errors before anything is read or allocated.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';

const DIR = join(import.meta.dirname, '..', '.models', 'upscaler-default');
const file = (name: string, bytes?: Uint8Array) => new File([bytes ?? readFileSync(join(DIR, name))], name);

beforeAll(async () => {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', 'scripts', 'fetch-models.mjs')], { stdio: 'ignore' });
  await wt.setBackend('cpu');
}, 120_000);

describe('browserFiles', () => {
  it('loads picked model files, with the same predictions as file://', async () => {
    const picked = await wt.loadLayersModel(wt.io.browserFiles([file('group1-shard1of1.bin'), file('model.json')]));
    const disk = await wt.loadLayersModel(`file://${join(DIR, 'model.json')}`);
    const x = wt.randn([1, 8, 8, 3], { seed: 1 });
    expect(Array.from(await (picked.predict(x) as wt.Tensor).data())).toEqual(Array.from(await (disk.predict(x) as wt.Tensor).data()));
  });

  it('refuses what does not fit the manifest, before reading, with memory unchanged', async () => {
    const before = wt.memory().numTensors;
    expect(() => wt.io.browserFiles([])).toThrow(/browserFiles: expected a non-empty array of Files/);
    expect(() => wt.io.browserFiles([file('model.json'), file('model.json')])).toThrow(/expected exactly one \.json file among the picked files, got 2/);
    await expect(wt.loadLayersModel(wt.io.browserFiles([file('model.json')]))).rejects.toThrow(/names weights file 'group1-shard1of1.bin', which was not picked \(picked: model.json\)/);
    await expect(wt.loadLayersModel(wt.io.browserFiles([file('model.json'), file('group1-shard1of1.bin', new Uint8Array(10))]))).rejects.toThrow(/hold 10 bytes, but their manifest entries declare 888300/);
    await expect(wt.loadLayersModel(wt.io.browserFiles([file('model.json', new TextEncoder().encode('{nope'))]))).rejects.toThrow(/model.json is not valid JSON/);
    expect(wt.memory().numTensors).toBe(before);
  });
});
