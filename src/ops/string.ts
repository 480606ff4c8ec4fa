/**
 * string tensors (host-side only) and wt.string, as TensorFlow.js has it: stringNGrams,
 * stringSplit, stringToHashBucketFast (Fingerprint64 of the UTF-8 bytes, as TensorFlow's) and
 * staticRegexReplace. A string tensor keeps its values on the host; its backend buffer is a
 * one-element placeholder, so it counts in wt.memory() and is disposed like any tensor. Views
 * (reshape, expandDims, squeeze) keep the values; every kernel refuses it (core.ts runKernel).
 */
import type { Backend } from '../backend/backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { activeBackend } from '../engine.js';
import { checkShape, fmt, sizeOf, type Shape } from '../shape.js';
import { Tensor, type NestedArray, type Storage } from '../tensor.js';
import { backendOf, checkInt, defineOp, fromData, toTensor, type TensorLike } from './core.js';
import { hostValues } from './sparse.js';

const STRING = 'string' as unknown as DType;

/** A tensor of strings, held on the host. Its data() and dataSync() give the strings, as TensorFlow.js's. */
export interface StringTensor extends Tensor {
  /** The strings, row-major. */
  readonly values: readonly string[];
}

/** Nested arrays of strings, as wt.tensor takes them. */
export type StringNested = string | readonly StringNested[];

type StringTensorClass = new (shape: Shape, values: readonly string[], backend: Backend, storage?: Storage) => StringTensor;
let stringClass: StringTensorClass | null = null;

/**
 * The class, made on first use: ops load while tensor.ts is still being evaluated (tensor.ts
 * imports them for its methods), so a subclass of Tensor cannot be declared at this module's top.
 */
function classOf(): StringTensorClass {
  stringClass ??= class extends Tensor implements StringTensor {
    readonly values: readonly string[];

    constructor(shape: Shape, values: readonly string[], backend: Backend, storage?: Storage) {
      super(shape, STRING, backend, storage ?? Tensor.allocStorage('tensor', backend, [1], 'int32'));
      this.values = values;
    }

    override view(shape: Shape): Tensor {
      return new (classOf())(shape, this.values, this.backend, this.liveStorage());
    }

    override async data(): Promise<TypedArray> {
      return this.dataSync();
    }

    override dataSync(): TypedArray {
      this.liveStorage();
      return this.values.slice() as unknown as TypedArray;
    }

    override arraySync(): NestedArray {
      this.liveStorage();
      const build = (axis: number, offset: number): unknown => {
        if (axis === this.shape.length) return this.values[offset];
        const step = sizeOf(this.shape.slice(axis + 1));
        return Array.from({ length: this.shape[axis]! }, (_, i) => build(axis + 1, offset + i * step));
      };
      return build(0, 0) as NestedArray;
    }

    override async array(): Promise<NestedArray> {
      return this.arraySync();
    }
  };
  return stringClass;
}

/** @internal A new string tensor of `shape` holding `values` (row-major). */
export function newStringTensor(shape: Shape, values: readonly string[], backend: Backend): StringTensor {
  return new (classOf())(shape, values, backend);
}

/** Is `x` a string tensor? */
export function isStringTensor(x: unknown): x is StringTensor {
  return stringClass !== null && x instanceof stringClass;
}

/** Do nested arrays (or a value) hold strings? (Their first leaf decides.) */
export function holdsStrings(values: unknown): boolean {
  let v = values;
  while (Array.isArray(v) && v.length > 0) v = v[0];
  return typeof v === 'string';
}

/** @internal A string tensor from nested arrays of strings (or one string), for wt.tensor and wt.scalar. */
export function stringTensor(op: string, values: unknown, shape?: readonly number[], backend: Backend = activeBackend()): StringTensor {
  const flat: string[] = [];
  const inferred: number[] = [];
  let v = values;
  while (Array.isArray(v)) { inferred.push(v.length); v = v[0]; }
  const walk = (x: unknown, depth: number): void => {
    if (depth === inferred.length) {
      if (typeof x !== 'string') throw new Error(`${op}: expected a string at depth ${depth}, got ${Array.isArray(x) ? 'an array' : typeof x}`);
      flat.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== inferred[depth]) throw new Error(`${op}: nested arrays are not rectangular: expected length ${inferred[depth]} at depth ${depth}`);
    for (const e of x) walk(e, depth + 1);
  };
  walk(values, 0);
  const s = shape === undefined ? inferred : checkShape(op, shape);
  if (sizeOf(s) !== flat.length) throw new Error(`${op}: ${flat.length} values do not fit shape ${fmt(s)} (which holds ${sizeOf(s)})`);
  return newStringTensor(s, flat, backend);
}

