/** Memory management: tidy scopes, keep, dispose and the accounting behind wt.memory(). */
import { engine, activeBackend } from './engine.js';
import { Tensor } from './tensor.js';

/** Collect every Tensor reachable in a (nested) result of arrays and plain objects. */
function collect(x: unknown, out: Set<Tensor>, seen = new Set<unknown>()): void {
  if (x instanceof Tensor) { out.add(x); return; }
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (Array.isArray(x)) for (const v of x) collect(v, out, seen);
  else if (Object.getPrototypeOf(x) === Object.prototype || x instanceof Map) {
    for (const v of x instanceof Map ? x.values() : Object.values(x)) collect(v, out, seen);
  }
}

export function startScope(): void {
  engine.scopes.push(new Set());
}

/** Close the innermost scope: dispose what it created except `result`'s tensors, kept ones and those a live tape still needs. */
export function endScope(result?: unknown): void {
  const scope = engine.scopes.pop();
  if (!scope) throw new Error('endScope: no scope is open');
  const keepSet = new Set<Tensor>();
  collect(result, keepSet);
  const parent = engine.scopes[engine.scopes.length - 1];
  for (const t of scope) {
    if (t.isDisposed) continue;
    if (keepSet.has(t) || t.onTape) parent?.add(t);
    else if (!t.kept) t.dispose();
  }
}

/**
 * Run `fn` and dispose every tensor it created except those it returns (anywhere in arrays or
 * plain objects) and those passed to `keep`. Async functions are not allowed: a scope cannot span an await.
 */
export function tidy<T>(fn: () => T): T;
export function tidy<T>(name: string, fn: () => T): T;
export function tidy<T>(a: string | (() => T), b?: () => T): T {
  const fn = typeof a === 'function' ? a : b;
  if (typeof fn !== 'function') throw new Error('tidy: expected a function, got ' + typeof (typeof a === 'string' ? b : a));
  startScope();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    endScope();
    throw e;
  }
  if (result instanceof Promise) {
    endScope();
    throw new Error('tidy: the function returned a Promise; tidy scopes must be synchronous');
  }
  endScope(result);
  return result;
}

/** Exempt a tensor from disposal by any enclosing tidy. */
export function keep<T extends Tensor>(t: T): T {
  t.kept = true;
  return t;
}

/** Dispose tensors found anywhere in `x` (a tensor, arrays, plain objects). */
export function dispose(x: unknown): void {
  const s = new Set<Tensor>();
  collect(x, s);
  for (const t of s) t.dispose();
}

/** What wt.memory() returns. */
export interface MemoryInfo {
  /** Tensors not yet disposed, on every backend. */
  numTensors: number;
  /** Bytes their buffers hold (views of one buffer count once). */
  numBytes: number;
  /** Backend buffers behind them (TensorFlow.js's field: views of one buffer share it). */
  numDataBuffers: number;
  /** TensorFlow.js's field: false, the figures are exact here. */
  unreliable: boolean;
  /** The active backend's name. */
  backend: string;
  /** The active backend's own figures, such as a GPU buffer pool's bytes. */
  [key: string]: number | string | boolean;
}

/** Live tensors and their bytes across all backends, plus the active backend's own figures. */
export function memory(): MemoryInfo {
  const b = engine.backend ?? engine.instances.get('cpu');
  return { numTensors: engine.numTensors, numBytes: engine.numBytes, numDataBuffers: engine.numBuffers, unreliable: false, backend: b?.name ?? 'none', ...(b ? b.memory() : {}) };
}

void activeBackend;
