/**
 * Non-maximum suppression, as tf.image has it: greedy selection of boxes by descending score,
 * dropping those that overlap a selected one by IoU >= the threshold, with optional soft-NMS
 * (Gaussian score decay, Bodla et al. 2017) and padding. The selection is data-dependent, so it runs
 * on the host over the read-back boxes and scores (as TF.js does); the sync forms need a backend
 * that reads synchronously (cpu, wasm).
 */
import type { Tensor } from '../tensor.js';
import { fmt } from '../shape.js';
import { argShape, toTensor, type TensorLike } from './core.js';
import { tensor } from './creation.js';

/** The selection: indices into the boxes and their (possibly decayed) scores. */
export interface NmsResult {
  indices: Int32Array;
  scores: Float32Array;
}

interface Candidate { score: number; box: number; from: number }

/** IoU of boxes i and j of `b` ([y1, x1, y2, x2] rows, corners in either order). */
function iou(b: ArrayLike<number>, i: number, j: number): number {
  const yi1 = Math.min(b[4 * i]!, b[4 * i + 2]!), xi1 = Math.min(b[4 * i + 1]!, b[4 * i + 3]!);
  const yi2 = Math.max(b[4 * i]!, b[4 * i + 2]!), xi2 = Math.max(b[4 * i + 1]!, b[4 * i + 3]!);
  const yj1 = Math.min(b[4 * j]!, b[4 * j + 2]!), xj1 = Math.min(b[4 * j + 1]!, b[4 * j + 3]!);
  const yj2 = Math.max(b[4 * j]!, b[4 * j + 2]!), xj2 = Math.max(b[4 * j + 1]!, b[4 * j + 3]!);
  const ai = (yi2 - yi1) * (xi2 - xi1), aj = (yj2 - yj1) * (xj2 - xj1);
  if (ai <= 0 || aj <= 0) return 0;
  const h = Math.max(Math.min(yi2, yj2) - Math.max(yi1, yj1), 0), w = Math.max(Math.min(xi2, xj2) - Math.max(xi1, xj1), 0);
  const inter = h * w;
  return inter / (ai + aj - inter);
}

/** Candidate order: ascending by score, ties with the higher box index first (so popping from the end takes the best, lower index first). */
function before(a: Candidate, b: Candidate): number {
  return a.score - b.score || b.box - a.box;
}

/**
 * The greedy selection over host arrays: boxes [n * 4], scores [n]. Boxes scoring at or below
 * `scoreThreshold` are never selected; with `sigma` > 0 overlapping boxes have their scores decayed
 * by exp(-iou^2 / (2 sigma)) instead of being dropped (while iou < iouThreshold). `strict` drops only
 * boxes whose IoU is above the threshold (ONNX's rule) rather than at or above it (TensorFlow's).
 */
export function nmsHost(boxes: ArrayLike<number>, scores: ArrayLike<number>, maxOut: number, iouThreshold: number, scoreThreshold: number, sigma = 0, strict = false): NmsResult {
  const cands: Candidate[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i]! > scoreThreshold) cands.push({ score: scores[i]!, box: i, from: 0 });
  cands.sort(before);
  const scale = sigma > 0 ? -0.5 / sigma : 0;
  const sel: number[] = [], selScores: number[] = [];
  while (sel.length < maxOut && cands.length) {
    const c = cands.pop()!;
    const original = c.score;
    if (original < scoreThreshold) break;
    let drop = false;
    for (let j = sel.length - 1; j >= c.from; j--) {
      const o = iou(boxes, c.box, sel[j]!);
      if (strict ? o > iouThreshold : o >= iouThreshold) { drop = true; break; }
      c.score *= o <= iouThreshold ? Math.exp(scale * o * o) : 0;
      if (c.score <= scoreThreshold) break;
    }
    c.from = sel.length;
    if (drop) continue;
    if (c.score === original) {
      sel.push(c.box);
      selScores.push(c.score);
    } else if (c.score > scoreThreshold) {
      // Decayed: back in line at its new score.
      let lo = 0, hi = cands.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (before(cands[mid]!, c) < 0) lo = mid + 1; else hi = mid; }
      cands.splice(lo, 0, c);
    }
  }
  return { indices: Int32Array.from(sel), scores: Float32Array.from(selScores) };
}

interface Checked { boxes: Tensor; scores: Tensor; maxOut: number; done(): void }

function check(op: string, boxes: TensorLike, scores: TensorLike, maxOutputSize: number, iouThreshold: number, softNmsSigma = 0): Checked {
  const bs = argShape(op, boxes), ss = argShape(op, scores);
  if (!bs || bs.length !== 2 || bs[1] !== 4) throw new Error(`${op}: boxes must have shape [numBoxes, 4], got ${bs ? fmt(bs) : typeof boxes}`);
  if (!ss || ss.length !== 1 || ss[0] !== bs[0]) throw new Error(`${op}: scores must have shape [${bs[0]}] (one per box), got ${ss ? fmt(ss) : typeof scores}`);
  if (!Number.isInteger(maxOutputSize) || maxOutputSize < 0) throw new Error(`${op}: maxOutputSize must be a non-negative integer, got ${maxOutputSize}`);
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new Error(`${op}: iouThreshold must be in [0, 1], got ${iouThreshold}`);
  if (!(softNmsSigma >= 0 && softNmsSigma <= 1)) throw new Error(`${op}: softNmsSigma must be in [0, 1], got ${softNmsSigma}`);
  const b = toTensor(op, boxes), s = toTensor(op, scores);
  // Tensors made here from arrays are freed once read.
  const done = (): void => { if (b !== boxes) b.dispose(); if (s !== scores) s.dispose(); };
  return { boxes: b, scores: s, maxOut: Math.min(maxOutputSize, bs[0]!), done };
}

