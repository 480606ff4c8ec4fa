/**
 * Conformance cases of the convolution, pooling, space and normalization ops composed from the
 * window kernels (src/ops/conv-extra.ts, pool-extra.ts, space.ts, normalization.ts): values and
 * gradients on every backend against cpu. Pushed onto CASES by cases.ts.
 */
import type { Case, Tensor, Wt } from './cases.ts';

type Out = Tensor | readonly Out[];
export const WINDOW_CASES: Case[] = [];
const add = (name: string, tol: number, fn: (wt: Wt) => Out): void => {
  WINDOW_CASES.push({ name, tol, fn });
};
const rn = (wt: Wt, shape: number[], seed: number): Tensor => wt.randn(shape, { seed });
const weigh = (wt: Wt, y: Tensor): Tensor => y.mul(wt.randn(y.shape as number[], { seed: 6161 })).sum();
const vg = (wt: Wt, f: (...x: Tensor[]) => Tensor, ...xs: Tensor[]): Out =>
  wt.valueAndGrad((...t: Tensor[]) => weigh(wt, f(...t)))(xs) as unknown as Out;

add('conv1d same stride 2 dilation 1, and valid dilation 2', 1e-4, (wt) => {
  const x = rn(wt, [2, 9, 3], 6001), f = rn(wt, [3, 3, 4], 6002);
  return [wt.conv1d(x, f, 2, 'same'), wt.conv1d(x, f, 1, 'valid', 'NWC', 2)];
});
add('grad conv1d', 1e-4, (wt) => vg(wt, (x, f) => wt.conv1d(x, f, 1, 'same'), rn(wt, [2, 7, 3], 6003), rn(wt, [3, 3, 2], 6004)));
add('conv2dTranspose stride 2 same and valid', 1e-4, (wt) => {
  const f = rn(wt, [3, 3, 2, 4], 6011);
  return [wt.conv2dTranspose(rn(wt, [2, 4, 3, 4], 6012), f, [2, 7, 6, 2], 2, 'same'), wt.conv2dTranspose(rn(wt, [1, 3, 2, 4], 6013), f, [1, 7, 6, 2], 2, 'valid')];
});
add('grad conv2dTranspose', 1e-4, (wt) => vg(wt, (x, f) => wt.conv2dTranspose(x, f, [1, 6, 6, 2], 2, 'same'), rn(wt, [1, 3, 3, 3], 6014), rn(wt, [2, 2, 2, 3], 6015)));
add('conv3d same, and valid strides [2,1,1]', 1e-4, (wt) => {
  const x = rn(wt, [1, 5, 4, 4, 2], 6021), f = rn(wt, [2, 3, 2, 2, 3], 6022);
  return [wt.conv3d(x, f, 1, 'same'), wt.conv3d(x, f, [2, 1, 1], 'valid')];
});
add('grad conv3d', 1e-4, (wt) => vg(wt, (x, f) => wt.conv3d(x, f, 2, 'same'), rn(wt, [1, 4, 4, 3, 2], 6023), rn(wt, [2, 2, 2, 2, 2], 6024)));
add('conv3dTranspose and its gradient', 1e-4, (wt) => vg(wt, (x, f) => wt.conv3dTranspose(x, f, [1, 5, 4, 4, 2], 2, 'same'), rn(wt, [1, 3, 2, 2, 3], 6025), rn(wt, [3, 2, 2, 2, 3], 6026)));
for (const type of ['max', 'avg'] as const) {
  add(`grad pool ${type} dilated same`, 1e-4, (wt) => vg(wt, (x) => wt.pool(x, [2, 3], type, 'same', [2, 1]), rn(wt, [1, 6, 5, 2], 6031)));
  const op = type === 'max' ? 'maxPool3d' : 'avgPool3d';
  add(`grad ${op} same strides 2`, 1e-4, (wt) => vg(wt, (x) => wt[op](x, [3, 2, 2], 2, 'same'), rn(wt, [1, 5, 4, 5, 2], 6032)));
}
add('maxPoolWithArgmax same, with the batch in the index', 1e-6, (wt) => {
  const r = wt.maxPoolWithArgmax(rn(wt, [2, 5, 4, 3], 6041), 3, 2, 'same', true);
  return [r.result, r.indexes];
});
add('grad dilation2d same dilations 2', 1e-4, (wt) => vg(wt, (x, f) => wt.dilation2d(x, f, 1, 'same', 2), rn(wt, [1, 5, 5, 2], 6051), rn(wt, [2, 3, 2], 6052)));
add('grad localResponseNormalization', 1e-4, (wt) => vg(wt, (x) => wt.localResponseNormalization(x, 2, 1.5, 0.3, 0.75), rn(wt, [1, 2, 3, 7], 6061)));
add('grad batchNorm', 1e-4, (wt) => vg(wt, (x, m, v, o, s) => wt.batchNorm(x, m, v.abs().add(0.5), o, s), rn(wt, [3, 2, 4], 6071), rn(wt, [4], 6072), rn(wt, [4], 6073), rn(wt, [4], 6074), rn(wt, [4], 6075)));
add('spaceToBatchND, batchToSpaceND and depthToSpace', 1e-6, (wt) => {
  const x = rn(wt, [2, 3, 4, 2], 6081);
  return [wt.spaceToBatchND(x, [2, 2], [[1, 0], [0, 2]]), wt.batchToSpaceND(rn(wt, [8, 2, 3, 1], 6082), [2, 4], [[0, 1], [2, 2]]), wt.depthToSpace(rn(wt, [1, 2, 3, 8], 6083), 2), wt.depthToSpace(rn(wt, [1, 8, 2, 3], 6084), 2, 'NCHW')];
});
add('grad spaceToBatchND', 1e-5, (wt) => vg(wt, (x) => wt.spaceToBatchND(x, [2, 3], [[1, 1], [0, 2]]), rn(wt, [1, 2, 4, 2], 6085)));
