/**
 * The spectral ops (fft, ifft, rfft, irfft; also as wt.spectral), over the innermost axis, of any
 * length. Composed from existing kernels on complex64's float32 pairs: a length n <= 256 (or any
 * odd n) is one matmul of the [rows, 2n] interleaved pairs with a [2n, 2n] DFT matrix built on
 * the host; a longer even length splits into its even and odd entries (radix 2, both halves in
 * one recursive call) and joins them with the twiddle factors. Differentiable through the
 * composition.
 */
import { fmt, sizeOf } from '../shape.js';
import type { Backend } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { checkInt, defineOp, fromData, toTensor, type TensorLike } from './core.js';
import { add, mul, sub } from './elementwise.js';
import { concat, pad, reshape, slice, transpose } from './movement.js';
import { matmul } from './matmul.js';
import { fromPairs, isComplexArg, mulPairs, pairsOf, toComplex } from './complex.js';
import { reverse } from './arrange.js';

/** Lengths up to this one are a single DFT matmul; an odd length is one at any size (up to ODD_MAX). */
const DFT_MAX = 256;
/** The longest odd factor a length may have: its DFT matrix is (2 ODD_MAX)^2 floats (64 MiB). */
const ODD_MAX = 4096;

/** The [2n, 2n] matrix taking interleaved pairs (re_j, im_j) to those of sum_j x_j e^(-+2 pi i jk / n). */
function dftMatrix(n: number, inverse: boolean, backend: Backend): Tensor {
  const w = new Float32Array(4 * n * n);
  const sign = inverse ? -1 : 1;
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < n; k++) {
      // jk mod n keeps the angle small, so the float64 cos/sin stay exact to float32.
      const t = (2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(t), s = sign * Math.sin(t);
      // out re_k = re_j c + im_j s; out im_k = -re_j s + im_j c
      w[(2 * j) * 2 * n + 2 * k] = c;
      w[(2 * j + 1) * 2 * n + 2 * k] = s;
      w[(2 * j) * 2 * n + 2 * k + 1] = -s;
      w[(2 * j + 1) * 2 * n + 2 * k + 1] = c;
    }
  }
  return fromData(w, [2 * n, 2 * n], 'float32', backend);
}

/** The unscaled transform of pairs p [rows, n, 2] along n. */
function transform(p: Tensor, inverse: boolean): Tensor {
  const [rows, n] = p.shape as [number, number];
  if (n === 1) return p;
  if (n <= DFT_MAX || n % 2 === 1) {
    return reshape(matmul(reshape(p, [rows, 2 * n]), dftMatrix(n, inverse, p.backend)), [rows, n, 2]);
  }
  const h = n / 2;
  // Entry j = 2m + parity: both parities become rows of one call.
  const split = reshape(transpose(reshape(p, [rows, h, 2, 2]), [0, 2, 1, 3]), [rows * 2, h, 2]);
  const halves = reshape(transform(split, inverse), [rows, 2, h, 2]);
  const even = reshape(slice(halves, [0, 0, 0, 0], [rows, 1, h, 2]), [rows, h, 2]);
  const odd = reshape(slice(halves, [0, 1, 0, 0], [rows, 1, h, 2]), [rows, h, 2]);
  const tw = new Float32Array(2 * h);
  for (let k = 0; k < h; k++) {
    const t = (2 * Math.PI * k) / n;
    tw[2 * k] = Math.cos(t);
    tw[2 * k + 1] = (inverse ? 1 : -1) * Math.sin(t);
  }
  const t = mulPairs(odd, fromData(tw, [h, 2], 'float32', p.backend));
  return concat([add(even, t), sub(even, t)], 1);
}

/** What a non-complex argument is, for Errors. */
function describe(x: TensorLike): string {
  return x instanceof Tensor ? `${x.dtype} ${fmt(x.shape)}` : Array.isArray(x) ? 'an array' : typeof x;
}

/** The longest odd factor of n. */
function oddPart(n: number): number {
  while (n > 0 && n % 2 === 0) n /= 2;
  return n;
}

