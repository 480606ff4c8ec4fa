/**
 * Labelled image sets as loaders produce them (raw pixels on the host), and their conversion into
 * the tensors a model trains on: a seeded choice of examples, pixels scaled to [0, 1], one-hot labels.
 */
import { tensor } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import { permutation } from './rng.js';

/** Images and labels on the host, as a file holds them. */
export interface LabeledImages {
  /** n * rows * cols pixel values, row-major, one image after another. */
  pixels: Uint8Array | Float32Array;
  /** What a pixel value of full intensity is (255 for bytes, 1 for pixels already scaled). */
  maxValue: number;
  /** One class index per image. */
  labels: Uint8Array | Int32Array;
  /** The number of images. */
  n: number;
  /** Image height in pixels. */
  rows: number;
  /** Image width in pixels. */
  cols: number;
  /** Where the set came from, for messages. */
  source: string;
}

/** Train and test tensors, ready for `model.fit(xTrain, yTrain, { validationData: [xTest, yTest] })`. */
export interface Dataset {
  /** float32 [nTrain, features] (or [nTrain, rows, cols, 1] with `asImages`), values in [0, 1]. */
  xTrain: Tensor;
  /** float32 one-hot [nTrain, numClasses]. */
  yTrain: Tensor;
  /** float32 [nTest, features], values in [0, 1]; no test image is in the training set. */
  xTest: Tensor;
  /** float32 one-hot [nTest, numClasses]. */
  yTest: Tensor;
  /** Integer class of each training example. */
  labelsTrain: Int32Array;
  /** Integer class of each test example. */
  labelsTest: Int32Array;
  /** The length of the one-hot rows. */
  numClasses: number;
  /** Image height and width (28 x 28 for MNIST). */
  imageShape: [number, number];
}

/** A training set and a test set of images, as loadIdx returns them. */
export interface TrainTestImages {
  /** The training images. */
  train: LabeledImages;
  /** The test images. */
  test: LabeledImages;
}

/** How fromImages picks examples: how many of each set, and the seed of the shuffle. */
export interface SplitOptions {
  /** Training examples to take (default: all the source offers). */
  train?: number;
  /** Test examples to take (default: all the source offers). */
  test?: number;
  /** Seed of the shuffle that picks the examples (default 0). */
  seed?: number;
  /** Number of classes for the one-hot rows (default 10). */
  numClasses?: number;
  /** Hand out x as images [n, rows, cols, 1] (for convolutional layers) instead of rows of pixels [n, rows * cols]. */
  asImages?: boolean;
}

export function checkCount(op: string, name: string, v: unknown, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new Error(`${op}: ${name} must be a non-negative integer, got ${String(v)}`);
  }
  if (v > max) throw new Error(`${op}: ${name} = ${v} but only ${max} examples are available`);
  return v;
}

export function checkSeed(op: string, v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${op}: seed must be an integer, got ${String(v)}`);
  return v;
}

/** Check every label is a class index below numClasses; the message names the file. */
export function checkLabels(labels: ArrayLike<number>, numClasses: number, source: string): void {
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!(l >= 0 && l < numClasses && Number.isInteger(l))) {
      throw new Error(`${source}: label ${l} of example ${i} is out of range (expected an integer in 0..${numClasses - 1})`);
    }
  }
}

/** Build the float32 image matrix and one-hot matrix for the chosen examples. */
function gather(set: LabeledImages, idx: Int32Array, numClasses: number, asImages: boolean): { x: Tensor; y: Tensor; labels: Int32Array } {
  const f = set.rows * set.cols;
  const x = new Float32Array(idx.length * f);
  const y = new Float32Array(idx.length * numClasses);
  const labels = new Int32Array(idx.length);
  const scale = 1 / set.maxValue;
  for (let r = 0; r < idx.length; r++) {
    const src = idx[r]! * f;
    const dst = r * f;
    for (let j = 0; j < f; j++) x[dst + j] = set.pixels[src + j]! * scale;
    const l = set.labels[idx[r]!]!;
    labels[r] = l;
    y[r * numClasses + l] = 1;
  }
  const shape = asImages ? [idx.length, set.rows, set.cols, 1] : [idx.length, f];
  return { x: tensor(x, shape), y: tensor(y, [idx.length, numClasses]), labels };
}

/**
 * Turn loaded images into train/test tensors. Given separate train and test sets, `train` and `test`
 * examples are drawn (seeded) from each; given one set, it is shuffled and split, with no example in both.
 */
export function fromImages(
  source: LabeledImages | { train: LabeledImages; test: LabeledImages },
  opts: SplitOptions = {},
): Dataset {
  const op = 'datasets.fromImages';
  const seed = checkSeed(op, opts.seed);
  const numClasses = opts.numClasses ?? 10;
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new Error(`${op}: numClasses must be an integer >= 2, got ${numClasses}`);
  let trainSet: LabeledImages;
  let testSet: LabeledImages;
  let trainIdx: Int32Array;
  let testIdx: Int32Array;
  if ('pixels' in source) {
    trainSet = testSet = source;
    const nTrain = checkCount(op, 'train', opts.train, source.n, Math.round(source.n * 0.8));
    const nTest = checkCount(op, 'test', opts.test, source.n - nTrain, source.n - nTrain);
    const p = permutation(source.n, seed);
    trainIdx = p.slice(0, nTrain);
    testIdx = p.slice(nTrain, nTrain + nTest);
  } else {
    trainSet = source.train;
    testSet = source.test;
    if (trainSet.rows * trainSet.cols !== testSet.rows * testSet.cols) {
      throw new Error(`${op}: train images are ${trainSet.rows}x${trainSet.cols} but test images are ${testSet.rows}x${testSet.cols}`);
    }
    const nTrain = checkCount(op, 'train', opts.train, trainSet.n, trainSet.n);
    const nTest = checkCount(op, 'test', opts.test, testSet.n, testSet.n);
    // Training examples come shuffled; the test set keeps the file's order when taken whole.
    trainIdx = permutation(trainSet.n, seed).slice(0, nTrain);
    testIdx = nTest === testSet.n ? identity(nTest) : permutation(testSet.n, seed + 1).slice(0, nTest);
  }
  checkLabels(trainSet.labels, numClasses, trainSet.source);
  if (testSet !== trainSet) checkLabels(testSet.labels, numClasses, testSet.source);
  if (opts.asImages !== undefined && typeof opts.asImages !== 'boolean') throw new Error(`${op}: asImages must be true or false, got ${String(opts.asImages)}`);
  const asImages = opts.asImages === true;
  const tr = gather(trainSet, trainIdx, numClasses, asImages);
  const te = gather(testSet, testIdx, numClasses, asImages);
  return {
    xTrain: tr.x, yTrain: tr.y, xTest: te.x, yTest: te.y,
    labelsTrain: tr.labels, labelsTest: te.labels,
    numClasses, imageShape: [trainSet.rows, trainSet.cols],
  };
}

function identity(n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return p;
}