/** A string-tensor argument (strings or arrays of them are converted). */
function strArg(op: string, name: string, x: unknown, backend: Backend, rank?: number): StringTensor {
  const t = isStringTensor(x) ? x : holdsStrings(x) ? stringTensor(op, x, undefined, backend) : null;
  if (!t) throw new Error(`${op}: ${name} must be a string tensor, got ${x instanceof Tensor ? `${x.dtype} ${fmt(x.shape)}` : typeof x}`);
  t.liveStorage();
  if (rank !== undefined && t.rank !== rank) throw new Error(`${op}: ${name} must have rank ${rank}, got ${fmt(t.shape)}`);
  return t;
}

/** The result of stringNGrams. */
export interface StringNGramsResult {
  /** The n-grams of every row, concatenated (string, 1-D). */
  nGrams: Tensor;
  /** [rows + 1] int32 splits of nGrams by row. */
  nGramsSplits: Tensor;
}

/**
 * The n-grams of each row of a ragged string tensor (data 1-D, dataSplits its row splits): for
 * each width in nGramWidths, the runs of that many tokens joined by separator, each row padded
 * with padWidth leftPad / rightPad tokens (-1: width - 1; capped at width - 1). With
 * preserveShortSequences, a row too short for any n-gram gives one n-gram of all its (padded) tokens.
 * @function
 */
export const stringNGrams = defineOp('stringNGrams', (data: TensorLike | readonly string[], dataSplits: TensorLike, separator: string, nGramWidths: readonly number[], leftPad: string, rightPad: string, padWidth: number, preserveShortSequences: boolean): StringNGramsResult => {
  const op = 'stringNGrams';
  const backend = backendOf(op, [dataSplits]);
  const d = strArg(op, 'data', data, backend, 1);
  // Splits given as an array are read as they are: no tensor (and no readback) needed on any backend.
  const plain = Array.isArray(dataSplits) && dataSplits.every((v) => typeof v === 'number');
  const sp = plain ? null : toTensor(op, dataSplits, backend);
  if (sp && (sp.dtype !== 'int32' || sp.rank !== 1)) throw new Error(`${op}: dataSplits must be 1-D int32, got ${sp.dtype} ${fmt(sp.shape)}`);
  if (!Array.isArray(nGramWidths) || nGramWidths.length === 0) throw new Error(`${op}: nGramWidths must be a non-empty array of integers >= 1`);
  for (const w of nGramWidths) checkInt(op, 'each of nGramWidths', w, 1);
  if (!Number.isInteger(padWidth) || padWidth < -1) throw new Error(`${op}: padWidth must be an integer >= -1, got ${padWidth}`);
  const S = sp ? hostValues(op, 'dataSplits', sp) : (dataSplits as readonly number[]);
  if (!sp && S.some((v) => !Number.isInteger(v))) throw new Error(`${op}: dataSplits must be whole numbers, got [${S.join(', ')}]`);
  const out: string[] = [];
  const splits = [0];
  for (let r = 0; r + 1 < S.length; r++) {
    const a = S[r]!, b = S[r + 1]!;
    if (a < 0 || b < a || b > d.size || (r === 0 && a !== 0)) throw new Error(`${op}: invalid split value ${b < a ? b : a > d.size || a < 0 ? a : b}, splits must rise from 0 within [0, ${d.size}]`);
    const tokens = d.values.slice(a, b);
    const before = out.length;
    for (const w of nGramWidths) {
      const pad = padWidth === -1 ? w - 1 : Math.min(padWidth, w - 1);
      const row = [...Array<string>(pad).fill(leftPad), ...tokens, ...Array<string>(pad).fill(rightPad)];
      for (let i = 0; i + w <= row.length; i++) out.push(row.slice(i, i + w).join(separator));
    }
    if (preserveShortSequences && out.length === before && tokens.length > 0) {
      const pad = padWidth === -1 ? 0 : padWidth;
      out.push([...Array<string>(pad).fill(leftPad), ...tokens, ...Array<string>(pad).fill(rightPad)].join(separator));
    }
    splits.push(out.length);
  }
  return { nGrams: newStringTensor([out.length], out, backend), nGramsSplits: fromData(Int32Array.from(splits), [splits.length], 'int32', backend) };
});

/** The result of stringSplit: a sparse [rows, longest] string tensor. */
export interface StringSplitResult {
  /** [N, 2] int32: (row, position) of each token. */
  indices: Tensor;
  /** [N] string: the tokens. */
  values: Tensor;
  /** [2] int32: rows and the longest row's token count. */
  shape: Tensor;
}

/**
 * Split each string of a 1-D string tensor at any of the characters of delimiter (an empty
 * delimiter splits into characters), as a sparse tensor; skipEmpty (default true) drops empty tokens.
 * @function
 */
