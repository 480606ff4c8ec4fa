/**
 * The counter-based generator of ../random.ts as gpu.js source. gpu.js does `+` and `*` in float32
 * (even Math.imul, in its WebAssembly mode) and only bitwise operators in int32, so 32-bit wrapping
 * multiply and add are built from 16- and 8-bit limbs whose products stay below 2^24, where float32
 * is exact. The result is bit-identical to the cpu generator wherever gpu.js keeps float32 exact.
 */
import { hash32 } from '../random.js';

let counter = 0;
const fresh = (): string => `t${counter++}_`;

/**
 * A 32-bit value held as two float variables of 16 bits each: gpu.js declares every local as
 * float32, which holds 16-bit halves (and their sums and byte products) exactly, never 32 bits.
 */
interface U32 {
  h: string;
  l: string;
}

/** Emit statements into `out`; return x * m mod 2^32 for a 32-bit constant m. */
function mul32(out: string[], x: U32, m: number): U32 {
  const t = fresh();
  const ml0 = m & 0xff, ml1 = (m >>> 8) & 0xff, mh0 = (m >>> 16) & 0xff, mh1 = (m >>> 24) & 0xff;
  out.push(
    `const ${t}a = ${x.l} * ${ml0};`,
    `const ${t}b = ${x.l} * ${ml1};`,
    `const ${t}lo = (${t}a & 65535) + ((${t}b & 255) << 8);`,
    `const ${t}hi = (${t}a >>> 16) + (${t}b >>> 8) + (${t}lo >>> 16)`
      + ` + ((${x.h} * ${ml0}) & 65535) + (((${x.h} * ${ml1}) & 255) << 8)`
      + ` + ((${x.l} * ${mh0}) & 65535) + (((${x.l} * ${mh1}) & 255) << 8);`,
    `const ${t}h = ${t}hi & 65535;`,
    `const ${t}l = ${t}lo & 65535;`,
  );
  return { h: `${t}h`, l: `${t}l` };
}

/** x ^ (x >>> s) for s = 15 or 16. */
function xorShift(out: string[], x: U32, s: 15 | 16): U32 {
  const t = fresh();
  if (s === 16) {
    out.push(`const ${t}l = ${x.l} ^ ${x.h};`);
    return { h: x.h, l: `${t}l` };
  }
  out.push(
    `const ${t}l = ${x.l} ^ (((${x.l} >>> 15) | (${x.h} << 1)) & 65535);`,
    `const ${t}h = ${x.h} ^ (${x.h} >>> 15);`,
  );
  return { h: `${t}h`, l: `${t}l` };
}

/** hash32 (lowbias32) of x. */
function hash(out: string[], x: U32): U32 {
  x = xorShift(out, x, 16);
  x = mul32(out, x, 0x7feb352d);
  x = xorShift(out, x, 15);
  x = mul32(out, x, 0x846ca68b);
  return xorShift(out, x, 16);
}

/** bits(seed, i, s) as the top 24 bits (bits >>> 8), with the seed's key given as 16-bit halves keyHi/keyLo. */
function bits24(out: string[], s: 0 | 1): string {
  const t = fresh();
  // the counter 2i + s needs 25 bits: build it with int32 shifts, never float arithmetic
  out.push(`const ${t}cl = ((this.thread.x << 1) | ${s}) & 65535;`, `const ${t}ch = this.thread.x >>> 15;`);
  let x = hash(out, { h: `${t}ch`, l: `${t}cl` });
  out.push(
    `const ${t}lo = ${x.l} + keyLo;`,
    `const ${t}hi = ${x.h} + keyHi + (${t}lo >>> 16);`,
    `const ${t}h = ${t}hi & 65535;`,
    `const ${t}l = ${t}lo & 65535;`,
  );
  x = hash(out, { h: `${t}h`, l: `${t}l` });
  return `((${x.h} << 8) | (${x.l} >>> 8))`;
}

/**
 * cs = cos(ang) for ang in [0, 2pi) by quadrant reduction (pi/2 split in two parts) and short Taylor
 * series: WebGL's cos (SwiftShader's, at least) errs by ~4e-5 there, this by ~1e-7.
 */
const COS_REDUCED = [
  'const kq = Math.floor(ang * 0.6366197723675814 + 0.5);',
  'const rr = (ang - kq * 1.5703125) - kq * 0.00048382679489661923;',
  'const r2 = rr * rr;',
  'const cc = 1 - r2 * (0.5 - r2 * (0.041666666666666664 - r2 * (0.001388888888888889 - r2 * 0.0000248015873015873)));',
  'const ss = rr * (1 - r2 * (0.16666666666666666 - r2 * (0.008333333333333333 - r2 * (0.0001984126984126984 - r2 * 0.0000027557319223985893))));',
  'const qd = kq - Math.floor(kq * 0.25) * 4;',
  'const cs = qd === 0 ? cc : (qd === 1 ? -ss : (qd === 2 ? -cc : ss));',
];

/**
 * Source of the random kernel: arguments (keyHi, keyLo, a, b); uniform gives a + (b - a) * u,
 * normal gives a + b * z with the Box-Muller steps rounded to float32 exactly as ../random.ts does.
 */
export function randomSource(dist: 'uniform' | 'normal', reducedCos = false): string {
  counter = 0;
  const inv = '5.9604644775390625e-8'; // 2^-24
  const body: string[] = [];
  const u = bits24(body, 0);
  if (dist === 'uniform') body.push(`return a + (b - a) * (${u} * ${inv});`);
  else {
    const w = bits24(body, 1);
    body.push(
      `const u1 = Math.fround((${u} + 1) * ${inv});`,
      `const u2 = Math.fround(${w} * ${inv});`,
      'const r = Math.fround(Math.sqrt(Math.fround(-2 * Math.fround(Math.log(u1)))));',
      'const ang = Math.fround(6.2831855 * u2);',
      ...(reducedCos ? COS_REDUCED : ['const cs = Math.fround(Math.cos(ang));']),
      'return a + b * Math.fround(r * cs);',
    );
  }
  return `function(keyHi, keyLo, a, b) {\n${body.join('\n')}\n}`;
}

/** The kernel's key arguments for `seed`: the 32-bit key split into exact float halves. */
export function randomKey(seed: number): [number, number] {
  const key = hash32((seed >>> 0) ^ 0x9e3779b9);
  return [key >>> 16, key & 0xffff];
}
