// wt.image's resizes against @tensorflow/tfjs-core's on the same images, for every sampling rule,
// up and down, rank 3 and 4; their gradients against TF.js's; and their argument errors.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';
import { checkGrad, input } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const values = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 3);
const RULES = [[false, false], [true, false], [false, true]] as const;
const SIZES: [number[], [number, number]][] = [[[2, 5, 7, 3], [9, 4]], [[1, 4, 4, 2], [2, 2]], [[6, 3, 1], [6, 5]], [[1, 1, 3, 1], [3, 1]]];

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!)));
}

describe.each(await availableBackends())('image resizes on %s', (backend) => {
  beforeAll(async () => {
    await wt.setBackend(backend);
  });

  it.each(['resizeBilinear', 'resizeNearestNeighbor'] as const)('%s samples as TF.js does, for every rule and size', async (op) => {
    for (const [shape, size] of SIZES) {
      for (const [align, half] of RULES) {
        const x = values(shape.reduce((a, b) => a * b, 1));
        const want = tf.image[op](tf.tensor(x, shape) as tf.Tensor4D, size, align, half);
        const got = wt.image[op](wt.tensor(x, shape), size, align, half);
        expect(got.shape).toEqual(want.shape);
        close(await got.data(), await want.data(), 1e-5);
        got.dispose();
      }
    }
  });

  it('the bilinear gradient follows finite differences, and TF.js\'s where TF.js is right', async () => {
    // TF.js's resizeBilinear gradient gets the wrong shape when height and width differ, and ignores
    // halfPixelCenters (finite differences side with ours): it is the oracle only for square images
    // under the other two rules.
    const x = values(50);
    const dy = values(3 * 7 * 2).map((v) => v + 1);
    for (const [align, half] of RULES) {
      await checkGrad((t) => wt.image.resizeBilinear(t, [3, 7], align, half), [input([1, 5, 5, 2], 3)]);
      await checkGrad((t) => wt.image.resizeBilinear(t, [5, 3], align, half), [input([1, 3, 4, 2], 3)]);
      if (half) continue;
      const want = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeBilinear(t as tf.Tensor4D, [3, 7], align, half), tf.tensor(dy, [1, 3, 7, 2]))))(tf.tensor(x, [1, 5, 5, 2]));
      const got = wt.grad((t: wt.Tensor) => wt.image.resizeBilinear(t, [3, 7], align, half).mul(wt.tensor(dy, [1, 3, 7, 2])).sum())(wt.tensor(x, [1, 5, 5, 2])) as wt.Tensor;
      close(await got.data(), await want.data(), 1e-5);
    }
  });
});

describe('image resize errors', () => {
  it('name the op, what it got and what it expected, and leave memory unchanged', async () => {
    await wt.setBackend('cpu');
    const x = wt.zeros([1, 4, 4, 1]);
    const before = wt.memory().numTensors;
    expect(() => wt.image.resizeBilinear(wt.zeros([4, 4]), [2, 2])).toThrow(/resizeBilinear: expected images of rank 3 or 4 \(NHWC\), got \[4,\s?4\]/);
    expect(() => wt.image.resizeBilinear(x, [0, 2])).toThrow(/resizeBilinear: size must be \[newHeight, newWidth\] of positive integers, got \[0,2\]/);
    expect(() => wt.image.resizeNearestNeighbor(x, [2, 2], true, true)).toThrow(/resizeNearestNeighbor: alignCorners and halfPixelCenters cannot both be true/);
    expect(wt.memory().numTensors).toBe(before + 1);
    x.dispose();
  });
});