/** fft or ifft of a complex64 tensor along its innermost axis. */
function spectrum(op: string, input: TensorLike, inverse: boolean): Tensor {
  if (!isComplexArg(input)) {
    throw new Error(`${op}: expected a complex64 tensor, got ${describe(input)} (make one with wt.complex(real, imag))`);
  }
  const x = input;
  x.liveStorage();
  if (x.rank === 0) throw new Error(`${op}: expected a tensor of rank >= 1, got a scalar`);
  const n = x.shape[x.rank - 1]!;
  if (oddPart(n) > ODD_MAX) throw new Error(`${op}: an innermost length of ${n} has an odd factor ${oddPart(n)} above ${ODD_MAX}, which is not supported`);
  const rows = sizeOf(x.shape.slice(0, -1));
  if (rows * n === 0) return fromPairs(pairsOf(x));
  const y = transform(reshape(pairsOf(x), [rows, n, 2]), inverse);
  return fromPairs(reshape(inverse ? mul(y, 1 / n) : y, [...x.shape, 2]));
}

/**
 * The discrete Fourier transform of a complex64 tensor along its innermost axis (any length):
 * y_k = sum_j x_j e^(-2 pi i jk / n). Same shape, complex64.
 * @function
 */
export const fft = defineOp('fft', (input: TensorLike): Tensor => spectrum('fft', input, false));

/** The inverse of fft: y_k = (1 / n) sum_j x_j e^(2 pi i jk / n), along the innermost axis. @function */
export const ifft = defineOp('ifft', (input: TensorLike): Tensor => spectrum('ifft', input, true));

/**
 * The Fourier transform of a real (float32) tensor along its innermost axis: the n/2 + 1 entries
 * k = 0..floor(n/2) of fft (the rest are their conjugates). fftLength crops the innermost axis,
 * or pads it with zeros, to that length first (default: its length).
 * @function
 */
export const rfft = defineOp('rfft', (input: TensorLike, fftLength?: number): Tensor => {
  if (isComplexArg(input)) throw new Error('rfft: expected a real (float32) tensor, got complex64');
  let x = toTensor('rfft', input);
  if (x.rank === 0) throw new Error('rfft: expected a tensor of rank >= 1, got a scalar');
  if (x.dtype !== 'float32') throw new Error(`rfft: expected a float32 tensor, got ${x.dtype} ${fmt(x.shape)}`);
  const n0 = x.shape[x.rank - 1]!;
  const n = fftLength === undefined ? n0 : checkInt('rfft', 'fftLength', fftLength, 1);
  if (n < n0) x = slice(x, x.shape.map(() => 0), [...x.shape.slice(0, -1), n]);
  else if (n > n0) x = pad(x, x.shape.map((_, i) => (i === x.rank - 1 ? [0, n - n0] : [0, 0]) as [number, number]));
  const y = spectrum('rfft', toComplex('rfft', x), false);
  return slice(y, y.shape.map(() => 0), [...y.shape.slice(0, -1), Math.floor(n / 2) + 1]);
});

/**
 * The inverse of rfft: from the m = n/2 + 1 entries of a real signal's spectrum (complex64, along
 * the innermost axis), the real signal of length n = 2 (m - 1), float32. The imaginary parts of
 * the first and (for m > 1) last entries are ignored, as for any real signal they are 0.
 * @function
 */
export const irfft = defineOp('irfft', (input: TensorLike): Tensor => {
  if (!isComplexArg(input)) throw new Error(`irfft: expected a complex64 tensor, got ${describe(input)}`);
  const x = input;
  x.liveStorage();
  if (x.rank === 0) throw new Error('irfft: expected a tensor of rank >= 1, got a scalar');
  const m = x.shape[x.rank - 1]!;
  if (m < 2) throw new Error(`irfft: the innermost axis needs at least 2 entries (n = 2 (m - 1) > 0), got ${fmt(x.shape)}`);
  const n = 2 * (m - 1);
  const p = pairsOf(x);
  const lead = x.shape.slice(0, -1);
  // The spectrum's missing half: conj(X[n - k]) for k = m..n-1, i.e. entries m-2 down to 1 conjugated.
  const parts = [p];
  if (m > 2) {
    const inner = slice(p, [...lead.map(() => 0), 1, 0], [...lead, m - 2, 2]);
    parts.push(mul(reverse(inner, x.rank - 1), fromData(Float32Array.of(1, -1), [2], 'float32', x.backend)));
  }
  const y = pairsOf(spectrum('irfft', fromPairs(concat(parts, x.rank - 1)), true));
  return reshape(slice(y, [...lead.map(() => 0), 0, 0], [...lead, n, 1]), [...lead, n]);
});

/** The spectral ops, as TensorFlow.js's tf.spectral namespace. */
export const spectral = { fft, ifft, rfft, irfft };
