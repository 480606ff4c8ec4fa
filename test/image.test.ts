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

// The rest of tf.image: NMS (plain, soft, padded; sync and async), cropAndResize, flips, colour
// conversions, rotation, thresholds, each against tfjs-core on the same inputs.
function boxesAndScores(n: number, seed: number): { boxes: Float32Array; scores: Float32Array } {
  let s = seed;
  const r = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s >>> 8) / 16777216; };
  const boxes = new Float32Array(n * 4), scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const y = r() * 0.8, x = r() * 0.8, h = 0.1 + r() * 0.3, w = 0.1 + r() * 0.3;
    // Some boxes with corners given the other way round.
    if (i % 5 === 0) boxes.set([y + h, x + w, y, x], i * 4); else boxes.set([y, x, y + h, x + w], i * 4);
    scores[i] = i % 7 === 0 ? 0.5 : r();
  }
  return { boxes, scores };
}

async function same(got: wt.Tensor, want: tf.Tensor, tol = 1e-5): Promise<void> {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  close(await got.data(), await want.data(), tol);
}

describe.each(await availableBackends())('the rest of tf.image on %s', (backend) => {
  beforeAll(async () => {
    await wt.setBackend(backend);
  });

  it('nonMaxSuppression(Async / WithScore / Padded) select as TF.js does', async () => {
    for (const [n, maxOut, iou, st, sigma] of [[30, 10, 0.5, -Infinity, 0], [30, 40, 0.3, 0.4, 0], [20, 8, 0.6, 0.1, 0.5], [12, 5, 0, -Infinity, 0], [0, 3, 0.5, -Infinity, 0]] as const) {
      const { boxes, scores } = boxesAndScores(n, n * 7 + maxOut);
      const tb = tf.tensor2d(boxes, [n, 4]), ts = tf.tensor1d(scores);
      const wb = wt.tensor(boxes, [n, 4]), ws = wt.tensor(scores, [n]);
      await same(await wt.image.nonMaxSuppressionAsync(wb, ws, maxOut, iou, st), await tf.image.nonMaxSuppressionAsync(tb, ts, maxOut, iou, st));
      const a = await wt.image.nonMaxSuppressionWithScoreAsync(wb, ws, maxOut, iou, st, sigma);
      const b = await tf.image.nonMaxSuppressionWithScoreAsync(tb, ts, maxOut, iou, st, sigma);
      await same(a.selectedIndices, b.selectedIndices as tf.Tensor);
      await same(a.selectedScores, b.selectedScores as tf.Tensor);
      for (const pad of [false, true]) {
        const p = await wt.image.nonMaxSuppressionPaddedAsync(wb, ws, maxOut, iou, st, pad);
        const q = await tf.image.nonMaxSuppressionPaddedAsync(tb, ts, maxOut, iou, st, pad);
        await same(p.selectedIndices, q.selectedIndices as tf.Tensor);
        await same(p.validOutputs, q.validOutputs as tf.Tensor);
      }
      if (backend === 'cpu' || backend === 'wasm') {
        await same(wt.image.nonMaxSuppression(wb, ws, maxOut, iou, st), tf.image.nonMaxSuppression(tb, ts, maxOut, iou, st));
        await same(wt.image.nonMaxSuppressionWithScore(wb, ws, maxOut, iou, st, sigma).selectedScores, tf.image.nonMaxSuppressionWithScore(tb, ts, maxOut, iou, st, sigma).selectedScores as tf.Tensor);
        await same(wt.image.nonMaxSuppressionPadded(wb, ws, maxOut, iou, st, true).selectedIndices, tf.image.nonMaxSuppressionPadded(tb, ts, maxOut, iou, st, true).selectedIndices as tf.Tensor);
      }
    }
  });

  it('cropAndResize samples as TF.js does (bilinear and nearest, flipped and outside boxes)', async () => {
    const shape = [2, 6, 5, 3];
    const x = values(2 * 6 * 5 * 3);
    // (Coordinates chosen off the exact halves where float32 and double rounding could pick different nearest pixels.)
    const boxes = [0, 0, 1, 1, 0.21, 0.13, 0.73, 0.88, 0.83, 0.61, 0.12, 0.2, -0.3, -0.2, 1.4, 1.1, 0.5, 0.5, 0.5, 0.5];
    const ind = [0, 1, 0, 1, 1];
    for (const method of ['bilinear', 'nearest'] as const) {
      for (const size of [[3, 4], [1, 1], [7, 2]] as [number, number][]) {
        const want = tf.image.cropAndResize(tf.tensor4d(x, shape as [number, number, number, number]), tf.tensor2d(boxes, [5, 4]), tf.tensor1d(ind, 'int32'), size, method, -7);
        await same(wt.image.cropAndResize(wt.tensor(x, shape), wt.tensor(boxes, [5, 4]), wt.tensor(ind, [5], 'int32'), size, method, -7), want, 1e-5);
      }
    }
  });

  it('transform samples as TF.js does: every interpolation and fill mode, projective, per-image transforms', async () => {
    const x = values(2 * 5 * 6 * 2);
    // a rotation with shear and shift, a projective map, and a pure shift far outside the image
    // (entries chosen off the exact halves where float32 and double rounding pick different pixels)
    const T = [
      [0.93, -0.31, 1.29, 0.31, 0.88, -0.71, 0, 0],
      [1.12, 0.07, -0.43, -0.13, 0.96, 0.61, 0.031, -0.047],
      [1, 0, 7.3, 0, 1, -9.2, 0, 0],
    ];
    const img1 = x.slice(0, 5 * 6 * 2);
    for (const interp of ['nearest', 'bilinear'] as const) {
      for (const mode of ['constant', 'reflect', 'wrap', 'nearest'] as const) {
        for (const tr of T) {
          for (const out of [undefined, [4, 9] as [number, number]]) {
            const want = tf.image.transform(tf.tensor4d(img1, [1, 5, 6, 2]), tf.tensor2d(tr, [1, 8]), interp, mode, -2.5, out);
            await same(wt.image.transform(wt.tensor(img1, [1, 5, 6, 2]), wt.tensor(tr, [1, 8]), interp, mode, -2.5, out), want, 1e-5);
          }
        }
      }
    }
    // One transform per image. (TF.js's cpu kernel returns after the first image and fills the
    // rest, so each image is compared with TF.js's result on that image alone.)
    const got = wt.image.transform(wt.tensor(x, [2, 5, 6, 2]), wt.tensor([...T[0]!, ...T[1]!], [2, 8]), 'bilinear', 'reflect');
    const per = [0, 1].map((b) => tf.image.transform(tf.tensor4d(x.slice(b * 60, b * 60 + 60), [1, 5, 6, 2]), tf.tensor2d(T[b]!, [1, 8]), 'bilinear', 'reflect'));
    await same(got, tf.concat(per, 0), 1e-5);
    // one transform for a batch applies to every image
    const shared = wt.image.transform(wt.tensor(x, [2, 5, 6, 2]), wt.tensor(T[1]!, [1, 8]), 'nearest', 'wrap');
    const per2 = [0, 1].map((b) => tf.image.transform(tf.tensor4d(x.slice(b * 60, b * 60 + 60), [1, 5, 6, 2]), tf.tensor2d(T[1]!, [1, 8]), 'nearest', 'wrap'));
    await same(shared, tf.concat(per2, 0));
    if (backend === 'cpu') {
      // differentiable in the image (bilinear weights are constants of the transform)
      await checkGrad((t) => wt.image.transform(t, wt.tensor(T[1]!, [1, 8]), 'bilinear', 'constant', 0.5), [input([1, 4, 5, 2], 11)]);
    }
  });

  it('flipLeftRight, grayscaleToRGB, rgbToGrayscale, rotateWithOffset and threshold match TF.js', async () => {
    const x = values(2 * 4 * 5 * 3);
    const t4 = tf.tensor4d(x, [2, 4, 5, 3]), w4 = wt.tensor(x, [2, 4, 5, 3]);
    await same(wt.image.flipLeftRight(w4), tf.image.flipLeftRight(t4));
    await same(wt.image.rgbToGrayscale(w4), tf.image.rgbToGrayscale(t4));
    const ints = Int32Array.from(x, (v) => Math.round((v + 3) * 40));
    await same(wt.image.rgbToGrayscale(wt.tensor(ints, [2, 4, 5, 3], 'int32')), tf.image.rgbToGrayscale(tf.tensor(ints, [2, 4, 5, 3], 'int32')));
    const g = values(3 * 4);
    await same(wt.image.grayscaleToRGB(wt.tensor(g, [3, 4, 1])), tf.image.grayscaleToRGB(tf.tensor3d(g, [3, 4, 1])));
    for (const [rad, fill, center] of [[0.7, 0, 0.5], [-2.1, 9, [0.2, 0.7]], [Math.PI / 2, [1, 2, 3], 0.3]] as const) {
      await same(wt.image.rotateWithOffset(w4, rad, fill as never, center as never), tf.image.rotateWithOffset(t4, rad, fill as never, center as never));
    }
    const img = Float32Array.from({ length: 6 * 7 * 3 }, (_, i) => (Math.sin(i * 0.37) + 1) * 120);
    for (const [method, inv, tv] of [['binary', false, 0.5], ['binary', true, 0.3], ['otsu', false, 0.5], ['otsu', true, 0.5]] as const) {
      await same(wt.image.threshold(wt.tensor(img, [6, 7, 3]), method, inv, tv), tf.image.threshold(tf.tensor3d(img, [6, 7, 3]), method, inv, tv));
      await same(wt.image.threshold(wt.tensor(img.slice(0, 42), [6, 7, 1]), method, inv, tv), tf.image.threshold(tf.tensor3d(img.slice(0, 42), [6, 7, 1]), method, inv, tv));
    }
  });
});

