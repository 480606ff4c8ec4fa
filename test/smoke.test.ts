import { describe, it, expect } from 'vitest';
import * as wt from '../src/index.js';

describe('smoke', () => {
  it('broadcast add', async () => {
    const a = wt.tensor([[1, 2, 3], [4, 5, 6]]);
    const b = wt.tensor([[100], [200]]);
    expect(await a.add(b).array()).toEqual([[101, 102, 103], [204, 205, 206]]);
    const [v, g] = wt.valueAndGrad((x: wt.Tensor) => x.mul(x).sum())(a);
    expect(await v.array()).toEqual(91);
    expect(await g.array()).toEqual([[2, 4, 6], [8, 10, 12]]);
    const m = wt.matmul(a, a, { transposeB: true });
    expect(await m.array()).toEqual([[14, 32], [32, 77]]);
    console.log(await wt.randn([5], { seed: 1 }).data(), await wt.softmax(wt.tensor([1000, 1001])).data());
  });
});
