/**
 * wt.signal, as TensorFlow.js has it: the windows (hannWindow, hammingWindow and the cosineWindow
 * they are made of, computed on the host), frame (one gather of an index matrix) and stft
 * (frames, times a window, through rfft).
 */
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, checkInt, checkNumber, defineOp, fromData, toTensor, type TensorLike } from './core.js';
import { mul } from './elementwise.js';
import { gather, pad } from './movement.js';
import { rfft } from './spectral.js';
import { activeBackend } from '../engine.js';

/**
 * The generalized cosine window w_i = a - b cos(2 pi i / (L - 1 + e)), i < L, where e is 1 for an
 * even length L and 0 for an odd one (periodic for even lengths, symmetric for odd, as TensorFlow.js).
 * A length of 1 gives NaN, as TensorFlow.js.
 * @function
 */
export const cosineWindow = defineOp('cosineWindow', (windowLength: number, a: number, b: number): Tensor => {
  checkInt('cosineWindow', 'windowLength', windowLength, 1);
  checkNumber('cosineWindow', 'a', a);
  checkNumber('cosineWindow', 'b', b);
  const even = 1 - (windowLength % 2);
  const w = new Float32Array(windowLength);
  for (let i = 0; i < windowLength; i++) w[i] = a - b * Math.cos((2 * Math.PI * i) / (windowLength + even - 1));
  return fromData(w, [windowLength], 'float32', activeBackend());
});

/** The Hann window of a length: cosineWindow(L, 0.5, 0.5). @function */
export const hannWindow = defineOp('hannWindow', (windowLength: number): Tensor => cosineWindow(windowLength, 0.5, 0.5));

/** The Hamming window of a length: cosineWindow(L, 0.54, 0.46). @function */
export const hammingWindow = defineOp('hammingWindow', (windowLength: number): Tensor => cosineWindow(windowLength, 0.54, 0.46));

/**
 * Frames of frameLength entries, frameStep apart, along the innermost axis: [..., n] becomes
 * [..., frames, frameLength] with 1 + floor((n - frameLength) / frameStep) frames (none when the
 * signal is shorter than a frame), or with padEnd ceil(n / frameStep) frames, the last ones
 * padded with padValue.
 * @function
 */
export const frame = defineOp('frame', (signal: TensorLike, frameLength: number, frameStep: number, padEnd: boolean = false, padValue: number = 0): Tensor => {
  const backend = backendOf('frame', [signal]);
  checkInt('frame', 'frameLength', frameLength, 1);
  checkInt('frame', 'frameStep', frameStep, 1);
  checkNumber('frame', 'padValue', padValue);
  let x = toTensor('frame', signal, backend);
  if (x.rank === 0) throw new Error('frame: expected a signal of rank >= 1, got a scalar');
  const n = x.shape[x.rank - 1]!;
  const frames = padEnd ? Math.ceil(n / frameStep) : n < frameLength ? 0 : 1 + Math.floor((n - frameLength) / frameStep);
  const need = frames === 0 ? 0 : (frames - 1) * frameStep + frameLength;
  if (need > n) x = pad(x, x.shape.map((_, i) => (i === x.rank - 1 ? [0, need - n] : [0, 0]) as [number, number]), padValue);
  const idx = new Int32Array(frames * frameLength);
  for (let f = 0; f < frames; f++) for (let j = 0; j < frameLength; j++) idx[f * frameLength + j] = f * frameStep + j;
  return gather(x, fromData(idx, [frames, frameLength], 'int32', backend), x.rank - 1);
});

/**
 * The short-time Fourier transform of a float32 signal along its innermost axis: frames of
 * frameLength, frameStep apart, each times windowFn(frameLength) (default hannWindow), through
 * rfft of fftLength (default: the smallest power of two >= frameLength). [..., frames, fftLength/2 + 1] complex64.
 * @function
 */
export const stft = defineOp('stft', (signal: TensorLike, frameLength: number, frameStep: number, fftLength?: number, windowFn: (length: number) => Tensor = hannWindow): Tensor => {
  checkInt('stft', 'frameLength', frameLength, 1);
  const len = fftLength ?? 2 ** Math.ceil(Math.log2(frameLength));
  checkInt('stft', 'fftLength', len, 1);
  const framed = frame(signal, frameLength, frameStep);
  const win = windowFn(frameLength);
  if (win.rank !== 1 || win.shape[0] !== frameLength) throw new Error(`stft: windowFn(${frameLength}) gave ${fmt(win.shape)}, expected [${frameLength}]`);
  return rfft(mul(framed, win), len);
});

/** Signal processing, as TensorFlow.js's tf.signal namespace. */
export const signal = { hannWindow, hammingWindow, frame, stft };
