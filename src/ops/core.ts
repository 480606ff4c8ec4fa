/**
 * The machinery every op shares: turning inputs into tensors, running one kernel into a fresh
 * output tensor, and recording the op on the gradient tape with its backward rule.
 */
import type { Backend, KernelAttrs, KernelName } from '../backend/backend.js';
import { type DType, type TypedArray, isDType, storageOf, toStorage, toTypedArray } from '../dtype.js';
import { engine, activeBackend } from '../engine.js';
import { fmt, type Shape } from '../shape.js';
import { Tensor, type NestedArray } from '../tensor.js';

/** What ops accept where a tensor is expected: a Tensor, a number, nested number arrays or a typed array. */
export type TensorLike = Tensor | number | boolean | NestedArray | TypedArray;
/** One axis, several, or null for all of them; negative axes count from the end. */
export type Axis = number | readonly number[] | null;

/** Infer the shape of nested arrays, checking that they are rectangular and numeric. */
export function inferShape(op: string, x: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as NestedArray;
    if (cur === undefined) break;
  }
  const check = (v: NestedArray, axis: number): void => {
    if (axis === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') throw new Error(`${op}: expected a number at depth ${axis}, got ${Array.isArray(v) ? 'an array' : typeof v}`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new Error(`${op}: nested arrays are not rectangular: expected length ${shape[axis]} at depth ${axis}, got ${Array.isArray(v) ? v.length : typeof v}`);
    }
    for (const e of v) check(e, axis + 1);
  };
  check(x, 0);
  return shape;
}

/** The dtype a typed array's values become: Int32Array int32, Uint8Array bool, else float32. */
export function typedDType(x: TypedArray): DType {
  return x instanceof Int32Array ? 'int32' : x instanceof Uint8Array ? 'bool' : 'float32';
}

export function flattenNested(x: NestedArray, out: (number | boolean)[] = []): (number | boolean)[] {
  if (Array.isArray(x)) for (const v of x) flattenNested(v, out);
  else out.push(x);
  return out;
}

/** The op named in allocation errors: the caller's, else the outermost op running, else `fallback`. */
function opOf(op: string | undefined, fallback: string): string {
  return op ?? engine.opName ?? fallback;
}

/** A new tensor on `backend` holding `data` (already the right dtype and length). */
export function fromData(data: TypedArray, shape: Shape, dtype: DType, backend: Backend = activeBackend(), op?: string): Tensor {
  const t = new Tensor(shape, dtype, backend, Tensor.allocStorage(opOf(op, 'tensor'), backend, shape, dtype));
  try {
    backend.write(t.handle, toStorage(data));
  } catch (e) {
    t.dispose();
    throw e;
  }
  return t;
}

/** A new tensor on `backend` whose buffer a kernel will fill. */
export function empty(shape: Shape, dtype: DType, backend: Backend, op?: string): Tensor {
  return new Tensor(shape, dtype, backend, Tensor.allocStorage(opOf(op, 'empty'), backend, shape, dtype));
}

/**
 * Wrap an op so that a call leaves behind only what it returns. Every tensor created during the call
 * (constants made from number/array arguments, intermediates, outputs of inner ops) is disposed when
 * the outermost op returns, except the tensors of its result, kept ones and those a gradient tape
 * still needs; when the call throws, all of them are disposed before the Error propagates.
 * Allocation errors deep inside name the outermost op. This is how a composite op (conv2d, mean,
 * clip, ...) called outside tidy leaks nothing, and how wt.memory() stays exact after any failed
 * call, by construction.
 */
export function defineOp<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R {
  return (...args: A): R => {
    // One list for the outermost op and all it calls: no allocation per call.
    const created = engine.created;
    const start = created.length;
    if (engine.opDepth++ === 0) engine.opName = name;
    try {
      const result = fn(...args);
      if (engine.opDepth === 1) disposeIntermediates(created, result);
      return result;
    } catch (e) {
      for (let i = start; i < created.length; i++) created[i]!.dispose();
      created.length = start;
      throw e;
    } finally {
      if (--engine.opDepth === 0) {
        created.length = 0;
        engine.opName = null;
      }
    }
  };
}