export const stringSplit = defineOp('stringSplit', (input: TensorLike | readonly string[], delimiter: string, skipEmpty: boolean = true): StringSplitResult => {
  const op = 'stringSplit';
  const backend = input instanceof Tensor ? input.backend : activeBackend();
  const x = strArg(op, 'input', input, backend, 1);
  if (typeof delimiter !== 'string') throw new Error(`${op}: delimiter must be a string, got ${typeof delimiter}`);
  const idx: number[] = [], vals: string[] = [];
  let longest = 0;
  x.values.forEach((s, r) => {
    let tokens: string[];
    if (delimiter === '') tokens = [...s];
    else {
      tokens = [];
      let cur = '';
      for (const ch of s) {
        if (delimiter.includes(ch)) { tokens.push(cur); cur = ''; } else cur += ch;
      }
      tokens.push(cur);
    }
    if (skipEmpty || s === '') tokens = tokens.filter((t) => t !== '');
    tokens.forEach((t, j) => { idx.push(r, j); vals.push(t); });
    longest = Math.max(longest, tokens.length);
  });
  return {
    indices: fromData(Int32Array.from(idx), [vals.length, 2], 'int32', backend),
    values: newStringTensor([vals.length], vals, backend),
    shape: fromData(Int32Array.of(x.size, longest), [2], 'int32', backend),
  };
});

