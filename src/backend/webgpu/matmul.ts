/**
 * Planning the matmul kernel (shaders/matmul.wgsl): tile sizes from the problem's shape and the
 * adapter's limits, vec4 bindings where the contiguous dims allow, batches split across grids.
 */
import type { KernelAttrs } from '../backend.js';
import { type GpuHandle, type KernelContext, Words } from './plan.js';

export interface MatmulTiles {
  BM: number;
  BN: number;
  BK: number;
}

/**
 * Each invocation computes a 4x4 block, so a BM x BN tile takes (BM/4)(BN/4) invocations, and the
 * staged A and B tiles take 4 * BK * (BM + BN) bytes of workgroup memory. 64 x 64 (256 invocations,
 * 8 KiB at BK = 16) suits large problems on any adapter that allows it; a side of 32 avoids
 * computing mostly padding when that side of the output is small.
 */
export function chooseTiles(m: number, n: number, limits: KernelContext['limits']): MatmulTiles {
  const BK = 16;
  const fits = (bm: number, bn: number): boolean =>
    (bm / 4) * (bn / 4) <= limits.maxComputeInvocationsPerWorkgroup &&
    bn / 4 <= limits.maxComputeWorkgroupSizeX && bm / 4 <= limits.maxComputeWorkgroupSizeY &&
    4 * BK * (bm + bn) <= limits.maxComputeWorkgroupStorageSize;
  let BM = m <= 32 ? 32 : 64;
  let BN = n <= 32 ? 32 : 64;
  if (!fits(BM, BN)) BM = BN = 32;
  if (!fits(BM, BN)) BM = BN = 16;
  return { BM, BN, BK };
}

export function matmulKernel(ctx: KernelContext, inputs: readonly GpuHandle[], out: GpuHandle, at: KernelAttrs['matmul']): void {
  const { m, n, k, batch, transposeA: tA, transposeB: tB } = at;
  const { BM, BN, BK } = chooseTiles(m, n, ctx.limits);
  // vec4 along the contiguous dim of each operand (also keeps every batch offset a multiple of 4)
  const vecA = tA ? m % 4 === 0 : k % 4 === 0;
  const vecB = tB ? k % 4 === 0 : n % 4 === 0;
  const vecC = n % 4 === 0;
  const defines = {
    BM, BN, BK, WGX: BN / 4, WGY: BM / 4, AS_LEN: (BK * BM) / 4, BS_LEN: (BK * BN) / 4,
    TRANS_A: tA, TRANS_B: tB, VEC_A: vecA, VEC_B: vecB, VEC_C: vecC,
    A_T: vecA ? 'vec4<f32>' : 'f32', B_T: vecB ? 'vec4<f32>' : 'f32', C_T: vecC ? 'vec4<f32>' : 'f32',
    BIAS: at.bias, C_BINDING: at.bias ? 4 : 3, [`ACT_${at.activation}`]: true,
  };
  const maxDim = ctx.limits.maxComputeWorkgroupsPerDimension;
  const gx = Math.ceil(n / BN);
  const gy = Math.ceil(m / BM);
  if (gx > maxDim || gy > maxDim) {
    throw new Error(`matmul: output ${m}x${n} needs a ${gy}x${gx} grid of tiles, beyond this adapter's maxComputeWorkgroupsPerDimension (${maxDim})`);
  }
  for (let b0 = 0; b0 < batch; b0 += maxDim) {
    const nb = Math.min(maxDim, batch - b0);
    const params = new Words().u(m, n, k, at.aBatched ? m * k : 0, at.bBatched ? k * n : 0, b0).f(at.alpha).done();
    ctx.dispatch('matmul', 'matmul', defines, params, inputs, [out], [gx, gy, nb]);
  }
}