/** Dispose what an outermost op created but does not return (nor keeps for a tape or wt.keep). */
function disposeIntermediates(created: readonly Tensor[], result: unknown): void {
  if (created.length === 0 || (created.length === 1 && created[0] === result)) return;
  const out = new Set<Tensor>();
  const walk = (x: unknown): void => {
    if (x instanceof Tensor) out.add(x);
    else if (Array.isArray(x)) x.forEach(walk);
    else if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) Object.values(x).forEach(walk);
  };
  walk(result);
  for (const t of created) if (!out.has(t) && !t.kept && !t.onTape) t.dispose();
}

/** The shape an argument will have as a tensor, without creating one (null: not a tensor-like). */
export function argShape(op: string, x: TensorLike): readonly number[] | null {
  if (x instanceof Tensor) return x.shape;
  if (typeof x === 'number') return [];
  if (typeof x === 'boolean') return [];
  if (x instanceof Float32Array || x instanceof Int32Array || x instanceof Uint8Array) return [x.length];
  return Array.isArray(x) ? inferShape(op, x) : null;
}

/** The dtype an argument will have as a tensor (`dtype` if given, as toTensor would convert it). */
export function argDType(x: TensorLike, dtype?: DType): DType {
  if (x instanceof Tensor) return x.dtype;
  if (typeof x === 'boolean') return dtype ?? 'bool';
  if (x instanceof Float32Array || x instanceof Int32Array || x instanceof Uint8Array) return dtype ?? typedDType(x);
  if (Array.isArray(x) && dtype === undefined) {
    let v: NestedArray = x;
    while (Array.isArray(v) && v.length > 0) v = v[0]!;
    if (typeof v === 'boolean') return 'bool';
  }
  return dtype ?? 'float32';
}

/**
 * Turn an op argument into a tensor on `backend` (numbers and arrays become constants there).
 * A tensor must already live on `backend`: ops never move data between backends silently.
 */
export function toTensor(op: string, x: TensorLike, backend?: Backend, dtype?: DType): Tensor {
  if (x instanceof Tensor) {
    x.liveStorage();
    if (backend && x.backend !== backend) {
      throw new Error(`${op}: tensors live on different backends (${x.backend.name} and ${backend.name}); copy one with \`await t.to('${backend.name}')\``);
    }
    return x;
  }
  const b = backend ?? activeBackend();
  if (dtype !== undefined && !isDType(dtype)) throw new Error(`${op}: unknown dtype '${String(dtype)}' (expected float32, int32 or bool)`);
  if (typeof x === 'number') return fromData(toTypedArray([x], dtype ?? 'float32'), [], dtype ?? 'float32', b);
  if (typeof x === 'boolean') return fromData(toTypedArray([x], dtype ?? 'bool'), [], dtype ?? 'bool', b);
  if (x instanceof Float32Array || x instanceof Int32Array || x instanceof Uint8Array) {
    const dt = dtype ?? typedDType(x);
    return fromData(toTypedArray(x, dt), [x.length], dt, b);
  }
  if (Array.isArray(x)) {
    const shape = inferShape(op, x);
    const flat = flattenNested(x);
    const dt = dtype ?? (flat.length > 0 && typeof flat[0] === 'boolean' ? 'bool' : 'float32');
    return fromData(toTypedArray(flat, dt), shape, dt, b);
  }
  throw new Error(`${op}: expected a Tensor, number or array, got ${x === null ? 'null' : typeof x}`);
}

/** The backend for an op: the one its tensor arguments live on (they must agree), else the active one. */
export function backendOf(op: string, args: readonly TensorLike[]): Backend {
  let b: Backend | undefined;
  for (const a of args) {
    if (a instanceof Tensor) {
      a.liveStorage();
      if (b && a.backend !== b) {
        throw new Error(`${op}: tensors live on different backends (${b.name} and ${a.backend.name}); copy one with \`await t.to('${b.name}')\``);
      }
      b = a.backend;
    }
  }
  return b ?? activeBackend();
}

