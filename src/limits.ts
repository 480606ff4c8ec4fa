/**
 * The size check every new tensor passes before any memory is taken: the backend's limit for one
 * buffer (a typed array's, a GPU adapter's) and the user's optional cap on all live tensors.
 * Ops whose output size follows from their inputs call it before turning arguments into tensors,
 * so an oversized call fails with nothing allocated and wt.memory() unchanged.
 */
import type { Backend } from './backend/backend.js';
import { BYTES_PER_ELEMENT, lanesOf, type DType } from './dtype.js';
import { engine } from './engine.js';
import { fmt, sizeOf, type Shape } from './shape.js';

/** 40000000000 -> "40,000,000,000 bytes (37.3 GiB)". */
export function describeBytes(bytes: number): string {
  if (!Number.isSafeInteger(bytes)) return 'more than 2^53 bytes';
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let unit = '';
  for (const u of units) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  const human = unit ? ` (${Number(v.toFixed(1))} ${unit})` : '';
  return `${bytes.toLocaleString('en-US')} bytes${human}`;
}

/**
 * Throw a clear Error, naming `op`, the shape, the bytes and the limit, when a tensor of `shape`
 * cannot be allocated on `backend`; otherwise return its bytes. Nothing is allocated either way.
 */
export function checkAlloc(op: string, shape: Shape, dtype: DType, backend: Backend): number {
  const bytes = sizeOf(shape) * lanesOf(dtype) * BYTES_PER_ELEMENT;
  // Messages are built only on failure: this runs for every tensor an op creates.
  const what = (): string => `${op}: a ${dtype} tensor of shape ${fmt(shape)} needs ${describeBytes(bytes)}`;
  const limit = backend.bufferLimit();
  if (!(bytes <= limit.bytes)) {
    throw new Error(`${what()}; one ${backend.name} tensor can hold at most ${describeBytes(limit.bytes)}, ${limit.what}`);
  }
  const cap = engine.memoryLimit;
  if (cap !== null && engine.numBytes + bytes > cap) {
    throw new Error(`${what()}, which would bring live tensors to ${describeBytes(engine.numBytes + bytes)}, above the limit of ${describeBytes(cap)} set with wt.setMemoryLimit`);
  }
  return bytes;
}

/**
 * Cap the bytes of all live tensors, on every backend together (what wt.memory().numBytes counts):
 * an op that would go beyond it throws an Error naming the op, the shape and the bytes, and
 * allocates nothing. `null` removes the cap. Throws for a negative or non-numeric limit.
 */
export function setMemoryLimit(bytes: number | null): void {
  if (bytes !== null && (typeof bytes !== 'number' || !(bytes >= 0))) {
    throw new Error(`setMemoryLimit: expected a number of bytes >= 0 or null, got ${String(bytes)}`);
  }
  engine.memoryLimit = bytes;
}

/** The cap set with setMemoryLimit, or null when there is none. */
export function getMemoryLimit(): number | null {
  return engine.memoryLimit;
}
