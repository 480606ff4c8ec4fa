// einsum, wt.linalg, bitwiseAnd and wt.math.confusionMatrix (and the complex, spectral, signal,
// sparse and string families): hand-worked values, edge cases, bad input (a clear Error, memory
// unchanged) and gradients against finite differences, on every backend this process can run.
import { describe, it, expect, beforeEach } from 'vitest';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';
import { checkGrad, expectClose, input } from './helpers.js';

const backends = await availableBackends();

/**
 * `f` throws an Error matching `msg` and leaves wt.memory() as it found it. `f` runs twice: its
 * inputs from K are made (and kept) by the first call, so the second, measured one makes none.
 */
function refuses(f: () => unknown, msg: RegExp): void {
  expect(f).toThrow(msg);
  const before = wt.memory();
  expect(f).toThrow(msg);
  const after = wt.memory();
  expect(after.numTensors).toBe(before.numTensors);
  expect(after.numBytes).toBe(before.numBytes);
}

/** Inputs for the refusal checks, made before `refuses` measures memory. */
const made = new Map<string, wt.Tensor>();
const K = (shape: number[], dtype: wt.DType = 'float32'): wt.Tensor => {
  const key = `${wt.getBackend()} ${shape} ${dtype}`;
  let t = made.get(key);
  if (!t) made.set(key, (t = wt.keep(wt.ones(shape, dtype))));
  return t;
};

/** A kept int32 tensor for the refusal checks, made once per backend and values. */
const KI = (v: number[], shape?: number[]): wt.Tensor => {
  const key = `${wt.getBackend()} int ${v} ${shape}`;
  let t = made.get(key);
  if (!t) made.set(key, (t = wt.keep(wt.tensor(v, shape ?? [v.length], 'int32'))));
  return t;
};

const arr = async (t: wt.Tensor): Promise<number[]> => Array.from(await t.data());

