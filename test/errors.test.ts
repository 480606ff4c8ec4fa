/**
 * Bad input at every public entry gives a clear Error that names the op and what it got or
 * expected; none crashes, hangs or returns garbage. Run on the cpu reference and on wasm (the
 * kernels of a CPU backend see the same calls), which under CI=true must be available.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';

/** Loosen the types so that tests can pass what TypeScript would refuse. */
const bad = <T>(v: unknown): T => v as T;

const backends = (await availableBackends()).filter((b) => b === 'cpu' || b === 'wasm');

describe.each(backends)('bad input on %s', (backend) => {
  beforeAll(async () => {
    await wt.setBackend(backend as wt.BackendName);
  });

  describe('shape mismatches', () => {
    it('matmul inner dimensions, rank, batch and bias', () => {
      const a = wt.zeros([2, 3]);
      expect(() => wt.matmul(a, wt.zeros([4, 5]))).toThrow(/matmul: inner dimensions differ: \[2,3\].*\[4,5\].*3 vs 4/);
      expect(() => a.matmul(a)).toThrow(/matmul: inner dimensions/);
      expect(() => wt.matmul(a, wt.zeros([3, 2]), { transposeA: true })).toThrow(/matmul: inner dimensions.*2 vs 3/);
      expect(() => wt.matmul(wt.zeros([3]), a)).toThrow(/matmul: expected 2-D or 3-D operands, got \[3\]/);
      expect(() => wt.matmul(wt.zeros([1, 2, 3, 4]), a)).toThrow(/matmul: expected 2-D or 3-D/);
      expect(() => wt.matmul(wt.zeros([2, 2, 3]), wt.zeros([3, 3, 4]))).toThrow(/matmul: batch sizes differ/);
      expect(() => wt.fusedMatmul(a, wt.zeros([3, 4]), { bias: wt.zeros([3]) })).toThrow(/^fusedMatmul: bias must have 4 elements.*got \[3\]/);
      expect(() => wt.fusedMatmul(a, wt.zeros([3, 4]), { activation: bad('swish') })).toThrow(/^fusedMatmul: unknown activation 'swish'/);
      expect(() => wt.matmul(wt.zeros([2, 3], 'int32'), wt.zeros([3, 4]))).toThrow(/matmul: expected a float32 tensor, got int32/);
    });
    it('broadcasting', () => {
      const a = wt.zeros([2, 3]);
      expect(() => wt.add(a, wt.zeros([2]))).toThrow(/add: shapes \[2,3\] and \[2\] cannot be broadcast together/);
      expect(() => a.mul(wt.zeros([3, 3]))).toThrow(/mul: shapes \[2,3\] and \[3,3\] cannot be broadcast/);
      expect(() => wt.where(wt.zeros([4]), a, a)).toThrow(/where: shapes/);
      expect(() => wt.broadcastTo(a, [3, 3])).toThrow(/broadcastTo/);
      expect(() => wt.broadcastTo(a, [3])).toThrow(/broadcastTo: cannot broadcast \[2,3\] to \[3\]/);
      expect(() => wt.greater(a, wt.zeros([4]))).toThrow(/greater: shapes/);
    });
    it('movement ops', () => {
      const a = wt.zeros([2, 3]);
      expect(() => wt.reshape(a, [4, 2])).toThrow(/reshape: cannot reshape \[2,3\] \(size 6\) into \[4,2\] \(size 8\)/);
      expect(() => a.reshape([-1, -1])).toThrow(/reshape: only one dimension may be -1/);
      expect(() => a.reshape([4, -1])).toThrow(/reshape: cannot reshape \[2,3\]/);
      expect(() => a.reshape([2, 3.5])).toThrow(/reshape/);
      expect(() => wt.transpose(a, [0, 0])).toThrow(/transpose: perm \[0,0\] is not a permutation/);
      expect(() => a.transpose([0, 1, 2])).toThrow(/transpose/);
      expect(() => wt.slice(a, [1, 2], [2, 1])).toThrow(/slice: begin \[1,2\] size \[2,1\] is out of bounds for \[2,3\]/);
      expect(() => a.slice([0, 0, 0])).toThrow(/slice: .*more entries than \[2,3\]/);
      expect(() => wt.concat([a, wt.zeros([2, 4])], 0)).toThrow(/concat: cannot join \[2,4\]/);
      expect(() => wt.concat([])).toThrow(/concat: expected a non-empty array/);
      expect(() => wt.concat([a, wt.zeros([2, 3], 'int32')])).toThrow(/concat: .*int32/);
      expect(() => wt.stack([a, wt.zeros([3, 2])])).toThrow(/concat|stack/);
      expect(() => wt.squeeze(a, 0)).toThrow(/squeeze: axis 0 of \[2,3\] has length 2, not 1/);
      expect(() => wt.gather(a, wt.tensor([0.5]))).toThrow(/gather: indices must be int32, got float32/);
      expect(() => wt.gather(wt.scalar(1), [0])).toThrow(/gather: expected a tensor of rank >= 1/);
      expect(() => wt.oneHot(wt.tensor([1.5]), 3)).toThrow(/oneHot: indices must be int32/);
      expect(() => wt.oneHot([1], 0)).toThrow(/oneHot: depth must be an integer >= 1, got 0/);
    });
    it('softmaxGrad and activation derivatives need equal shapes', () => {
      expect(() => wt.softmaxGrad(wt.zeros([2]), wt.zeros([3]))).toThrow(/softmaxGrad: dy \[2\] and y \[3\]/);
      expect(() => wt.tanhGrad(wt.zeros([2]), wt.zeros([3]))).toThrow(/tanhGrad: dy \[2\] and its partner \[3\]/);
    });
  });

  describe('data that does not fit, bad dtype, bad arrays', () => {
    it('data length not fitting the shape', () => {
      expect(() => wt.tensor([1, 2, 3], [2, 2])).toThrow(/tensor: 3 values do not fit shape \[2,2\] \(which holds 4\)/);
      expect(() => wt.tensor(new Float32Array(5), [2, 3])).toThrow(/tensor: 5 values do not fit shape \[2,3\]/);
      expect(() => wt.tensor([1, 2], [-2])).toThrow(/tensor: shape must be an array of non-negative integers, got \[-2\]/);
      expect(() => wt.zeros([2, 1.5])).toThrow(/zeros: shape must be an array of non-negative integers/);
      expect(() => wt.ones(bad(3))).toThrow(/shape must be an array/);
    });
    it('non-rectangular or non-numeric nested arrays', () => {
      expect(() => wt.tensor([[1, 2], [3]])).toThrow(/tensor: nested arrays are not rectangular: expected length 2 at depth 1, got 1/);
      expect(() => wt.tensor(bad([[1, 2], 3]))).toThrow(/tensor: nested arrays are not rectangular/);
      expect(() => wt.tensor(bad([1, [2]]))).toThrow(/tensor: expected a number at depth 1, got an array/);
      expect(() => wt.tensor(bad([1, 'b']))).toThrow(/tensor: expected a number at depth 1, got string/);
      // Strings make a string tensor, as in TF.js; mixed with numbers they are refused.
      expect(() => wt.tensor(bad(['a', 2]))).toThrow(/tensor: expected a string at depth 1, got number/);
      expect(() => wt.tensor(bad(null))).toThrow(/tensor: expected a number, nested arrays or a typed array, got null/);
      expect(() => wt.add(wt.zeros([2]), bad({ a: 1 }))).toThrow(/add: expected a Tensor, number or array, got object/);
    });
    it('bad dtype', () => {
      expect(() => wt.tensor([1], [1], bad('float64'))).toThrow(/tensor: unknown dtype 'float64' \(expected float32, int32 or bool\)/);
      expect(() => wt.zeros([2], bad('bool8'))).toThrow(/zeros: unknown dtype 'bool8'/);
      expect(() => wt.full([2], 1, bad('uint16'))).toThrow(/full: unknown dtype 'uint16'/);
      expect(() => wt.cast(wt.zeros([1]), bad('uint8'))).toThrow(/cast: unknown dtype 'uint8'/);
      expect(() => wt.arange(3, 4, 1, bad('f16'))).toThrow(/arange: unknown dtype 'f16'/);
      expect(() => wt.eye(2, 2, undefined, bad('x'))).toThrow(/eye: unknown dtype 'x'/);
      expect(() => wt.softmax(wt.zeros([2], 'int32'))).toThrow(/softmax: expected a float32 tensor, got int32/);
    });
    it('bad numbers in creation ops', () => {
      expect(() => wt.full([2], NaN)).toThrow(/full: value must be a number, got NaN/);
      expect(() => wt.arange(0, 5, 0)).toThrow(/arange: step must not be 0/);
      expect(() => wt.eye(-1)).toThrow(/eye: numRows must be an integer >= 0, got -1/);
      expect(() => wt.randn([2], { seed: 1.5 })).toThrow(/randn: seed must be an integer, got 1.5/);
      expect(() => wt.rand([2], { lo: bad('0') })).toThrow(/rand: lo must be a number/);
      expect(() => wt.clip(wt.zeros([1]), 2, 1)).toThrow(/clip: lo \(2\) must not exceed hi \(1\)/);
      expect(() => wt.leakyRelu(wt.zeros([1]), bad('x'))).toThrow(/leakyRelu: alpha must be a number/);
    });
  });

  describe('bad axes', () => {
    const a = () => wt.zeros([2, 3]);
    it('every axis-taking op names the axis and the valid range', () => {
      expect(() => wt.sum(a(), 2)).toThrow(/sum: axis 2 is out of range for a tensor of rank 2 \(expected an integer in \[-2, 1\]\)/);
      expect(() => a().mean(-3)).toThrow(/mean: axis -3 is out of range/);
      expect(() => a().max(1.5)).toThrow(/max: axis 1.5 is out of range/);
      expect(() => wt.min(a(), [0, 0])).toThrow(/min: repeated axis in \[0,0\]/);
      expect(() => wt.argMax(a(), 5)).toThrow(/argMax: axis 5 is out of range/);
      expect(() => wt.softmax(a(), 2)).toThrow(/softmax: axis 2 is out of range/);
      expect(() => wt.logSoftmax(a(), -3)).toThrow(/logSoftmax: axis -3 is out of range/);
      expect(() => wt.concat([a(), a()], 2)).toThrow(/concat: axis 2 is out of range/);
      expect(() => wt.gather(a(), [0], 2)).toThrow(/gather: axis 2 is out of range/);
      expect(() => wt.expandDims(a(), 4)).toThrow(/expandDims: axis 4 is out of range/);
      expect(() => wt.stack([a(), a()], 3)).toThrow(/stack: axis 3 is out of range/);
      expect(() => wt.transpose(a(), [0, 2])).toThrow(/transpose: axis 2 is out of range/);
    });
    it('reductions over scalars and empty axes', () => {
      expect(() => wt.argMax(wt.scalar(1))).toThrow(/argMax: expected a tensor of rank >= 1, got a scalar/);
      expect(() => wt.softmax(wt.scalar(1))).toThrow(/softmax: expected a tensor of rank >= 1/);
      expect(() => wt.max(wt.zeros([0, 2]), 0)).toThrow(/max: cannot reduce over an empty axis of \[0,2\]/);
      expect(() => wt.mean(wt.zeros([0]))).toThrow(/mean: cannot average over an empty axis/);
    });
  });

  describe('disposed tensors, backends, tidy, grad', () => {
    it('using a disposed tensor', async () => {
      const a = wt.ones([2, 2]);
      a.dispose();
      expect(() => a.add(1)).toThrow(/tensor #\d+ \[2,2\] was disposed and can no longer be used/);
      expect(() => wt.matmul(a, a)).toThrow(/was disposed/);
      expect(() => wt.concat([wt.ones([2, 2]), a])).toThrow(/was disposed/);
      expect(() => a.reshape([4])).toThrow(/was disposed/);
      expect(() => wt.grad((x: wt.Tensor) => x.sum())(a)).toThrow(/was disposed/);
      await expect(a.data()).rejects.toThrow(/was disposed/);
      await expect(a.array()).rejects.toThrow(/was disposed/);
      expect(String(a)).toMatch(/disposed/);
    });
    it('unknown backend names', async () => {
      await expect(wt.setBackend(bad('foo'))).rejects.toThrow(/setBackend: unknown backend 'foo' \(expected one of webgpu, wasm, gpujs, cpu\)/);
      await expect(wt.setBackend(bad(undefined))).rejects.toThrow(/setBackend: unknown backend 'undefined'/);
      await expect(wt.init(bad(['nope']))).rejects.toThrow(/init: no backend could start: nope: setBackend: unknown backend 'nope'/);
      expect(wt.getBackend()).toBe(backend);
    });
    it('tidy with a non-function or an async function', () => {
      expect(() => wt.tidy(bad(42))).toThrow(/tidy: expected a function, got number/);
      expect(() => wt.tidy('name', bad(null))).toThrow(/tidy: expected a function, got object/);
      expect(() => wt.tidy(async () => 1)).toThrow(/tidy: the function returned a Promise; tidy scopes must be synchronous/);
    });
    it('grad and valueAndGrad misuse', () => {
      const x = wt.tensor([1, 2]);
      expect(() => wt.grad(bad(5))).toThrow(/valueAndGrad: expected a function, got number/);
      expect(() => wt.grad((t: wt.Tensor) => t)(bad([1, 2]))).toThrow(/valueAndGrad: argument 0 must be a Tensor, got number/);
      expect(() => wt.grad((t: wt.Tensor) => t.sum())(wt.tensor([1], [1], 'int32'))).toThrow(/can only differentiate with respect to float32 tensors, argument 0 is int32/);
      expect(() => wt.grad(bad(() => 3))(x)).toThrow(/valueAndGrad: f must return a Tensor, got number/);
      expect(() => wt.grad((t: wt.Tensor) => t.mul(2))(x, wt.ones([3]))).toThrow(/valueAndGrad: dy \[3\] must match f's output \[2\]/);
      // Nested gradients are supported (test/grad-higher.test.ts): the gradient of a constant gradient is zero.
      expect(wt.grad((t: wt.Tensor) => wt.grad((u: wt.Tensor) => u.sum())(t).sum())(x).dataSync()).toEqual(new Float32Array([0, 0]));
    });
    it('errors inside tidy or grad leave the engine usable', async () => {
      const before = wt.memory().numTensors;
      expect(() => wt.tidy(() => wt.ones([2]).matmul(wt.ones([3, 3])))).toThrow(/matmul/);
      expect(() => wt.grad((t: wt.Tensor) => t.reshape([5]).sum())(wt.ones([2]))).toThrow(/reshape/);
      expect(wt.memory().numTensors).toBe(before + 1);
      // the tape was cleared: a new grad works
      const g = wt.grad((t: wt.Tensor) => t.square().sum())(wt.tensor([3]));
      expect(await g.array()).toEqual([6]);
    });
  });
});

describe('conv2d and pooling', () => {
  it('name the op and the shapes, and leave no tensor behind', () => {
    const x = wt.zeros([1, 5, 5, 3]);
    const f = wt.zeros([3, 3, 4, 2]);
    const f3 = wt.zeros([3, 3, 3, 2]);
    const big = wt.zeros([6, 2, 3, 1]);
    const arr = [[[[1]]]];
    const before = wt.memory();
    expect(() => wt.conv2d(x, f, 1, 'valid')).toThrow(/conv2d: x \[1,5,5,3\] has 3 input channels but filter \[3,3,4,2\] expects 4/);
    expect(() => wt.conv2d(x, big, 1, 'valid')).toThrow(/conv2d: the kernel height 6 is bigger than the input height 5 with pad 'valid'/);
    expect(() => wt.conv2d(x, wt.zeros([3, 3, 3, 1]).slice(0, 1), 1, 'valid', 'NHWC', 3)).toThrow(/conv2d/);
    expect(() => wt.conv2d(x, f3, 1, 'valid', 'NHWC', 3)).toThrow(/conv2d: the kernel height 3 \(7 dilated\) is bigger than the input height 5/);
    expect(() => wt.conv2d(x, f3, 0, 'same')).toThrow(/conv2d: strides must be a positive integer or a pair of them \[height, width\], got 0/);
    expect(() => wt.conv2d(x, f3, [1, -2], 'same')).toThrow(/conv2d: strides .* got \[1,-2\]/);
    expect(() => wt.conv2d(x, f3, 1.5, 'same')).toThrow(/conv2d: strides/);
    expect(() => wt.conv2d(x, f3, 1, 'same', 'NHWC', 0)).toThrow(/conv2d: dilations must be a positive integer/);
    expect(() => wt.conv2d(x, f3, 1, bad('full'))).toThrow(/conv2d: pad must be 'valid', 'same', .* got "full"/);
    expect(() => wt.conv2d(x, f3, 1, [[1, 1], [1, 1], [1, 1], [0, 0]])).toThrow(/conv2d: pad must be/);
    expect(() => wt.conv2d(x, f3, 1, 'same', bad('NCWH'))).toThrow(/conv2d: dataFormat must be 'NHWC' or 'NCHW', got "NCWH"/);
    expect(() => wt.conv2d(wt.zeros([5, 5]), f3, 1, 'same')).toThrow(/conv2d: x must be of rank 3 or 4 .*got rank 2 \[5,5\]/);
    expect(() => wt.conv2d(x, wt.zeros([3, 3, 3]), 1, 'same')).toThrow(/conv2d: filter must be of rank 4 .*got rank 3 \[3,3,3\]/);
    expect(() => wt.fused.conv2d({ x, filter: f3, strides: 1, pad: 'same', bias: wt.zeros([3]) })).toThrow(/conv2d: bias must have one value per output channel \(\[2\]\), got \[3\]/);
    expect(() => wt.fused.conv2d({ x, filter: f3, strides: 1, pad: 'same', activation: bad('swish') })).toThrow(/conv2d: unknown activation 'swish'/);
    expect(() => wt.conv2d(wt.zeros([1, 5, 5, 3], 'int32'), f3, 1, 'same')).toThrow(/conv2d: expected a float32 tensor, got int32/);
    expect(wt.memory().numTensors).toBe(before.numTensors + 6); // only the six tensors made above as arguments
    const mid = wt.memory();
    // array arguments are checked before they become tensors
    expect(() => wt.conv2d(arr, [[[1, 2]]], 1, 'valid')).toThrow(/conv2d: filter must be of rank 4/);
    expect(() => wt.conv2d([[[1]]], [[[[1]], [[1]]]], 1, 'valid')).toThrow(/conv2d: the kernel width 2 is bigger than the input width 1/);
    expect(() => wt.maxPool(arr, 2, 1, 'valid')).toThrow(/maxPool: the kernel height 2 is bigger than the input height 1 with pad 'valid'/);
    expect(() => wt.avgPool([[1, 2]], 1, 1, 'valid')).toThrow(/avgPool: x must be of rank 3 or 4/);
    expect(() => wt.maxPool(x, 0, 1, 'valid')).toThrow(/maxPool: filterSize must be a positive integer/);
    expect(() => wt.avgPool(x, 2, [2, 0], 'same')).toThrow(/avgPool: strides must be a positive integer or a pair/);
    expect(wt.memory().numTensors).toBe(mid.numTensors);
    expect(wt.memory().numBytes).toBe(mid.numBytes);
  });
});
