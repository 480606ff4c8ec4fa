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
});