describe('the rest of tf.image: errors', () => {
  it('name the op, what it got and what it expected, and leave memory unchanged', async () => {
    await wt.setBackend('cpu');
    const b = wt.zeros([3, 4]), s = wt.zeros([3]), b3 = wt.zeros([3, 3]), s2 = wt.zeros([2]), img = wt.zeros([1, 4, 4, 1]), i2 = wt.zeros([2], 'int32');
    const r3 = wt.zeros([4, 4, 1]), g2 = wt.zeros([4, 4, 2]), c3 = wt.zeros([4, 4, 3]), t8 = wt.zeros([1, 8]);
    const before = wt.memory().numTensors;
    expect(() => wt.image.nonMaxSuppression(b3, s, 2)).toThrow(/nonMaxSuppression: boxes must have shape \[numBoxes, 4\], got \[3,\s?3\]/);
    await expect(wt.image.nonMaxSuppressionAsync(b, s2, 2)).rejects.toThrow(/nonMaxSuppressionAsync: scores must have shape \[3\] \(one per box\), got \[2\]/);
    expect(() => wt.image.nonMaxSuppressionWithScore(b, s, 2, 1.5)).toThrow(/iouThreshold must be in \[0, 1\], got 1.5/);
    expect(() => wt.image.cropAndResize(img, b, i2, [2, 2])).toThrow(/cropAndResize: boxInd must have shape \[3\] \(one per box\), got \[2\]/);
    expect(() => wt.image.flipLeftRight(r3)).toThrow(/flipLeftRight: image must have rank 4/);
    expect(() => wt.image.rgbToGrayscale(g2)).toThrow(/rgbToGrayscale: expected an image of rank >= 2 whose last dimension is 3, got \[4,\s?4,\s?2\]/);
    expect(() => wt.image.threshold(c3, 'mean' as never)).toThrow(/threshold: method must be 'binary' or 'otsu', got 'mean'/);
    expect(() => wt.image.transform(img, b)).toThrow(/transform: expected transforms of shape \[1, 8\] or \[1, 8\], got \[3,\s?4\]/);
    expect(() => wt.image.transform(img, t8, 'cubic' as never)).toThrow(/transform: interpolation must be 'nearest' or 'bilinear', got cubic/);
    expect(() => wt.image.transform(r3, b)).toThrow(/transform: image must have rank 4/);
    expect(wt.memory().numTensors).toBe(before);
    wt.dispose([b3, s2, img, i2, r3, g2, c3, b, s, t8]);
  });
});
