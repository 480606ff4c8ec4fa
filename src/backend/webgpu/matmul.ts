/**
 * Planning the matmul kernels: shaders/matmul.wgsl (GPUs: tile sizes from the problem's shape and the
 * adapter's limits, vec4 bindings where the contiguous dims allow), and for adapters that run shaders
 * on the CPU matmul_quad.wgsl (with subgroups) or matmul_direct.wgsl; batches split across grids.
 */
import type { KernelAttrs } from '../backend.js';
import { type GpuHandle, type KernelContext, Words, nextPow2 } from './plan.js';

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

/**
 * 'tiled' stages tiles in workgroup memory (real GPUs); 'direct' reads storage straight into registers
 * (CPU adapters); 'quad' is 'direct' with each quad's rows shared through quadBroadcast (CPU adapters
 * with the 'subgroups' feature; falls back to 'direct' without it).
 */
export type MatmulStrategy = 'tiled' | 'direct' | 'quad';

export function matmulKernel(ctx: KernelContext, inputs: readonly GpuHandle[], out: GpuHandle, at: KernelAttrs['matmul']): void {
  const { m, n, k, batch, transposeA: tA, transposeB: tB } = at;
  const quad = ctx.matmulStrategy === 'quad' && ctx.subgroups;
  const direct = quad || ctx.matmulStrategy !== 'tiled';
  let defines: Record<string, string | number | boolean>;
  let gx: number, gy: number;
  // vec4 along the contiguous dim of each operand (this also keeps every batch offset a multiple of 4)
  const vecA = !direct && (tA ? m % 4 === 0 : k % 4 === 0);
  const vecB = !direct && (tB ? k % 4 === 0 : n % 4 === 0);
  const vecC = !direct && n % 4 === 0; // the direct kernels store C element by element
  const common = {
    TRANS_A: tA, TRANS_B: tB, VEC_A: vecA, VEC_B: vecB, VEC_C: vecC,
    A_T: vecA ? 'vec4<f32>' : 'f32', B_T: vecB ? 'vec4<f32>' : 'f32', C_T: vecC ? 'vec4<f32>' : 'f32',
    BIAS: at.bias, C_BINDING: at.bias ? 4 : 3, [`ACT_${at.activation}`]: true,
  };
  if (quad) {
    // 16x8 outputs per invocation, a quad = 4 neighbours along x; at most 64 invocations, enough
    // columns per row of the workgroup for whole quads, no more rows than the output has
    const WGX = Math.max(4, Math.min(8, nextPow2(Math.ceil(n / 8))));
    const WGY = Math.min(64 / WGX, nextPow2(Math.ceil(m / 16)));
    defines = { ...common, WGX, WGY };
    gx = Math.ceil(n / 8 / WGX);
    gy = Math.ceil(m / 16 / WGY);
  } else if (direct) {
    // 8x8 outputs per invocation; 64 invocations, fewer along a narrow output's columns
    const WGX = Math.min(8, nextPow2(Math.ceil(n / 8))), WGY = 64 / WGX;
    defines = { ...common, WGX, WGY };
    gx = Math.ceil(n / 8 / WGX);
    gy = Math.ceil(m / 8 / WGY);
  } else {
    const { BM, BN, BK } = chooseTiles(m, n, ctx.limits);
    defines = { ...common, BM, BN, BK, WGX: BN / 4, WGY: BM / 4, AS_LEN: (BK * BM) / 4, BS_LEN: (BK * BN) / 4 };
    gx = Math.ceil(n / BN);
    gy = Math.ceil(m / BM);
  }
  const maxDim = ctx.limits.maxComputeWorkgroupsPerDimension;
  if (gx > maxDim || gy > maxDim) {
    throw new Error(`matmul: output ${m}x${n} needs a ${gy}x${gx} grid of workgroups, beyond this adapter's maxComputeWorkgroupsPerDimension (${maxDim})`);
  }
  for (let b0 = 0; b0 < batch; b0 += maxDim) {
    const nb = Math.min(maxDim, batch - b0);
    const params = new Words().u(m, n, k, at.aBatched ? m * k : 0, at.bBatched ? k * n : 0, b0).f(at.alpha).done();
    ctx.dispatch('matmul', quad ? 'matmul_quad' : direct ? 'matmul_direct' : 'matmul', defines, params, inputs, [out], [gx, gy, nb]);
  }
}
