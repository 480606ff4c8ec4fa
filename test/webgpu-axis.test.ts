// The webgpu axis kernels (reduce, softmax, softmaxGrad) in both of their layouts, the one for GPUs
// (many invocations per line meeting in a workgroup tree, two-pass reductions) and the one for CPU
// adapters (one invocation per line, no barriers), against the cpu reference: every axis, odd and
// vec4-friendly sizes, few and many lines, long lines that split, large logits, ties and NaN.
// Also the index-walking kernels (broadcasting binary, strided) at every rank left after merging
// dims, unrolled (up to 8) and looped (above).
import { describe, it, expect } from 'vitest';
import * as wt from '../src/index.js';
import { engine } from '../src/engine.js';
import { WebGPUBackend } from '../src/backend/webgpu/index.js';
import { availability } from './backends.js';

const { names } = await availability();

/** Deterministic values in [-scale, scale) (no RNG kernel involved). */
function values(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

type Case = { name: string; tol: number };

/** [shape, axis] pairs: rows and columns, vec4 and odd sizes, few lines with long runs (splits). */
const SHAPES: [number[], number][] = [
  [[7, 13], 1], [[7, 13], 0], [[8, 12], 1], [[8, 12], 0], [[3, 5, 8], 1], [[3, 8, 5], 2],
  [[1, 5003], 1], [[1, 20000], 1], [[20000], 0], [[2, 6000], 1], [[9000, 3], 0], [[4100, 8], 0],
  [[40, 1000], 1], [[1000, 40], 0], [[256, 100], 1], [[2, 3, 4097], 2], [[5, 1], 1], [[1, 1], 0],
];

const CASES: Case[] = [
  { name: 'sum', tol: 1e-4 },
  { name: 'max', tol: 0 },
  { name: 'min', tol: 0 },
  { name: 'argMax', tol: 0 },
  { name: 'softmax', tol: 1e-5 },
  { name: 'logSoftmax', tol: 1e-5 },
  { name: 'softmaxGrad', tol: 1e-5 },
];

async function evaluate(backend: 'cpu' | 'webgpu', shape: number[], axis: number, c: Case, scale: number, seed: number): Promise<Float32Array | Int32Array> {
  await wt.setBackend(backend);
  const n = shape.reduce((a, b) => a * b, 1);
  const t = wt.tidy(() => axisOp(c, wt.tensor(values(n, seed, scale), shape), wt.tensor(values(n, seed + 1), shape), axis));
  try {
    return (await t.data()) as Float32Array | Int32Array;
  } finally {
    t.dispose();
  }
}

function axisOp(c: Case, x: wt.Tensor, y: wt.Tensor, axis: number): wt.Tensor {
  switch (c.name) {
    case 'sum': return wt.sum(x, axis);
    case 'max': return wt.max(x, axis);
    case 'min': return wt.min(x, axis);
    case 'argMax': return wt.argMax(x, axis);
    case 'softmax': return wt.softmax(x, axis);
    case 'logSoftmax': return wt.logSoftmax(x, axis);
    default: return wt.softmaxGrad(y, wt.softmax(x, axis), axis);
  }
}

function compare(got: Float32Array | Int32Array, want: Float32Array | Int32Array, tol: number): string | null {
  if (got.length !== want.length) return `${got.length} values, expected ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!, b = want[i]!;
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (!(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)))) return `[${i}] = ${a}, cpu ${b}`;
  }
  return null;
}

describe('webgpu axis kernels', () => {
  if (!names.includes('webgpu')) {
    it('has no adapter here', () => expect(names).not.toContain('webgpu'));
    return;
  }
  it.each(['gpu', 'cpu'] as const)('layouts tuned for %s agree with the cpu reference on every shape and axis', async (tuneFor) => {
    engine.instances.get('webgpu')?.dispose();
    engine.instances.delete('webgpu');
    wt.registerBackend('webgpu', async () => new WebGPUBackend({ tuneFor, maxWorkgroupsPerDimension: 50 }));
    const failed: string[] = [];
    let seed = 1;
    for (const [shape, axis] of SHAPES) {
      for (const c of CASES) {
        const scale = c.name.includes('oftmax') ? 30 : 1; // logits far from 0
        seed += 2;
        const want = await evaluate('cpu', shape, axis, c, scale, seed);
        const got = await evaluate('webgpu', shape, axis, c, scale, seed);
        const err = compare(got, want, c.tol);
        if (err) failed.push(`${c.name} [${shape}] axis ${axis}: ${err}`);
      }
    }
    await wt.setBackend('cpu');
    expect(failed).toEqual([]);
  });

  it.each(['gpu', 'cpu'] as const)('%s layouts: argMax keeps the first of tied maxima across vec4 lanes and pieces; NaN wins', async (tuneFor) => {
    engine.instances.get('webgpu')?.dispose();
    engine.instances.delete('webgpu');
    wt.registerBackend('webgpu', async () => new WebGPUBackend({ tuneFor }));
    await wt.setBackend('webgpu');
    const n = 30000;
    const data = new Float32Array(n).fill(-5);
    for (const i of [7001, 9, 22222, 29999]) data[i] = 3; // first tie at 9
    const rows = new Float32Array(8 * 4).fill(1); // every element tied: index 0
    rows[4 + 2] = Number.NaN; // NaN wins in row 1
    const x = wt.tensor(data);
    const r = wt.tensor(rows, [8, 4]);
    const whole = wt.argMax(x, 0), mx = wt.max(x, 0), perRow = wt.argMax(r, 1), perCol = wt.argMax(r, 0);
    expect(Array.from(await whole.data())).toEqual([9]);
    expect(Array.from(await mx.data())).toEqual([3]);
    expect(Array.from(await perRow.data())).toEqual([0, 2, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(await perCol.data())).toEqual([0, 0, 1, 0]);
    for (const t of [x, r, whole, mx, perRow, perCol]) t.dispose();
    await wt.setBackend('cpu');
  });

  it('softmax of rows holding -Infinity and huge logits stays finite where the reference is', async () => {
    engine.instances.get('webgpu')?.dispose();
    engine.instances.delete('webgpu');
    wt.registerBackend('webgpu', async () => new WebGPUBackend());
    const data = [-Infinity, 0, 1e30, -1e30, -Infinity, -Infinity, 5, 5];
    const got: number[][] = [];
    for (const b of ['cpu', 'webgpu'] as const) {
      await wt.setBackend(b);
      const y = wt.softmax(wt.tensor(data, [2, 4]), 1);
      got.push(Array.from(await y.data()));
      y.dispose();
    }
    await wt.setBackend('cpu');
    expect(got[1]!.every(Number.isFinite)).toBe(true);
    for (let i = 0; i < data.length; i++) expect(Math.abs(got[1]![i]! - got[0]![i]!)).toBeLessThanOrEqual(1e-6);
  });

  it('broadcasting binary ops and transposes agree with the cpu reference at merged ranks 1 to 9', async () => {
    engine.instances.get('webgpu')?.dispose();
    engine.instances.delete('webgpu');
    wt.registerBackend('webgpu', async () => new WebGPUBackend());
    const failed: string[] = [];
    for (let rank = 1; rank <= 9; rank++) {
      // Alternating broadcast dims cannot merge, so the kernel sees the full rank.
      const a = Array.from({ length: rank }, (_, i) => (i % 2 ? 1 : 2 + (i % 3)));
      const b = Array.from({ length: rank }, (_, i) => (i % 2 ? 3 : 1));
      const perm = Array.from({ length: rank }, (_, i) => rank - 1 - i);
      const run = async (backend: 'cpu' | 'webgpu'): Promise<number[][]> => {
        await wt.setBackend(backend);
        const ts = wt.tidy(() => {
          const x = wt.tensor(values(a.reduce((p, q) => p * q, 1), rank), a);
          const y = wt.tensor(values(b.reduce((p, q) => p * q, 1), rank + 50), b);
          const s = wt.sub(x, y);
          return [s, wt.transpose(s, perm), wt.maximum(y, x)];
        });
        const out = [];
        for (const t of ts) out.push(Array.from(await t.data()));
        wt.dispose(ts);
        return out;
      };
      const want = await run('cpu');
      const got = await run('webgpu');
      want.forEach((w, k) => {
        const err = compare(Float32Array.from(got[k]!), Float32Array.from(w), 1e-6);
        if (err) failed.push(`rank ${rank} output ${k}: ${err}`);
      });
    }
    await wt.setBackend('cpu');
    expect(failed).toEqual([]);
  });

  it('vec4 broadcasting (rows walked, columns splatted) agrees with the cpu reference', async () => {
    const pairs: [number[], number[]][] = [[[5, 8], [8]], [[8, 1], [8, 12]], [[2, 3, 8], [3, 1]], [[4], [3, 4]], [[6, 4], [1, 1]], [[2, 1, 12], [2, 5, 1]]];
    const run = async (backend: 'cpu' | 'webgpu'): Promise<number[][]> => {
      await wt.setBackend(backend);
      const out: number[][] = [];
      for (const [sa, sb] of pairs) {
        const t = wt.tidy(() => wt.div(wt.tensor(values(sa.reduce((p, q) => p * q, 1), 7), sa), wt.add(wt.tensor(values(sb.reduce((p, q) => p * q, 1), 8), sb), 2)));
        out.push(Array.from(await t.data()));
        t.dispose();
      }
      return out;
    };
    const want = await run('cpu');
    const got = await run('webgpu');
    await wt.setBackend('cpu');
    want.forEach((w, k) => expect(compare(Float32Array.from(got[k]!), Float32Array.from(w), 1e-6), `${pairs[k]![0]} / ${pairs[k]![1]}`).toBeNull());
  });
});
