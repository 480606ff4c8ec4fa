/**
 * Runs one conformance case on a backend and on the cpu reference and compares the results.
 * Framework-agnostic (vitest in Node, a plain script in Deno): it gets the library as an argument.
 */
import type { Case, Tensor, Wt } from './cases.ts';

export interface Result {
  name: string;
  ok: boolean;
  /** the largest |got - want| / max(1, |want|) over all outputs */
  worst: number;
  message: string;
}

interface Out {
  shape: readonly number[];
  dtype: string;
  data: Float32Array | Int32Array;
}

function flatten(x: unknown, out: Tensor[], T: Wt['Tensor']): Tensor[] {
  if (x instanceof T) out.push(x);
  else if (Array.isArray(x)) for (const v of x) flatten(v, out, T);
  else throw new Error(`case returned ${typeof x}, expected tensors`);
  return out;
}

async function evaluate(wt: Wt, c: Case): Promise<Out[]> {
  const ts = flatten(wt.tidy(() => c.fn(wt)), [], wt.Tensor);
  try {
    const out: Out[] = [];
    for (const t of ts) out.push({ shape: t.shape, dtype: t.dtype, data: (await t.data()) as Float32Array | Int32Array });
    return out;
  } finally {
    for (const t of ts) t.dispose();
  }
}

/** Evaluate `c` on `backend` and on cpu; the case passes when every value agrees within its tolerance. */
export async function runCase(wt: Wt, c: Case, backend: string): Promise<Result> {
  await wt.setBackend('cpu');
  const want = await evaluate(wt, c);
  await wt.setBackend(backend as 'cpu');
  let got: Out[];
  try {
    got = await evaluate(wt, c);
  } finally {
    await wt.setBackend('cpu');
  }
  let worst = 0;
  const fail = (message: string): Result => ({ name: c.name, ok: false, worst, message });
  if (got.length !== want.length) return fail(`${got.length} outputs, expected ${want.length}`);
  for (let o = 0; o < want.length; o++) {
    const g = got[o]!, w = want[o]!;
    if (g.shape.join(',') !== w.shape.join(',') || g.dtype !== w.dtype) {
      return fail(`output ${o}: ${g.dtype}[${g.shape}] but cpu gives ${w.dtype}[${w.shape}]`);
    }
    for (let i = 0; i < w.data.length; i++) {
      const a = g.data[i]!, b = w.data[i]!;
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      if (a === b) continue;
      const err = Math.abs(a - b) / Math.max(1, Math.abs(b));
      if (!(err <= c.tol)) {
        worst = Number.isNaN(err) ? Infinity : err;
        return fail(`output ${o} [${w.shape}] element ${i}: got ${a}, cpu ${b} (error ${err.toExponential(2)} > tol ${c.tol})`);
      }
      worst = Math.max(worst, err);
    }
  }
  return { name: c.name, ok: true, worst, message: `max error ${worst.toExponential(2)} (tol ${c.tol})` };
}