/** Run one kernel on `inputs` into a new tensor of `shape`/`dtype`; if the kernel throws, the output is freed. */
export function runKernel<K extends KernelName>(
  kernel: K, inputs: readonly Tensor[], shape: Shape, dtype: DType, attrs: KernelAttrs[K], backend?: Backend, op?: string,
): Tensor {
  const b = backend ?? inputs[0]?.backend ?? activeBackend();
  // complex64 reaches kernels only as its float32 pairs (src/ops/complex.ts) and string tensors live
  // on the host (src/ops/string.ts): one pass over the inputs refuses both (complex first).
  if ((dtype as string) === 'complex64') throw complexRefused(opOf(op, kernel));
  let hasString = false;
  for (const t of inputs) {
    const d = t.dtype as string;
    if (d === 'complex64') throw complexRefused(opOf(op, kernel));
    if (d === 'string') hasString = true;
  }
  if (hasString) throw new Error(`${opOf(op, kernel)}: string tensors are not supported by ${opOf(op, kernel)} (they take reshape, expandDims, squeeze and the wt.string ops)`);
  const prof = engine.profiling;
  const bytes0 = engine.numBytes, tensors0 = engine.numTensors, t0 = prof ? performance.now() : 0;
  const out = empty(shape, dtype, b, opOf(op, kernel));
  try {
    if (out.size > 0) b.run(kernel, inputs.map((t) => t.handle), [out.handle], attrs);
  } catch (e) {
    out.dispose();
    throw e;
  }
  if (prof) {
    prof.kernels.push({
      name: engine.opName ?? op ?? kernel, kernel, inputShapes: inputs.map((t) => t.shape.slice()), outputShapes: [out.shape.slice()],
      bytesAdded: engine.numBytes - bytes0, totalBytesSnapshot: engine.numBytes, tensorsAdded: engine.numTensors - tensors0,
      totalTensorsSnapshot: engine.numTensors, kernelTimeMs: performance.now() - t0,
    });
  }
  return out;
}

/**
 * Record an op on the active tape if any of its inputs depends on a watched tensor. `backward`
 * maps dL/dy to dL/dinput for each input (null where an input gets no gradient).
 */
export function record(name: string, inputs: readonly Tensor[], output: Tensor, backward: (dy: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[]): Tensor {
  // The active tape and those of enclosing gradients (grad inside grad) each record the op if it
  // touches a tensor they watch.
  for (let tape = engine.tape; tape; tape = tape.parent ?? null) {
    if (!inputs.some((t) => tape.live.has(t.id))) continue;
    tape.live.add(output.id);
    for (const t of inputs) t.onTape = true;
    output.onTape = true;
    tape.nodes.push({ name, inputs, output, backward });
  }
  return output;
}

/**
 * True when a tape now recording watches one of `inputs`: a backward rule that runs a kernel
 * directly (not differentiable again) checks it to refuse a second-order gradient clearly.
 */
export function recording(inputs: readonly Tensor[]): boolean {
  for (let tape = engine.tape; tape; tape = tape.parent ?? null) {
    if (inputs.some((t) => tape.live.has(t.id))) return true;
  }
  return false;
}

/**
 * Run `fn` with the gradient tape paused, so that an op composed of other ops can record itself
 * once with its own backward rule (the inner ops would otherwise record their own as well).
 */
export function untaped<T>(fn: () => T): T {
  const tape = engine.tape;
  engine.tape = null;
  try {
    return fn();
  } finally {
    engine.tape = tape;
  }
}

/** The Error of an op that does not take complex64 tensors. */
export function complexRefused(op: string): Error {
  return new Error(`${op}: complex64 tensors are not supported by ${op} (complex64 takes add, sub, mul, neg, abs, real, imag, reshape, transpose, slice, concat, stack, clone, cast and the spectral ops)`);
}

export function assertFloat(op: string, t: Tensor): void {
  if (t.dtype !== 'float32') throw new Error(`${op}: expected a float32 tensor, got ${t.dtype} ${fmt(t.shape)} (use .cast('float32'))`);
}

export function checkNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`${op}: ${name} must be a number, got ${String(v)}`);
  return v;
}

export function checkInt(op: string, name: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`${op}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}