function sync(op: string, t: Tensor): ArrayLike<number> {
  if (!t.backend.readSync) throw new Error(`${op}: the ${t.backend.name} backend reads its buffers asynchronously; use ${op}Async`);
  return t.dataSync();
}

function padded(r: NmsResult, maxOut: number, pad: boolean): NmsPaddedResult {
  const idx = pad ? Int32Array.from({ length: maxOut }, (_, k) => r.indices[k] ?? 0) : r.indices;
  return { selectedIndices: tensor(idx, [idx.length], 'int32'), validOutputs: tensor(Int32Array.of(r.indices.length), [], 'int32') };
}

/** What nonMaxSuppressionWithScore returns. */
export interface NmsWithScoreResult {
  /** The kept boxes' indices (int32), best first. */
  selectedIndices: Tensor;
  /** Their scores, lowered by soft NMS where softNmsSigma > 0. */
  selectedScores: Tensor;
}

/** What nonMaxSuppressionPadded returns. */
export interface NmsPaddedResult {
  /** The kept boxes' indices (int32), padded with 0 to maxOutputSize when asked. */
  selectedIndices: Tensor;
  /** How many of them are real boxes (an int32 scalar). */
  validOutputs: Tensor;
}

/**
 * The indices (int32 [<= maxOutputSize]) of the boxes ([numBoxes, 4] as [y1, x1, y2, x2]) kept by
 * greedy non-maximum suppression: by descending score, dropping boxes whose IoU with a kept box is
 * at least `iouThreshold`, and boxes scoring at or below `scoreThreshold`. Reads the values back
 * synchronously (cpu, wasm); see {@link nonMaxSuppressionAsync}.
 */
export function nonMaxSuppression(boxes: TensorLike, scores: TensorLike, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity): Tensor {
  const c = check('nonMaxSuppression', boxes, scores, maxOutputSize, iouThreshold);
  const r = nmsHost(sync('nonMaxSuppression', c.boxes), sync('nonMaxSuppression', c.scores), c.maxOut, iouThreshold, scoreThreshold);
  c.done();
  return tensor(r.indices, [r.indices.length], 'int32');
}

/** {@link nonMaxSuppression}, reading the boxes and scores back asynchronously (every backend). */
export async function nonMaxSuppressionAsync(boxes: TensorLike, scores: TensorLike, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity): Promise<Tensor> {
  const c = check('nonMaxSuppressionAsync', boxes, scores, maxOutputSize, iouThreshold);
  const r = nmsHost(await c.boxes.data(), await c.scores.data(), c.maxOut, iouThreshold, scoreThreshold);
  c.done();
  return tensor(r.indices, [r.indices.length], 'int32');
}

/**
 * Soft-NMS: {@link nonMaxSuppression} where a box overlapping a kept one has its score decayed by
 * exp(-iou^2 / (2 softNmsSigma)) rather than being dropped (softNmsSigma 0 is plain NMS). Returns
 * the kept indices and their final scores.
 */
export function nonMaxSuppressionWithScore(boxes: TensorLike, scores: TensorLike, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity, softNmsSigma = 0): NmsWithScoreResult {
  const c = check('nonMaxSuppressionWithScore', boxes, scores, maxOutputSize, iouThreshold, softNmsSigma);
  const r = nmsHost(sync('nonMaxSuppressionWithScore', c.boxes), sync('nonMaxSuppressionWithScore', c.scores), c.maxOut, iouThreshold, scoreThreshold, softNmsSigma);
  c.done();
  return { selectedIndices: tensor(r.indices, [r.indices.length], 'int32'), selectedScores: tensor(r.scores, [r.scores.length]) };
}

/** {@link nonMaxSuppressionWithScore}, reading back asynchronously (every backend). */
export async function nonMaxSuppressionWithScoreAsync(boxes: TensorLike, scores: TensorLike, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity, softNmsSigma = 0): Promise<NmsWithScoreResult> {
  const c = check('nonMaxSuppressionWithScoreAsync', boxes, scores, maxOutputSize, iouThreshold, softNmsSigma);
  const r = nmsHost(await c.boxes.data(), await c.scores.data(), c.maxOut, iouThreshold, scoreThreshold, softNmsSigma);
  c.done();
  return { selectedIndices: tensor(r.indices, [r.indices.length], 'int32'), selectedScores: tensor(r.scores, [r.scores.length]) };
}

/**
 * {@link nonMaxSuppression} with the count of kept boxes (`validOutputs`, an int32 scalar) and, with
 * `padToMaxOutputSize`, the indices padded with zeros to maxOutputSize.
 */
export function nonMaxSuppressionPadded(boxes: TensorLike, scores: TensorLike, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity, padToMaxOutputSize = false): NmsPaddedResult {
  const c = check('nonMaxSuppressionPadded', boxes, scores, maxOutputSize, iouThreshold);
  const r = nmsHost(sync('nonMaxSuppressionPadded', c.boxes), sync('nonMaxSuppressionPadded', c.scores), c.maxOut, iouThreshold, scoreThreshold);
  c.done();
  return padded(r, c.maxOut, padToMaxOutputSize);
}

/** {@link nonMaxSuppressionPadded}, reading back asynchronously (every backend). */
export async function nonMaxSuppressionPaddedAsync(boxes: TensorLike, scores: TensorLike, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity, padToMaxOutputSize = false): Promise<NmsPaddedResult> {
  const c = check('nonMaxSuppressionPaddedAsync', boxes, scores, maxOutputSize, iouThreshold);
  const r = nmsHost(await c.boxes.data(), await c.scores.data(), c.maxOut, iouThreshold, scoreThreshold);
  c.done();
  return padded(r, c.maxOut, padToMaxOutputSize);
}