// ---- Fingerprint64 (farmhash's na Hash64), on BigInt, for stringToHashBucketFast ----
const M64 = (1n << 64n) - 1n;
const K0 = 0xc3a5c85c97cb3127n, K1 = 0xb492b66fbe98f273n, K2 = 0x9ae16a3b2f90404fn;
const u = (x: bigint): bigint => x & M64;
const mulm = (a: bigint, b: bigint): bigint => (a * b) & M64;
const rot = (v: bigint, s: bigint): bigint => (s === 0n ? v : u((v >> s) | (v << (64n - s))));
const shiftMix = (v: bigint): bigint => v ^ (v >> 47n);
function fetch64(b: Uint8Array, i: number): bigint {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[i + k]!);
  return v;
}
function fetch32(b: Uint8Array, i: number): bigint {
  return BigInt((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
}
function hashLen16(x: bigint, y: bigint, mul: bigint): bigint {
  let a = mulm(x ^ y, mul);
  a ^= a >> 47n;
  let b = mulm(y ^ a, mul);
  b ^= b >> 47n;
  return mulm(b, mul);
}
function hash0to16(s: Uint8Array, len: number): bigint {
  const L = BigInt(len);
  if (len >= 8) {
    const mul = u(K2 + L * 2n), a = u(fetch64(s, 0) + K2), b = fetch64(s, len - 8);
    return hashLen16(u(mulm(rot(b, 37n), mul) + a), mulm(u(rot(a, 25n) + b), mul), mul);
  }
  if (len >= 4) {
    const mul = u(K2 + L * 2n);
    return hashLen16(u(L + (fetch32(s, 0) << 3n)), fetch32(s, len - 4), mul);
  }
  if (len > 0) {
    const y = BigInt(s[0]! + (s[len >> 1]! << 8)), z = BigInt(len + (s[len - 1]! << 2));
    return mulm(shiftMix(mulm(y, K2) ^ mulm(z, K0)), K2);
  }
  return K2;
}
function hash17to32(s: Uint8Array, len: number): bigint {
  const mul = u(K2 + BigInt(len) * 2n);
  const a = mulm(fetch64(s, 0), K1), b = fetch64(s, 8), c = mulm(fetch64(s, len - 8), mul), d = mulm(fetch64(s, len - 16), K2);
  return hashLen16(u(rot(u(a + b), 43n) + rot(c, 30n) + d), u(a + rot(u(b + K2), 18n) + c), mul);
}
function hash33to64(s: Uint8Array, len: number): bigint {
  const mul = u(K2 + BigInt(len) * 2n);
  const a = mulm(fetch64(s, 0), K2), b = fetch64(s, 8), c = mulm(fetch64(s, len - 8), mul), d = mulm(fetch64(s, len - 16), K2);
  const y = u(rot(u(a + b), 43n) + rot(c, 30n) + d);
  const z = hashLen16(y, u(a + rot(u(b + K2), 18n) + c), mul);
  const e = mulm(fetch64(s, 16), mul), f = fetch64(s, 24);
  const g = mulm(u(y + fetch64(s, len - 32)), mul), h = mulm(u(z + fetch64(s, len - 24)), mul);
  return hashLen16(u(rot(u(e + f), 43n) + rot(g, 30n) + h), u(e + rot(u(f + a), 18n) + g), mul);
}
function weak32(s: Uint8Array, i: number, a: bigint, b: bigint): [bigint, bigint] {
  const w = fetch64(s, i), x = fetch64(s, i + 8), y = fetch64(s, i + 16), z = fetch64(s, i + 24);
  a = u(a + w);
  b = rot(u(b + a + z), 21n);
  const c = a;
  a = u(a + x + y);
  b = u(b + rot(a, 44n));
  return [u(a + z), u(b + c)];
}
/** farmhash's Fingerprint64 of bytes, the hash TensorFlow's string-to-bucket ops use. */
export function fingerprint64(s: Uint8Array): bigint {
  const len = s.length;
  if (len <= 16) return hash0to16(s, len);
  if (len <= 32) return hash17to32(s, len);
  if (len <= 64) return hash33to64(s, len);
  const seed = 81n;
  let x = seed, y = u(seed * K1 + 113n), z = mulm(shiftMix(u(mulm(y, K2) + 113n)), K2);
  let v: [bigint, bigint] = [0n, 0n], w: [bigint, bigint] = [0n, 0n];
  x = u(mulm(x, K2) + fetch64(s, 0));
  const end = Math.floor((len - 1) / 64) * 64;
  const last64 = end + ((len - 1) & 63) - 63;
  let p = 0;
  do {
    x = mulm(rot(u(x + y + v[0] + fetch64(s, p + 8)), 37n), K1);
    y = mulm(rot(u(y + v[1] + fetch64(s, p + 48)), 42n), K1);
    x ^= w[1];
    y = u(y + v[0] + fetch64(s, p + 40));
    z = mulm(rot(u(z + w[0]), 33n), K1);
    v = weak32(s, p, mulm(v[1], K1), u(x + w[0]));
    w = weak32(s, p + 32, u(z + w[1]), u(y + fetch64(s, p + 16)));
    [z, x] = [x, z];
    p += 64;
  } while (p !== end);
  const mul = u(K1 + ((z & 0xffn) << 1n));
  p = last64;
  w[0] = u(w[0] + BigInt((len - 1) & 63));
  v[0] = u(v[0] + w[0]);
  w[0] = u(w[0] + v[0]);
  x = mulm(rot(u(x + y + v[0] + fetch64(s, p + 8)), 37n), mul);
  y = mulm(rot(u(y + v[1] + fetch64(s, p + 48)), 42n), mul);
  x ^= mulm(w[1], 9n);
  y = u(y + mulm(v[0], 9n) + fetch64(s, p + 40));
  z = mulm(rot(u(z + w[0]), 33n), mul);
  v = weak32(s, p, mulm(v[1], mul), u(x + w[0]));
  w = weak32(s, p + 32, u(z + w[1]), u(y + fetch64(s, p + 16)));
  [z, x] = [x, z];
  return hashLen16(u(hashLen16(v[0], w[0], mul) + mulm(shiftMix(y), K0) + z), u(hashLen16(v[1], w[1], mul) + x), mul);
}

/**
 * Each string's bucket in [0, numBuckets): Fingerprint64 of its UTF-8 bytes mod numBuckets, as
 * TensorFlow's (so buckets agree with TensorFlow.js and TensorFlow). int32, same shape.
 * @function
 */
export const stringToHashBucketFast = defineOp('stringToHashBucketFast', (input: TensorLike | readonly string[], numBuckets: number): Tensor => {
  const op = 'stringToHashBucketFast';
  const backend = input instanceof Tensor ? input.backend : activeBackend();
  const x = strArg(op, 'input', input, backend);
  checkInt(op, 'numBuckets', numBuckets, 1);
  const enc = new TextEncoder(), n = BigInt(numBuckets);
  const out = Int32Array.from(x.values, (s) => Number(fingerprint64(enc.encode(s)) % n));
  return fromData(out, x.shape, 'int32', backend);
});

/**
 * Replace the matches of a regular expression (JavaScript syntax) in each string: all of them
 * (replaceGlobal, the default) or the first. rewrite is inserted literally. Same shape, string.
 * @function
 */
export const staticRegexReplace = defineOp('staticRegexReplace', (input: TensorLike | readonly string[], pattern: string, rewrite: string, replaceGlobal: boolean = true): Tensor => {
  const op = 'staticRegexReplace';
  const backend = input instanceof Tensor ? input.backend : activeBackend();
  const x = strArg(op, 'input', input, backend);
  if (typeof pattern !== 'string' || typeof rewrite !== 'string') throw new Error(`${op}: pattern and rewrite must be strings, got ${typeof pattern} and ${typeof rewrite}`);
  let re: RegExp;
  try {
    re = new RegExp(pattern, replaceGlobal ? 'gu' : 'u');
  } catch (e) {
    throw new Error(`${op}: invalid pattern '${pattern}': ${e instanceof Error ? e.message : String(e)}`);
  }
  return newStringTensor(x.shape, x.values.map((s) => s.replace(re, () => rewrite)), backend);
});

/** String ops, as TensorFlow.js's tf.string namespace. */
export const string = { stringNGrams, stringSplit, stringToHashBucketFast, staticRegexReplace };

