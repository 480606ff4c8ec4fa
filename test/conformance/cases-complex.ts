/**
 * Conformance cases of complex64 and the spectral, signal, linalg and einsum families, and of
 * bitwiseAnd and confusionMatrix, with gradients through the compositions. Pushed onto CASES by
 * cases.ts.
 */
import type { Case, Tensor, Wt } from './cases.ts';

type Out = Tensor | readonly Out[];
export const COMPLEX_CASES: Case[] = [];
const add = (name: string, tol: number, fn: (wt: Wt) => Out): void => {
  COMPLEX_CASES.push({ name, tol, fn });
};
const rn = (wt: Wt, shape: number[], seed: number, scale = 1): Tensor => wt.randn(shape, { seed, std: scale });
const weigh = (wt: Wt, y: Tensor): Tensor => y.mul(wt.randn(y.shape as number[], { seed: 4747 })).sum();
const vg = (wt: Wt, f: (...x: Tensor[]) => Tensor, ...xs: Tensor[]): Out =>
  wt.valueAndGrad((...t: Tensor[]) => weigh(wt, f(...t)))(xs) as unknown as Out;
const cx = (wt: Wt, shape: number[], seed: number): Tensor => wt.complex(rn(wt, shape, seed), rn(wt, shape, seed + 1));

add('complex add, sub, mul (broadcast, with a real operand), neg, abs', 1e-5, (wt) => {
  const a = cx(wt, [3, 4], 6001), b = cx(wt, [4], 6003), r = rn(wt, [3, 1], 6005);
  return [wt.add(a, b), wt.sub(a, r), wt.mul(a, b), wt.mul(r, a), wt.neg(a), wt.abs(a)];
});
add('complex real, imag, cast, transpose, slice, concat, stack, reshape', 1e-6, (wt) => {
  const a = cx(wt, [2, 3, 2], 6011);
  return [wt.real(a), wt.imag(a), wt.cast(a, 'float32'), wt.cast(rn(wt, [3], 6013), 'complex64'), wt.transpose(a, [2, 0, 1]),
    wt.slice(a, [0, 1, 0], [2, 2, 1]), wt.concat([a, a], 1), wt.stack([a, a], 0), wt.reshape(a, [3, 4])];
});
for (const n of [1, 5, 8, 12, 300, 512]) {
  add(`fft and ifft [2,${n}]`, 2e-4, (wt) => { const a = cx(wt, [2, n], 6100 + n); return [wt.fft(a), wt.ifft(a)]; });
}
add('rfft (with fftLength crop and pad) and irfft', 2e-4, (wt) => {
  const x = rn(wt, [3, 10], 6201);
  return [wt.rfft(x), wt.rfft(x, 7), wt.rfft(x, 16), wt.irfft(cx(wt, [3, 6], 6202))];
});
add('grad fft, ifft, real, imag, complex', 1e-4, (wt) =>
  vg(wt, (a, b) => { const y = wt.fft(wt.complex(a, b)); return wt.add(wt.real(y), wt.imag(wt.ifft(wt.mul(y, y)))); }, rn(wt, [2, 6], 6301), rn(wt, [2, 6], 6302)));
add('grad rfft, irfft, abs', 1e-4, (wt) =>
  vg(wt, (a, b) => wt.add(wt.abs(wt.rfft(a)), wt.irfft(wt.complex(b, a)).slice([0, 0], [2, 4])), rn(wt, [2, 6], 6303), rn(wt, [2, 6], 6304)));
add('signal: windows, frame, stft', 2e-5, (wt) => {
  const s = rn(wt, [2, 20], 6401);
  return [wt.signal.hannWindow(6), wt.signal.hammingWindow(7), wt.cosineWindow(5, 0.6, 0.4), wt.signal.frame(s, 5, 3), wt.signal.frame(s, 6, 4, true, -1),
    wt.signal.stft(s, 8, 4), wt.signal.stft(s, 6, 5, 8, wt.signal.hammingWindow)];
});
add('einsum: matmul, batched, transposed output, outer, reductions', 1e-5, (wt) => [
  wt.einsum('ij,jk->ki', rn(wt, [3, 4], 6501), rn(wt, [4, 5], 6502)), wt.einsum('bij,bkj->bik', rn(wt, [2, 3, 4], 6503), rn(wt, [2, 5, 4], 6504)),
  wt.einsum('i,j->ji', rn(wt, [3], 6505), rn(wt, [4], 6506)), wt.einsum('ijk->kj', rn(wt, [2, 3, 4], 6507)), wt.einsum('ij,ij->', rn(wt, [3, 4], 6508), rn(wt, [3, 4], 6509)),
]);
add('grad einsum', 1e-4, (wt) => vg(wt, (a, b) => wt.einsum('bij,bjk->bki', a, b), rn(wt, [2, 3, 4], 6511), rn(wt, [2, 4, 2], 6512)));
add('linalg: bandPart, gramSchmidt, qr', 1e-4, (wt) => {
  const x = rn(wt, [2, 4, 3], 6601);
  return [wt.linalg.bandPart(x, 1, 0), wt.linalg.bandPart(x, -1, 1), wt.linalg.gramSchmidt(rn(wt, [3, 5], 6602)) as Tensor, ...wt.linalg.qr(x), ...wt.linalg.qr(rn(wt, [3, 5], 6603), true)];
});
add('grad qr', 1e-3, (wt) => vg(wt, (a) => wt.add(wt.linalg.qr(a)[0].sum(), wt.linalg.qr(a)[1].sum()), rn(wt, [4, 3], 6604)));
add('bitwiseAnd and confusionMatrix', 0, (wt) => {
  const a = wt.tensor([5, -6, 1023, -1, 0, 77, 65535, -65536], [8], 'int32'), b = wt.tensor([3, 7, -1, 12345, 9, -77, 4095, -3], [8], 'int32');
  return [wt.bitwiseAnd(a, b), wt.math.confusionMatrix(wt.tensor([0, 1, 2, 2, 1, 0, 3], [7], 'int32'), wt.tensor([0, 2, 2, 1, 1, 3, 3], [7], 'int32'), 4)];
});