describe.each(backends)('einsum, linalg and bitwiseAnd on %s', (name) => {
  beforeEach(async () => { await wt.setBackend(name as wt.BackendName); });

  it('einsum: matmul, batched, transpose, sum, outer, dot, row-wise', async () => {
    const a = wt.tensor([[1, 2, 3], [4, 5, 6]]), b = wt.tensor([[1, 2], [3, 4], [5, 6]]);
    expect(await arr(wt.einsum('ij,jk->ik', a, b))).toEqual([22, 28, 49, 64]);
    expect(await arr(wt.einsum('ij,jk->ki', a, b))).toEqual([22, 49, 28, 64]);
    expect(await arr(wt.einsum('ij->ji', a))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(await arr(wt.einsum('ij->', a))).toEqual([21]);
    expect(await arr(wt.einsum('ij->j', a))).toEqual([5, 7, 9]);
    expect(await arr(wt.einsum('i,i->', [1, 2], [3, 4]))).toEqual([11]);
    expect(await arr(wt.einsum('i,j->ij', [1, 2], [3, 4, 5]))).toEqual([3, 4, 5, 6, 8, 10]);
    expect(await arr(wt.einsum('ij,ij->i', a, a))).toEqual([14, 77]);
    // j summed away on one side only: 'ij,k->ik' is rowSum(a) outer b.
    expect(await arr(wt.einsum('ij,k->ik', a, [1, 10]))).toEqual([6, 60, 15, 150]);
    const x = wt.tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), y = wt.tensor([1, 0, 0, 1, 2, 0, 0, 2], [2, 2, 2]);
    expect(await arr(wt.einsum('bij,bjk->bik', x, y))).toEqual([1, 2, 3, 4, 10, 12, 14, 16]);
    const r = wt.einsum('bij,bjk->bik', x, y);
    expect(r.shape).toEqual([2, 2, 2]);
    const i = wt.einsum('ij,jk->ik', wt.tensor([[1, 2]], [1, 2], 'int32'), wt.tensor([[3], [4]], [2, 1], 'int32'));
    expect(i.dtype).toBe('int32');
    expect(await arr(i)).toEqual([11]);
    expect(wt.einsum('ij,jk->ik', wt.zeros([0, 3]), wt.zeros([3, 2])).shape).toEqual([0, 2]);
  });

  it('einsum refuses what TF.js does not support, naming the op', () => {
    const a = wt.tensor([[1, 2], [3, 4]]);
    refuses(() => wt.einsum('ij,jk', a, a), /^einsum: .*arrow/);
    refuses(() => wt.einsum('ii->i', a), /^einsum: an axis appears twice/);
    refuses(() => wt.einsum('...ij->ij', a), /^einsum: the ellipsis/);
    refuses(() => wt.einsum('ij,jk,kl->il', a, a, a), /^einsum: more than 2 operands/);
    refuses(() => wt.einsum('ij,jk->ik', a), /^einsum: .*names 2 operand/);
    refuses(() => wt.einsum('ij,jk->ik', a, K([3, 2])), /^einsum: axis 'j' is 2 in one place and 3/);
    refuses(() => wt.einsum('ijk->i', a), /^einsum: operand 0 has shape \[2,2\]/);
    refuses(() => wt.einsum('ij->iz', a), /^einsum: output axis 'z'/);
  });

  it('linalg.bandPart keeps the band, as hand-worked', async () => {
    const x = wt.reshape(wt.range(1, 13), [3, 4]);
    expect(await arr(wt.linalg.bandPart(x, 0, -1))).toEqual([1, 2, 3, 4, 0, 6, 7, 8, 0, 0, 11, 12]);
    expect(await arr(wt.linalg.bandPart(x, -1, 0))).toEqual([1, 0, 0, 0, 5, 6, 0, 0, 9, 10, 11, 0]);
    expect(await arr(wt.linalg.bandPart(x, 1, 1))).toEqual([1, 2, 0, 0, 5, 6, 7, 0, 0, 10, 11, 12]);
    const xi = wt.linalg.bandPart(wt.ones([2, 2, 2], 'int32'), 0, 0);
    expect(xi.dtype).toBe('int32');
    expect(await arr(xi)).toEqual([1, 0, 0, 1, 1, 0, 0, 1]);
    refuses(() => wt.linalg.bandPart(K([4]), 1, 0), /^bandPart: expected a tensor of rank >= 2/);
    refuses(() => wt.linalg.bandPart(K([3, 4]), 4, 0), /^bandPart: numLower \(4\) must not exceed/);
    refuses(() => wt.linalg.bandPart(K([3, 4]), 0, 1.5), /^bandPart: numUpper must be an integer/);
  });

  it('linalg.gramSchmidt: orthonormal rows; a list gives a list', async () => {
    const g = wt.linalg.gramSchmidt(wt.tensor([[1, 1], [0, 2]])) as wt.Tensor;
    const h = Math.SQRT1_2;
    expectClose(await arr(g), [h, h, -h, h], { atol: 1e-6 });
    const l = wt.linalg.gramSchmidt([wt.tensor([3, 4, 0]), wt.tensor([1, 0, 0])]) as wt.Tensor[];
    expect(l.length).toBe(2);
    expectClose(await arr(l[0]!), [0.6, 0.8, 0], { atol: 1e-6 });
    expectClose(await arr(l[1]!), [0.8, -0.6, 0], { atol: 1e-6 });
    refuses(() => wt.linalg.gramSchmidt(K([3, 2])), /^gramSchmidt: 3 vectors of length 2/);
    refuses(() => wt.linalg.gramSchmidt(K([2])), /^gramSchmidt: expected a 2-D tensor/);
  });

  it('linalg.qr: q r = x, q orthogonal, r upper triangular; reduced and full shapes', async () => {
    const x = wt.tensor([[1, 2], [3, 4], [5, 6]]);
    const [q, r] = wt.linalg.qr(x);
    expect(q.shape).toEqual([3, 2]);
    expect(r.shape).toEqual([2, 2]);
    expectClose(await arr(wt.matmul(q, r)), [1, 2, 3, 4, 5, 6], { atol: 1e-5 });
    expectClose(await arr(wt.matmul(q, q, { transposeA: true })), [1, 0, 0, 1], { atol: 1e-5 });
    // Householder with the pivot's opposite sign: r00 = -|x[:,0]| = -sqrt(35).
    expectClose((await arr(r))[0], -Math.sqrt(35), { atol: 1e-5 });
    expect((await arr(r))[2]).toBe(0);
    const [qf, rf] = wt.linalg.qr(x, true);
    expect(qf.shape).toEqual([3, 3]);
    expect(rf.shape).toEqual([3, 2]);
    expectClose(await arr(wt.matmul(qf, qf, { transposeB: true })), [1, 0, 0, 0, 1, 0, 0, 0, 1], { atol: 1e-5 });
    const xb = wt.randn([2, 3, 3], { seed: 3 });
    const [qb, rb] = wt.linalg.qr(xb);
    expect(qb.shape).toEqual([2, 3, 3]);
    expectClose(await arr(wt.matmul(qb, rb)), await arr(xb), { atol: 1e-5 });
    refuses(() => wt.linalg.qr(K([3])), /^qr: expected a tensor of rank >= 2/);
    refuses(() => wt.linalg.qr(K([2, 2], 'int32')), /^qr: expected a float32 tensor/);
  });

  it('bitwiseAnd: exact over the int32 range (gpujs: below 2^24)', async () => {
    const big = name === 'gpujs' ? [16777215, -16777215, 12345, -1] : [2 ** 31 - 1, -(2 ** 31), 123456789, -1];
    const xs = [1, 2, 3, -1, -6, 12, -7, 0, ...big], ys = [3, 3, 3, 5, -3, 10, 12, -1, -2, -1, -987654, 16777216 - 5];
    const got = wt.bitwiseAnd(wt.tensor(xs, [12], 'int32'), wt.tensor(ys, [12], 'int32'));
    expect(got.dtype).toBe('int32');
    expect(await arr(got)).toEqual(xs.map((v, i) => v & ys[i]!));
    refuses(() => wt.bitwiseAnd(K([2]), K([2])), /^bitwiseAnd: expected int32 tensors, got float32/);
    refuses(() => wt.bitwiseAnd(K([2], 'int32'), K([1], 'int32')), /^bitwiseAnd: expected tensors of the same shape/);
  });

  it('math.confusionMatrix counts label/prediction pairs', async () => {
    const m = wt.math.confusionMatrix(wt.tensor([0, 1, 2, 1, 2], [5], 'int32'), wt.tensor([0, 2, 2, 1, 0], [5], 'int32'), 3);
    expect(m.dtype).toBe('int32');
    expect(m.shape).toEqual([3, 3]);
    expect(await arr(m)).toEqual([1, 0, 0, 0, 1, 1, 1, 0, 1]);
    refuses(() => wt.math.confusionMatrix(K([2], 'int32'), K([1], 'int32'), 3), /^confusionMatrix: labels and predictions differ in length/);
    refuses(() => wt.math.confusionMatrix(K([2], 'int32'), K([2], 'int32'), 0), /^confusionMatrix: numClasses must be an integer >= 1/);
  });
});

