/**
 * The inputs and targets a model takes: one tensor, an array in input (output) order, or an object
 * keyed by input (output) name, as in TensorFlow.js. Each is turned into an array once, checked.
 */
import { dispose } from '../memory.js';
import * as ops from '../ops/index.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';

/** A model's inputs or targets: a tensor, one per input in order, or an object keyed by input (output) name. */
export type NamedTensors = Tensor | Tensor[] | Record<string, Tensor>;

/** One tensor per name, in the order of `names`; throws naming what is missing or extra. */
export function toList(op: string, what: string, v: unknown, names: readonly string[]): Tensor[] {
  let list: unknown[];
  if (v instanceof Tensor) list = [v];
  else if (Array.isArray(v)) list = v;
  else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => !names.includes(k));
    const missing = names.filter((k) => !(k in o));
    if (extra.length || missing.length) {
      throw new Error(`${op}: ${what} is keyed by name, expected ${names.join(', ')}${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; unknown ${extra.join(', ')}` : ''}`);
    }
    list = names.map((k) => o[k]);
  } else throw new Error(`${op}: expected ${what} as a Tensor, an array of tensors or an object of tensors keyed by name, got ${v === null ? 'null' : typeof v}`);
  if (list.length !== names.length) throw new Error(`${op}: the model has ${names.length} ${what === 'x' ? 'inputs' : 'outputs'} (${names.join(', ')}), got ${list.length} tensors for ${what}`);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${op}: ${what} for '${names[i]}' must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    if (t.rank < 1) throw new Error(`${op}: expected a batch for '${names[i]}', got a scalar`);
  });
  return list as Tensor[];
}

/** Throws unless every tensor holds the same number (> 0) of examples. */
export function checkExamples(op: string, xs: readonly Tensor[], ys: readonly Tensor[] = []): number {
  const all = [...xs, ...ys];
  const n = all[0]!.shape[0]!;
  if (all.some((t) => t.shape[0] !== n)) {
    throw new Error(`${op}: x ${xs.map((t) => fmt(t.shape)).join(', ')} and y ${ys.map((t) => fmt(t.shape)).join(', ')} must have the same number of examples (first dimension)`);
  }
  if (n === 0) throw new Error(`${op}: x has no examples`);
  return n;
}

/** Examples [start, start + size) of each tensor (the tensors themselves when that is all of them). */
export function sliceAll(ts: readonly Tensor[], start: number, size: number): Tensor[] {
  return ts.map((t) => (start === 0 && size === t.shape[0] ? t : ops.slice(t, start, size)));
}

/** The examples at `idx` of each tensor. */
export function gatherAll(ts: readonly Tensor[], idx: Tensor): Tensor[] {
  return ts.map((t) => ops.gather(t, idx));
}

/** Every tensor in a batch value (a tensor, an array or an object of them), for disposal. */
export function disposeAll(v: unknown): void {
  if (v instanceof Tensor) v.dispose();
  else if (Array.isArray(v)) dispose(v.filter((t): t is Tensor => t instanceof Tensor));
  else if (v !== null && typeof v === 'object') dispose(Object.values(v as Record<string, unknown>).filter((t): t is Tensor => t instanceof Tensor));
}
