/**
 * The conv, pool, space and normalization ops composed from the window kernels, on the cpu
 * reference: finite-difference gradients (including the ones TensorFlow.js lacks or gets wrong:
 * dilated conv1d and conv3d, conv3dTranspose, avgPool over padding, depthToSpace, batchToSpaceND),
 * hand-worked values, and bad input (an Error naming the op; memory as it was).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { checkGrad, expectTensor, input } from './helpers.js';

beforeAll(async () => {
  await wt.setBackend('cpu');
});

describe('gradients against finite differences', () => {
  it('conv1d, dilated and strided', async () => {
    await checkGrad((x, f) => wt.conv1d(x, f, 1, 'same', 'NWC', 2), [input([2, 7, 2], 1), input([3, 2, 3], 2)]);
    await checkGrad((x, f) => wt.conv1d(x, f, 2, 'valid'), [input([1, 8, 3], 3), input([2, 3, 2], 4)]);
  });
  it('conv2dTranspose, same and valid', async () => {
    await checkGrad((x, f) => wt.conv2dTranspose(x, f, [1, 6, 5, 2], 2, 'same'), [input([1, 3, 3, 3], 5), input([3, 3, 2, 3], 6)]);
    await checkGrad((x, f) => wt.conv2dTranspose(x, f, [2, 5, 5, 1], 2, 'valid'), [input([2, 2, 2, 2], 7), input([3, 3, 1, 2], 8)]);
  });
  it('conv3d, dilated and strided', async () => {
    await checkGrad((x, f) => wt.conv3d(x, f, 1, 'valid', 'NDHWC', [2, 1, 1]), [input([1, 5, 3, 3, 2], 9), input([2, 2, 2, 2, 2], 10)]);
    await checkGrad((x, f) => wt.conv3d(x, f, [2, 1, 2], 'same'), [input([1, 4, 3, 4, 1], 11), input([3, 2, 2, 1, 2], 12)]);
  });
  it('conv3dTranspose', async () => {
    await checkGrad((x, f) => wt.conv3dTranspose(x, f, [1, 5, 4, 3, 2], [2, 2, 1], 'same'), [input([1, 3, 2, 3, 2], 13), input([2, 3, 2, 2, 2], 14)]);
    await checkGrad((x, f) => wt.conv3dTranspose(x, f, [1, 4, 3, 3, 1], 1, 'valid'), [input([1, 3, 2, 2, 2], 15), input([2, 2, 2, 1, 2], 16)]);
  });
  it('pool with dilations, maxPool3d and avgPool3d over padding', async () => {
    await checkGrad((x) => wt.pool(x, [2, 2], 'max', 'same', 2), [input([1, 5, 5, 2], 17)]);
    await checkGrad((x) => wt.pool(x, [3, 2], 'avg', 'same', [1, 2]), [input([1, 5, 5, 2], 18)]);
    await checkGrad((x) => wt.maxPool3d(x, [2, 3, 2], 2, 'same'), [input([1, 3, 5, 4, 2], 19)]);
    await checkGrad((x) => wt.avgPool3d(x, [3, 2, 2], [2, 1, 2], 'same'), [input([1, 5, 3, 4, 2], 20)]);
  });
  it('dilation2d and localResponseNormalization', async () => {
    await checkGrad((x, f) => wt.dilation2d(x, f, 2, 'same', 1), [input([1, 5, 5, 2], 21), input([2, 3, 2], 22)]);
    await checkGrad((x) => wt.localResponseNormalization(x, 1, 1.2, 0.4, 0.6), [input([1, 2, 2, 5], 23)]);
  });
  it('batchNorm in all five inputs; the space ops', async () => {
    await checkGrad((x, m, v, o, s) => wt.batchNorm(x, m, v.square().add(0.3), o, s, 0.01), [input([3, 4], 24), input([4], 25), input([4], 26), input([4], 27), input([4], 28)]);
    await checkGrad((x) => wt.depthToSpace(x, 2), [input([1, 2, 2, 8], 29)]);
    await checkGrad((x) => wt.batchToSpaceND(x, [2, 2], [[1, 0], [0, 1]]), [input([4, 2, 2, 1], 30)]);
    await checkGrad((x) => wt.spaceToBatchND(x, [2], [[1, 1]]), [input([1, 4, 3], 31)]);
  });
});

describe('hand-worked values', () => {
  it('conv1d of [1, 2, 3, 4] with [1, -1]: differences', async () => {
    await expectTensor(wt.conv1d(wt.tensor([1, 2, 4, 7], [1, 4, 1]), wt.tensor([1, -1], [2, 1, 1]), 1, 'valid'), [[[-1], [-2], [-3]]]);
  });
  it('conv2dTranspose of a single 1 places the filter at stride positions', async () => {
    const f = wt.tensor([1, 2, 3, 4], [2, 2, 1, 1]);
    await expectTensor(wt.conv2dTranspose(wt.tensor([1, 10], [1, 1, 2, 1]), f, [1, 2, 4, 1], 2, 'valid'), [[[[1], [2], [10], [20]], [[3], [4], [30], [40]]]]);
  });
  it('depthToSpace [1, 1, 1, 4] -> [1, 2, 2, 1]; spaceToBatchND and batchToSpaceND undo each other', async () => {
    await expectTensor(wt.depthToSpace(wt.tensor([1, 2, 3, 4], [1, 1, 1, 4]), 2), [[[[1], [2]], [[3], [4]]]]);
    await expectTensor(wt.spaceToBatchND(wt.tensor([1, 2, 3, 4], [1, 2, 2, 1]), [2, 2], [[0, 0], [0, 0]]), [[[[1]]], [[[2]]], [[[3]]], [[[4]]]]);
    const x = wt.randn([2, 4, 6, 3], { seed: 3 });
    const back = wt.batchToSpaceND(wt.spaceToBatchND(x, [2, 3], [[2, 0], [0, 3]]), [2, 3], [[2, 0], [0, 3]]);
    expect(Array.from(await back.data())).toEqual(Array.from(await x.data()));
  });
  it('maxPoolWithArgmax: the first maximum\'s flat index, with and without the batch', async () => {
    const x = wt.tensor([1, 5, 5, 2, 0, 9, 3, 4, -1, 8, 7, 6, 2, 2, 2, 2], [2, 2, 4, 1]);
    const { result, indexes } = wt.maxPoolWithArgmax(x, 2, 2, 'valid');
    await expectTensor(result, [[[[9], [5]]], [[[8], [7]]]]);
    await expectTensor(indexes, [[[[5], [2]]], [[[1], [2]]]], { dtype: 'int32' });
    await expectTensor(wt.maxPoolWithArgmax(x, 2, 2, 'valid', true).indexes, [[[[5], [2]]], [[[9], [10]]]], { dtype: 'int32' });
  });
  it('dilation2d with a zero filter is a max pool; LRN of one channel with radius 0', async () => {
    const x = wt.randn([1, 5, 4, 2], { seed: 4 });
    expect(Array.from(await wt.dilation2d(x, wt.zeros([3, 2, 2]), 1, 'same').data())).toEqual(Array.from(await wt.maxPool(x, [3, 2], 1, 'same').data()));
    await expectTensor(wt.localResponseNormalization(wt.tensor([3], [1, 1, 1]), 0, 1, 1, 0.5), [[[3 / Math.sqrt(10)]]]);
  });
  it('conv3d with a depth-1 filter is conv2d on each depth slice', async () => {
    const x = wt.randn([1, 3, 4, 4, 2], { seed: 5 }), f = wt.randn([1, 3, 3, 2, 2], { seed: 6 });
    const y = wt.conv3d(x, f, 1, 'same');
    const slices = [0, 1, 2].map((d) => wt.conv2d(wt.reshape(wt.slice(x, [0, d], [1, 1]), [1, 4, 4, 2]), wt.reshape(f, [3, 3, 2, 2]), 1, 'same'));
    await expectTensor(y, await wt.reshape(wt.stack(slices, 1), [1, 3, 4, 4, 2]).array(), { atol: 1e-5 });
  });
});

describe('bad input: an Error naming the op and what it expected, memory unchanged', () => {
  const x4 = (): wt.Tensor => wt.zeros([1, 4, 4, 2]);
  const cases: [string, () => unknown, RegExp][] = [
    ['conv1d rank', () => wt.conv1d(x4(), wt.zeros([2, 2, 1]), 1, 'valid'), /^conv1d: x must be of rank 2 or 3/],
    ['conv1d channels', () => wt.conv1d(wt.zeros([1, 4, 2]), wt.zeros([2, 3, 1]), 1, 'valid'), /^conv1d: x \[1,4,2\] has 2 input channels but filter \[2,3,1\] expects 3/],
    ['conv2dTranspose outputShape', () => wt.conv2dTranspose(x4(), wt.zeros([2, 2, 1, 2]), [1, 5, 5, 1], 2, 'same'), /^conv2dTranspose: a conv2d of outputShape \[1,5,5,1\].* gives 3x3, but x \[1,4,4,2\] is 4x4/],
    ['conv2dTranspose channels', () => wt.conv2dTranspose(x4(), wt.zeros([2, 2, 1, 3]), [1, 8, 8, 1], 2, 'same'), /^conv2dTranspose: x \[1,4,4,2\] has 2 channels but filter/],
    ['conv3d pad', () => wt.conv3d(wt.zeros([1, 2, 2, 2, 1]), wt.zeros([1, 1, 1, 1, 1]), 1, 3 as unknown as 'same'), /^conv3d: pad must be 'valid' or 'same'/],
    ['conv3d kernel too deep', () => wt.conv3d(wt.zeros([1, 2, 3, 3, 1]), wt.zeros([3, 1, 1, 1, 1]), 1, 'valid'), /^conv3d: the kernel depth 3 is bigger than the input depth 2/],
    ['conv3dTranspose rank', () => wt.conv3dTranspose(x4(), wt.zeros([1, 1, 1, 1, 1]), [1, 4, 4, 2], 1, 'valid'), /^conv3dTranspose: filter \[1,1,1,1,1\]|^conv3dTranspose: x/],
    ['pool strides and dilations', () => wt.pool(x4(), 2, 'max', 'valid', 2, 2), /^pool: either strides or dilations must be 1/],
    ['pool type', () => wt.pool(x4(), 2, 'min' as 'max', 'valid'), /^pool: poolingType must be 'avg' or 'max'/],
    ['maxPoolWithArgmax rank', () => wt.maxPoolWithArgmax(wt.zeros([4, 4, 2]), 2, 2, 'valid'), /^maxPoolWithArgmax: x must be of rank 4/],
    ['maxPool3d filterSize', () => wt.maxPool3d(wt.zeros([1, 2, 2, 2, 1]), [2, 2] as unknown as number, 1, 'valid'), /^maxPool3d: filterSize must be a positive integer or a triple/],
    ['avgPool3d dataFormat', () => wt.avgPool3d(wt.zeros([1, 2, 2, 2, 1]), 1, 1, 'valid', undefined, 'NCDHW'), /^avgPool3d: dataFormat must be 'NDHWC'/],
    ['dilation2d depth', () => wt.dilation2d(x4(), wt.zeros([2, 2, 3]), 1, 'same'), /^dilation2d: x has depth 2 but filter \[2,2,3\] has depth 3/],
    ['localResponseNormalization radius', () => wt.localResponseNormalization(x4(), -1), /^localResponseNormalization: depthRadius must be a non-negative integer/],
    ['batchNorm statistics', () => wt.batchNorm(x4(), wt.zeros([3]), wt.ones([2])), /^batchNorm: mean \[3\] does not match x's last dim 2/],
    ['batchNorm4d rank', () => wt.batchNorm4d(wt.zeros([2, 2]), wt.zeros([2]), wt.ones([2])), /^batchNorm4d: x must be of rank 4, got rank 2/],
    ['spaceToBatchND divisibility', () => wt.spaceToBatchND(x4(), [3, 2], [[0, 0], [0, 0]]), /^spaceToBatchND: padded dim 1 of x \[1,4,4,2\] is 4, not a multiple of blockShape\[0\] = 3/],
    ['batchToSpaceND batch', () => wt.batchToSpaceND(x4(), [2, 2], [[0, 0], [0, 0]]), /^batchToSpaceND: the batch of x \[1,4,4,2\] \(1\) must be a multiple of prod\(blockShape\) = 4/],
    ['dimRoundingMode', () => wt.conv1d(wt.zeros([4, 1]), wt.zeros([2, 1, 1]), 1, 'valid', 'NWC', 1, 'ceil'), /^conv1d: dimRoundingMode is not supported/],
    ['avgPool3d dimRoundingMode', () => wt.avgPool3d(wt.zeros([1, 2, 2, 2, 1]), 1, 1, 'valid', 'floor'), /^avgPool3d: dimRoundingMode is not supported/],
    ['depthToSpace channels', () => wt.depthToSpace(x4(), 2), /^depthToSpace: the channels of x \[1,4,4,2\] \(2\) must be a multiple of blockSize\^2 = 4/],
  ];
  it.each(cases)('%s', (_n, f, re) => {
    const before = wt.memory().numTensors;
    expect(() => wt.tidy(() => { f(); })).toThrow(re);
    expect(wt.memory().numTensors).toBe(before);
  });
});