/** The DFT of (re, im) by its definition, in float64: [re, im] of the result. */
function naiveDft(re: number[], im: number[], inverse = false): [number[], number[]] {
  const n = re.length, sg = inverse ? 1 : -1;
  const outR: number[] = [], outI: number[] = [];
  for (let k = 0; k < n; k++) {
    let r = 0, i = 0;
    for (let j = 0; j < n; j++) {
      const t = (sg * 2 * Math.PI * j * k) / n;
      r += re[j]! * Math.cos(t) - im[j]! * Math.sin(t);
      i += re[j]! * Math.sin(t) + im[j]! * Math.cos(t);
    }
    outR.push(inverse ? r / n : r);
    outI.push(inverse ? i / n : i);
  }
  return [outR, outI];
}
const interleave = (re: number[], im: number[]): number[] => re.flatMap((v, i) => [v, im[i]!]);
const seq = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

describe.each(backends)('complex64, spectral and signal on %s', (name) => {
  beforeEach(async () => { await wt.setBackend(name as wt.BackendName); });

  it('complex, real, imag: interleaved data, as TF.js', async () => {
    const c = wt.complex([1, 2, 3], [4, 5, 6]);
    expect(c.dtype).toBe('complex64');
    expect(wt.isComplex(c)).toBe(true);
    expect(c.shape).toEqual([3]);
    expect(c.size).toBe(3);
    expect(await arr(c)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(await arr(wt.real(c))).toEqual([1, 2, 3]);
    expect(wt.imag(c).dtype).toBe('float32');
    expect(await arr(wt.imag(c))).toEqual([4, 5, 6]);
    expect(await arr(wt.complex(wt.tensor([1, 2], [2], 'int32'), [0, -1]))).toEqual([1, 0, 2, -1]);
    const s = wt.complex(2, -3);
    expect(s.shape).toEqual([]);
    expect(await arr(s)).toEqual([2, -3]);
  });

  it('complex arithmetic and movement, hand-worked', async () => {
    const a = wt.complex([1, 2], [3, -1]), b = wt.complex([2, 0], [1, 1]);
    expect(await arr(wt.add(a, b))).toEqual([3, 4, 2, 0]);
    expect(await arr(wt.sub(a, b))).toEqual([-1, 2, 2, -2]);
    // (1+3i)(2+i) = -1+7i; (2-i)(i) = 1+2i
    expect(await arr(wt.mul(a, b))).toEqual([-1, 7, 1, 2]);
    expect(await arr(wt.mul(a, 2))).toEqual([2, 6, 4, -2]);
    expect(await arr(wt.add(wt.tensor([10, 20]), a))).toEqual([11, 3, 22, -1]);
    expect(await arr(wt.neg(a))).toEqual([-1, -3, -2, 1]);
    const m = wt.abs(wt.complex([3, 0], [4, -2]));
    expect(m.dtype).toBe('float32');
    expect(await arr(m)).toEqual([5, 2]);
    const x = wt.complex([[1, 2], [3, 4]], [[5, 6], [7, 8]]);
    expect(await arr(wt.transpose(x))).toEqual([1, 5, 3, 7, 2, 6, 4, 8]);
    expect(await arr(wt.slice(x, [1, 0], [1, 2]))).toEqual([3, 7, 4, 8]);
    expect(await arr(wt.concat([x, x], 1))).toEqual([1, 5, 2, 6, 1, 5, 2, 6, 3, 7, 4, 8, 3, 7, 4, 8]);
    expect(wt.stack([a, b]).shape).toEqual([2, 2]);
    expect(wt.reshape(x, [4]).dtype).toBe('complex64');
    expect(await arr(wt.expandDims(a, 0).squeeze())).toEqual([1, 3, 2, -1]);
    expect(await arr(wt.clone(a))).toEqual([1, 3, 2, -1]);
    expect(await arr(wt.cast(a, 'float32'))).toEqual([1, 2]);
    expect(await arr(wt.cast(a, 'int32'))).toEqual([1, 2]);
    expect(await arr(wt.cast(wt.tensor([1.5, -2]), 'complex64'))).toEqual([1.5, 0, -2, 0]);
  });

  it('other ops refuse complex64 with an Error naming them, memory unchanged', () => {
    const c = wt.keep(wt.complex([1, 2], [3, 4])), c0 = wt.keep(wt.complex(1, 1)), c1 = wt.keep(wt.complex([1], [0]));
    refuses(() => wt.exp(c), /^exp: complex64 tensors are not supported/);
    refuses(() => wt.sum(c), /^sum: complex64 tensors are not supported/);
    refuses(() => wt.div(c, c), /^div: complex64 tensors are not supported/);
    refuses(() => wt.matmul(c, c), /^matmul: /);
    refuses(() => wt.gather(c, K([1], 'int32')), /^gather: complex64 tensors are not supported/);
    refuses(() => wt.real(K([2])), /^real: expected a complex64 tensor, got float32 \[2\]/);
    refuses(() => wt.complex(K([2]), K([3])), /^complex: real and imag must have the same shape, got \[2\] and \[3\]/);
    refuses(() => wt.concat([c, K([2])]), /^concat: cannot join float32 to complex64/);
    refuses(() => wt.fft(K([4])), /^fft: expected a complex64 tensor, got float32 \[4\]/);
    refuses(() => wt.fft(c0), /^fft: expected a tensor of rank >= 1/);
    refuses(() => wt.rfft(c), /^rfft: expected a real \(float32\) tensor, got complex64/);
    refuses(() => wt.rfft(K([4]), 0), /^rfft: fftLength must be an integer >= 1/);
    refuses(() => wt.irfft(c1), /^irfft: the innermost axis needs at least 2 entries/);
    refuses(() => wt.signal.frame(K([5]), 0, 1), /^frame: frameLength must be an integer >= 1/);
    refuses(() => wt.signal.hannWindow(0), /^cosineWindow: windowLength must be an integer >= 1/);
  });

  it('fft: hand-worked transforms', async () => {
    expect(await arr(wt.fft(wt.complex([1, 0, 0, 0], [0, 0, 0, 0])))).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
    // x = delta at 1: X_k = e^(-2 pi i k / 4) = 1, -i, -1, i
    expectClose(await arr(wt.fft(wt.complex([0, 1, 0, 0], [0, 0, 0, 0]))), [1, 0, 0, -1, -1, 0, 0, 1], { atol: 1e-6 });
    expectClose(await arr(wt.fft(wt.complex([1, 1, 1], [0, 0, 0]))), [3, 0, 0, 0, 0, 0], { atol: 1e-6 });
    expectClose(await arr(wt.ifft(wt.complex([4, 0, 0, 0], [0, 0, 0, 0]))), [1, 0, 1, 0, 1, 0, 1, 0], { atol: 1e-6 });
    // rfft of [1, 2, 3, 4]: X0 = 10, X1 = -2 + 2i, X2 = -2
    expectClose(await arr(wt.rfft(wt.tensor([1, 2, 3, 4]))), [10, 0, -2, 2, -2, 0], { atol: 1e-6 });
    expectClose(await arr(wt.irfft(wt.complex([10, -2, -2], [0, 2, 0]))), [1, 2, 3, 4], { atol: 1e-6 });
    expect(wt.fft(wt.complex(wt.zeros([2, 0]), wt.zeros([2, 0]))).shape).toEqual([2, 0]);
  });

  it('fft and ifft of any length against the definition (odd, even, radix-2 above 256)', async () => {
    for (const n of [7, 10, 512]) {
      const re = seq(n, (i) => Math.sin(i * 0.37) + (i % 3)), im = seq(n, (i) => Math.cos(i * 0.11) - 0.5);
      const c = wt.complex(re, im);
      const [fr, fi] = naiveDft(re, im);
      expectClose(await arr(wt.fft(c)), interleave(fr, fi), { atol: 2e-3 * Math.sqrt(n), rtol: 1e-4 });
      const [ir, ii] = naiveDft(re, im, true);
      expectClose(await arr(wt.ifft(c)), interleave(ir, ii), { atol: 1e-4, rtol: 1e-4 });
    }
  });

  it('rfft / irfft round trip; rfft with fftLength', async () => {
    const x = wt.tensor([[1, -2, 3, 0.5, 4, -1], [0, 1, 0, 1, 0, 1]]);
    const X = wt.rfft(x);
    expect(X.shape).toEqual([2, 4]);
    expect(X.dtype).toBe('complex64');
    expectClose(await arr(wt.irfft(X)), await arr(x), { atol: 1e-5 });
    expect(wt.rfft(x, 4).shape).toEqual([2, 3]);
    expectClose(await arr(wt.rfft(wt.tensor([1, 2, 3, 4, 5]), 3)), [6, 0, -1.5, Math.sqrt(3) / 2], { atol: 1e-5 });
    expect(wt.spectral.rfft).toBe(wt.rfft);
  });

  it('signal: windows, frame and stft, hand-worked', async () => {
    expectClose(await arr(wt.signal.hannWindow(4)), [0, 0.5, 1, 0.5], { atol: 1e-7 });
    expectClose(await arr(wt.signal.hannWindow(5)), [0, 0.5, 1, 0.5, 0], { atol: 1e-7 });
    expectClose(await arr(wt.signal.hammingWindow(5)), [0.08, 0.54, 1, 0.54, 0.08], { atol: 1e-7 });
    const s = wt.tensor([1, 2, 3, 4, 5, 6, 7]);
    const f = wt.signal.frame(s, 3, 2);
    expect(f.shape).toEqual([3, 3]);
    expect(await arr(f)).toEqual([1, 2, 3, 3, 4, 5, 5, 6, 7]);
    expect(await arr(wt.signal.frame(s, 3, 2, true, 9))).toEqual([1, 2, 3, 3, 4, 5, 5, 6, 7, 7, 9, 9]);
    expect(wt.signal.frame(wt.tensor([1, 2]), 3, 1).shape).toEqual([0, 3]);
    // stft of 1..8, frames of 4 every 2, hann(4) = [0, .5, 1, .5]: frame [1,2,3,4] windowed is [0,1,3,2],
    // whose rfft is [6, -3 + i, 0].
    const st = wt.signal.stft(wt.tensor([1, 2, 3, 4, 5, 6, 7, 8]), 4, 2);
    expect(st.shape).toEqual([3, 3]);
    expectClose((await arr(st)).slice(0, 6), [6, 0, -3, 1, 0, 0], { atol: 1e-5 });
  });
});

describe.each(backends)('sparse and ragged on %s', (name) => {
  beforeEach(async () => { await wt.setBackend(name as wt.BackendName); });
  const sync = name === 'cpu' || name === 'wasm';
  const iT = (v: number[], shape?: number[]): wt.Tensor => wt.tensor(v, shape ?? [v.length], 'int32');

  it.runIf(!sync)('needs a synchronous backend: a clear Error naming the op', () => {
    const x = wt.keep(wt.ones([3, 2])), i = wt.keep(iT([0, 1]));
    refuses(() => wt.sparse.sparseSegmentSum(x, i, i), new RegExp(`^sparseSegmentSum: needs the values of data on the host, and the ${name} backend reads asynchronously`));
    refuses(() => wt.raggedRange(i, i, i), /^raggedRange: needs the values of starts on the host/);
  });

  it.runIf(sync)('sparseFillEmptyRows: sorted by row, defaults in the empty rows', async () => {
    const r = wt.sparse.sparseFillEmptyRows(iT([1, 0, 0, 2, 1, 1], [3, 2]), [5, 6, 7], iT([4, 3]), -1);
    expect(await arr(r.outputIndices)).toEqual([0, 2, 1, 0, 1, 1, 2, 0, 3, 0]);
    expect(await arr(r.outputValues)).toEqual([6, 5, 7, -1, -1]);
    expect(r.emptyRowIndicator.dtype).toBe('bool');
    expect(await arr(r.emptyRowIndicator)).toEqual([0, 0, 1, 1]);
    expect(await arr(r.reverseIndexMap)).toEqual([1, 0, 2]);
    const [ix, v, sh] = [wt.keep(iT([0, 0, 5, 0], [2, 2])), wt.keep(wt.tensor([1, 2])), wt.keep(iT([2, 3]))];
    refuses(() => wt.sparse.sparseFillEmptyRows(ix, v, sh, 0), /^sparseFillEmptyRows: indices\(1, 0\) = 5 is outside \[0, 2\)/);
    refuses(() => wt.sparse.sparseFillEmptyRows(ix, v, sh, K([2])), /^sparseFillEmptyRows: defaultValue must be a scalar/);
  });

  it.runIf(sync)('sparseReshape keeps row-major positions; -1 is inferred', async () => {
    // [2, 3] positions (0, 2) = 2 and (1, 1) = 4 in a [3, 2] shape: (1, 0) and (2, 0).
    const r = wt.sparse.sparseReshape(iT([0, 2, 1, 1], [2, 2]), iT([2, 3]), iT([-1, 2]));
    expect(await arr(r.outputIndices)).toEqual([1, 0, 2, 0]);
    expect(await arr(r.outputShape)).toEqual([3, 2]);
    const [ix, sh, bad] = [wt.keep(iT([0, 0], [1, 2])), wt.keep(iT([2, 3])), wt.keep(iT([4, -1]))];
    refuses(() => wt.sparse.sparseReshape(ix, sh, bad), /^sparseReshape: cannot reshape a sparse tensor of shape \[2,3\]/);
  });

  it.runIf(sync)('sparseSegmentSum and sparseSegmentMean, with an empty segment', async () => {
    const d = wt.tensor([[1, 2], [3, 4], [5, 6]]);
    const s = wt.sparse.sparseSegmentSum(d, iT([0, 2, 1]), iT([0, 2, 2]));
    expect(s.shape).toEqual([3, 2]);
    expect(await arr(s)).toEqual([1, 2, 0, 0, 8, 10]);
    expect(await arr(wt.sparse.sparseSegmentMean(d, iT([0, 2, 1]), iT([0, 2, 2])))).toEqual([1, 2, 0, 0, 4, 5]);
    const [x, i, g] = [wt.keep(wt.tensor([1, 2])), wt.keep(iT([0, 3])), wt.keep(iT([1, 0]))];
    refuses(() => wt.sparse.sparseSegmentSum(x, i, KI([0, 0])), /^sparseSegmentSum: indices\[1\] = 3 is outside \[0, 2\)/);
    refuses(() => wt.sparse.sparseSegmentSum(x, KI([0, 1]), g), /^sparseSegmentSum: segmentIds must be non-negative and sorted/);
    refuses(() => wt.sparse.sparseSegmentSum(x, K([2]), g), /^sparseSegmentSum: indices must be int32, got float32/);
  });

  it.runIf(sync)('raggedRange, raggedGather, raggedTensorToTensor, hand-worked', async () => {
    const r = wt.raggedRange(iT([0, 5, 3]), iT([3, 5, 0]), iT([1, 1, -2]));
    expect(await arr(r.rtNestedSplits)).toEqual([0, 3, 3, 5]);
    expect(await arr(r.rtDenseValues)).toEqual([0, 1, 2, 3, 1]);
    // rows [1, 2], [3], [], [4, 5]
    const splits = iT([0, 2, 3, 3, 5]), vals = wt.tensor([1, 2, 3, 4, 5]);
    const g = wt.raggedGather([splits], vals, iT([3, 1]), 1);
    expect(await arr(g.outputNestedSplits[0]!)).toEqual([0, 2, 3]);
    expect(await arr(g.outputDenseValues)).toEqual([4, 5, 3]);
    const d = wt.raggedTensorToTensor(iT([-1, 3]), vals, 0, [splits], ['ROW_SPLITS']);
    expect(d.shape).toEqual([4, 3]);
    expect(await arr(d)).toEqual([1, 2, 0, 3, 0, 0, 0, 0, 0, 4, 5, 0]);
    const sp = wt.keep(iT([0, 2, 3, 3, 5])), v = wt.keep(wt.tensor([1, 2, 3, 4, 5]));
    refuses(() => wt.raggedGather([sp], v, KI([4]), 1), /^raggedGather: indices\[0\] = 4 is outside \[0, 4\)/);
    refuses(() => wt.raggedGather([sp], v, KI([0]), 2), /^raggedGather: outputRaggedRank must be 1/);
    refuses(() => wt.raggedTensorToTensor(KI([-1]), v, 0, [sp], ['ROW_SPLITS']), /^raggedTensorToTensor: shape must have 2 entries/);
    refuses(() => wt.raggedTensorToTensor(KI([-1, -1]), v, 0, [sp], ['ROW_LENGTHS']), /^raggedTensorToTensor: unknown row partition type 'ROW_LENGTHS'/);
  });
});

describe.each(backends)('string tensors and wt.string on %s', (name) => {
  beforeEach(async () => { await wt.setBackend(name as wt.BackendName); });

  it('tensor of strings: dtype string, host values, views keep them, dispose frees them', async () => {
    const before = wt.memory().numTensors;
    const t = wt.tensor([['a', 'b'], ['c', 'dé']]);
    expect(t.dtype).toBe('string');
    expect(t.shape).toEqual([2, 2]);
    expect(wt.isStringTensor(t)).toBe(true);
    expect(Array.from(await t.data())).toEqual(['a', 'b', 'c', 'dé']);
    const r = wt.reshape(t, [4, 1]);
    expect(await r.array()).toEqual([['a'], ['b'], ['c'], ['dé']]);
    expect(wt.expandDims(t, 0).shape).toEqual([1, 2, 2]);
    expect(await wt.scalar('hi').array()).toBe('hi');
    wt.dispose([t, r]);
    expect(wt.memory().numTensors).toBe(before + 2); // expandDims' and scalar's results
    const s = wt.keep(wt.tensor(['x', 'y']));
    refuses(() => wt.add(s, s), /^add: string tensors are not supported by add/);
    refuses(() => wt.slice(s, [0], [1]), /^slice: string tensors are not supported/);
    refuses(() => wt.cast(s, 'float32'), /^cast: string tensors are not supported/);
    refuses(() => wt.string.stringToHashBucketFast(K([2]), 5), /^stringToHashBucketFast: input must be a string tensor, got float32 \[2\]/);
    refuses(() => wt.string.stringToHashBucketFast(s, 0), /^stringToHashBucketFast: numBuckets must be an integer >= 1/);
    refuses(() => wt.string.staticRegexReplace(s, '(', 'z'), /^staticRegexReplace: invalid pattern/);
    refuses(() => wt.tensor([['a'], 'b'] as unknown as string[]), /^tensor: /);
  });

  it('wt.string ops, hand-worked', async () => {
    const sp = wt.string.stringSplit(['a b', '', 'c'], ' ');
    expect(await arr(sp.indices)).toEqual([0, 0, 0, 1, 2, 0]);
    expect(Array.from(await sp.values.data())).toEqual(['a', 'b', 'c']);
    expect(await arr(sp.shape)).toEqual([3, 2]);
    // Splits as an array: no readback, so this runs on every backend (an int32 tensor needs cpu or wasm).
    const ng = wt.string.stringNGrams(['a', 'b', 'c'], [0, 3], ' ', [2], '<', '>', 1, false);
    expect(Array.from(await ng.nGrams.data())).toEqual(['< a', 'a b', 'b c', 'c >']);
    expect(await arr(ng.nGramsSplits)).toEqual([0, 4]);
    const h = wt.string.stringToHashBucketFast(['a', 'a', 'b'], 1000);
    const hv = await arr(h);
    expect(hv[0]).toBe(hv[1]);
    expect(hv.every((v) => v >= 0 && v < 1000)).toBe(true);
    expect(Array.from(await wt.string.staticRegexReplace(['aXbXc'], 'X', '-').data())).toEqual(['a-b-c']);
    expect(Array.from(await wt.string.staticRegexReplace(['aXbXc'], 'X', '$1', false).data())).toEqual(['a$1bXc']);
  });
});

describe('gradients against finite differences (cpu)', () => {
  beforeEach(async () => { await wt.setBackend('cpu'); });
  it('einsum', async () => {
    await checkGrad((a, b) => wt.einsum('bij,bjk->bik', a, b), [input([2, 2, 3], 1), input([2, 3, 2], 2)]);
    await checkGrad((a, b) => wt.einsum('ij,kj->ik', a, b), [input([2, 3], 3), input([4, 3], 4)]);
    await checkGrad((a) => wt.einsum('ijk->kj', a), [input([2, 3, 2], 5)]);
  });
  it('linalg.qr and gramSchmidt', async () => {
    await checkGrad((a) => wt.linalg.qr(a)[1], [input([3, 2], 6)]);
    await checkGrad((a) => wt.linalg.qr(a)[0], [input([3, 3], 7)]);
    await checkGrad((a) => wt.linalg.gramSchmidt(a) as wt.Tensor, [input([2, 3], 8)]);
  });
  it('complex, real, imag, mul, abs', async () => {
    await checkGrad((a, b) => wt.real(wt.mul(wt.complex(a, b), wt.complex(b, a))), [input([2, 3], 9), input([2, 3], 10)]);
    await checkGrad((a, b) => wt.imag(wt.mul(wt.complex(a, b), wt.complex(b, a))), [input([2, 3], 11), input([2, 3], 12)]);
    await checkGrad((a, b) => wt.abs(wt.sub(wt.complex(a, b), 0.25)), [input([5], 13), input([5], 14)]);
  });
  it('fft, ifft (short and radix-2 lengths), rfft, irfft, stft', async () => {
    await checkGrad((a, b) => wt.real(wt.fft(wt.complex(a, b))), [input([2, 5], 15), input([2, 5], 16)]);
    await checkGrad((a, b) => wt.imag(wt.ifft(wt.complex(a, b))), [input([2, 6], 17), input([2, 6], 18)]);
    await checkGrad((a) => wt.imag(wt.fft(wt.complex(a, wt.mul(a, 0.5)))).slice([0], [20]), [input([512], 19)], { atol: 5e-3 });
    await checkGrad((a) => wt.abs(wt.rfft(a)), [input([2, 7], 20)]);
    await checkGrad((a, b) => wt.irfft(wt.complex(a, b)), [input([2, 4], 21), input([2, 4], 22)]);
    await checkGrad((a) => wt.real(wt.signal.stft(a, 4, 2)), [input([10], 23)]);
  });
});
