/**
 * Host-side planning shared by the kernels: parameter words, grid sizes that respect the adapter's
 * limits, merging contiguous dims so fewer rank variants compile, and workgroup shapes.
 */
import type { StorageDType as DType } from '../../dtype.js';

/** The GPU buffer behind a tensor. `buffer` is null once freed. */
export interface GpuHandle {
  buffer: GPUBuffer | null;
  /** elements */
  size: number;
  dtype: DType;
}

/** What kernels need from the backend: the adapter's limits and a way to record one dispatch. */
export interface KernelContext {
  readonly limits: {
    maxComputeWorkgroupsPerDimension: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeWorkgroupSizeX: number;
    maxComputeWorkgroupSizeY: number;
  };
  /** Workgroup size of 1-D kernels. */
  readonly wg: number;
  /** How matmul is computed on this adapter (see ./matmul.ts). */
  readonly matmulStrategy: 'tiled' | 'direct' | 'quad';
  /** The device has the 'subgroups' feature (WGSL `enable subgroups;`). */
  readonly subgroups: boolean;
  /**
   * The adapter runs shaders on the CPU (SwiftShader, llvmpipe): few lanes, and every workgroup
   * barrier is expensive, so kernels favour one invocation per line of work (see ./axis.ts).
   */
  readonly cpuLike: boolean;
  /** A float32 buffer of `size` elements for intermediate results; give it back with `drop`. */
  temp(size: number): GpuHandle;
  /** Free a `temp` buffer once the work recorded so far no longer needs it. */
  drop(h: GpuHandle): void;
  dispatch(kernel: import('../backend.js').KernelName, shader: string, defines: Record<string, string | number | boolean>,
    params: Uint32Array, reads: readonly GpuHandle[], writes: readonly GpuHandle[], groups: readonly [number, number, number]): void;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Parameter words: `u` for unsigned integers, `f` for float32 bit patterns. */
export class Words {
  private readonly w: number[] = [];
  u(...v: readonly number[]): this {
    for (const x of v) this.w.push(x >>> 0);
    return this;
  }
  f(...v: readonly number[]): this {
    for (const x of v) {
      f32[0] = x;
      this.w.push(u32[0]!);
    }
    return this;
  }
  done(): Uint32Array {
    return Uint32Array.from(this.w);
  }
}

/** A grid of workgroups covering `count` workgroups of 1-D work; the x side is capped, y takes the rest. */
export function grid1d(count: number, maxDim: number): [number, number, number] {
  if (count <= maxDim) return [Math.max(1, count), 1, 1];
  const y = Math.ceil(count / maxDim);
  if (y > maxDim) throw new Error(`webgpu: ${count} workgroups exceed this adapter's grid (${maxDim} x ${maxDim})`);
  return [Math.ceil(count / y), y, 1];
}

/**
 * Merge neighbouring dims that every operand walks contiguously (stride[d] = stride[d+1] * shape[d+1]),
 * and drop dims of size 1, so `[2,3,4]` with plain strides becomes one dim of 24.
 */
export function mergeDims(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * n)) {
      outShape[last]! *= n;
      strides.forEach((s, k) => { outStrides[k]![last] = s[d]!; });
    } else {
      outShape.push(n);
      strides.forEach((s, k) => outStrides[k]!.push(s[d]!));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Parameter words for the index-walking kernels (binary's strided mode, strided, pad): `head` in the first
 * vec4, then each per-dim array padded to Q vec4s (Q = 2 up to rank 8). Defines: R, Q, D1..D7 (dim d
 * exists), GENERIC above rank 8; up to rank 8 the shaders unroll the walk, reading each size at a
 * fixed place of the uniform.
 */
export function dimWords(head: readonly number[], ...perDim: (readonly number[])[]): { params: Uint32Array; defines: Record<string, number | boolean> } {
  const R = perDim[0]!.length;
  const Q = Math.max(2, Math.ceil(R / 4));
  const params = new Uint32Array(4 + 4 * Q * perDim.length);
  params.set(head.map((v) => v >>> 0));
  perDim.forEach((arr, k) => params.set(arr.map((v) => v >>> 0), 4 + 4 * Q * k));
  const defines: Record<string, number | boolean> = { R, Q, GENERIC: R > 8 };
  for (let d = 1; d < 8; d++) defines[`D${d}`] = d < R;
  return { params, defines };
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
