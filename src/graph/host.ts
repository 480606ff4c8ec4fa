/**
 * Host constants: making tensors of them, reading them as numbers, and folding an op whose inputs
 * are all constants by running it on the cpu backend (whose buffers can be read synchronously), so
 * that shape arithmetic (Shape -> Gather -> Concat -> Reshape) and constant subgraphs need no
 * second implementation of any op.
 */
import type { CpuHandle } from '../backend/cpu/index.js';
import { engine } from '../engine.js';
import { Tensor } from '../tensor.js';
import { tensor } from '../ops/creation.js';
import { fmt } from '../shape.js';
import type { HostDType, HostTensor, Value } from './types.js';
import { isHost } from './types.js';

export function host(dtype: HostDType, shape: readonly number[], data: HostTensor['data']): HostTensor {
  return { kind: 'host', dtype, shape: shape.slice(), data };
}

/** A host int32 vector (shapes, axes). */
export function hostInts(values: readonly number[]): HostTensor {
  return host('int32', [values.length], Int32Array.from(values));
}

/** The values as plain numbers (int64 exact to 2^53). */
export function numbers(h: HostTensor): number[] {
  return Array.from(h.data as ArrayLike<number>);
}

/**
 * A tensor on the active backend holding a host constant: int64 becomes int32 where every value
 * fits, and an Error naming the value otherwise; bool becomes a float32 mask of 0 and 1, as the
 * comparison ops give.
 */
export function toDevice(h: HostTensor, what: string): Tensor {
  if (h.dtype === 'float32') return tensor(h.data as Float32Array, h.shape);
  if (h.dtype === 'bool') return tensor(Float32Array.from(h.data as Uint8Array), h.shape);
  if (h.dtype === 'int32') return tensor(h.data as Int32Array, h.shape, 'int32');
  const d = h.data;
  const out = new Int32Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v !== (v | 0)) throw new Error(`onnx: int64 value ${v} at index ${i} of ${what} ${fmt(h.shape)} does not fit int32, which is how int64 tensors are held`);
    out[i] = v;
  }
  return tensor(out, h.shape, 'int32');
}

/** The host copy of a cpu-backend tensor. */
export function fromCpu(t: Tensor): HostTensor {
  const d = (t.handle as CpuHandle).data;
  const data = d.length === t.size ? d.slice() : d.slice(0, t.size);
  return host(t.dtype, t.shape, data);
}

/** The cpu backend instance (always registered). */
function cpuBackend(): NonNullable<typeof engine.backend> {
  const cpu = engine.instances.get('cpu');
  if (!cpu) throw new Error('graph: the cpu backend is not registered');
  return cpu;
}

/**
 * Run `fn` with the cpu backend active and turn the tensors it returns into host constants; every
 * tensor it created is disposed, and the previous backend is restored, whatever happens. With
 * `capBytes`, what it may allocate is capped (a hostile file's constants cannot take the memory).
 */
export function foldOnCpu(fn: () => (Value | undefined)[], capBytes?: number): (HostTensor | undefined)[] {
  const saved = engine.backend;
  const savedTape = engine.tape;
  const savedCap = engine.memoryLimit;
  if (capBytes !== undefined) engine.memoryLimit = Math.min(savedCap ?? Infinity, engine.numBytes + capBytes);
  engine.backend = cpuBackend();
  engine.tape = null;
  engine.scopes.push(new Set());
  try {
    return fn().map((v) => (v === undefined ? undefined : isHost(v) ? v : fromCpu(v)));
  } finally {
    const scope = engine.scopes.pop()!;
    for (const t of scope) if (!t.kept) t.dispose();
    engine.backend = saved;
    engine.tape = savedTape;
    engine.memoryLimit = savedCap;
  }
}

export function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}
