/**
 * wt.linalg, as TensorFlow.js has it: bandPart, gramSchmidt and qr (Householder reflections).
 * All three are compositions of existing ops (no kernel, no readback), so they run on every backend
 * and differentiate through the composition.
 */
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { argShape, backendOf, defineOp, fromData, toTensor, type TensorLike } from './core.js';
import { div, greater, mul, sqrt, square, sub, where } from './elementwise.js';
import { concat, reshape, slice, stack } from './movement.js';
import { unstack } from './arrange.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { eye, zeros } from './creation.js';

/** A bound of bandPart: a whole number, or a scalar tensor read on the host (as TensorFlow.js reads it). */
function bound(name: string, v: number | Tensor): number {
  if (v instanceof Tensor) {
    if (v.size !== 1) throw new Error(`bandPart: ${name} must be a number or a scalar tensor, got a tensor of shape ${fmt(v.shape)}`);
    if (!v.backend.readSync) throw new Error(`bandPart: ${name} as a tensor needs a synchronous backend (${v.backend.name} is not); pass a number`);
    v = v.backend.readSync(v.handle)[0]!;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`bandPart: ${name} must be an integer, got ${String(v)}`);
  return v;
}

/**
 * Keep a band of each innermost matrix: entry (i, j) where (numLower < 0 or i - j <= numLower) and
 * (numUpper < 0 or j - i <= numUpper), zero elsewhere. bandPart(x, 0, -1) is the upper triangle,
 * bandPart(x, -1, 0) the lower, bandPart(x, 0, 0) the diagonal. The bounds may not exceed the
 * matrix's rows (numLower) or columns (numUpper).
 * @function
 */
export const bandPart = defineOp('bandPart', (a: TensorLike, numLower: number | Tensor, numUpper: number | Tensor): Tensor => {
  const backend = backendOf('bandPart', [a]);
  const s = argShape('bandPart', a);
  if (!s) throw new Error(`bandPart: expected a Tensor or array, got ${typeof a}`);
  if (s.length < 2) throw new Error(`bandPart: expected a tensor of rank >= 2, got ${fmt(s)}`);
  const lo = bound('numLower', numLower), hi = bound('numUpper', numUpper);
  const m = s[s.length - 2]!, n = s[s.length - 1]!;
  if (lo > m) throw new Error(`bandPart: numLower (${lo}) must not exceed the rows of ${fmt(s)} (${m})`);
  if (hi > n) throw new Error(`bandPart: numUpper (${hi}) must not exceed the columns of ${fmt(s)} (${n})`);
  const x = toTensor('bandPart', a, backend);
  const mask = new Uint8Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) mask[i * n + j] = (lo < 0 || i - j <= lo) && (hi < 0 || j - i <= hi) ? 1 : 0;
  }
  return where(fromData(mask, [m, n], 'bool', backend), x, 0);
});

/** The Euclidean norm of all of `x`, as a tensor. */
const norm2 = (x: Tensor): Tensor => sqrt(sum(square(x)));

/**
 * Gram-Schmidt orthonormalization of the rows of a [n, d] matrix (or of a list of [d] vectors,
 * giving a list back): each vector loses its projections on the earlier ones and is scaled to unit
 * length. Needs n <= d and linearly independent vectors (otherwise NaN, as TensorFlow.js).
 * @function
 */
export const gramSchmidt = defineOp('gramSchmidt', (xs: Tensor | readonly Tensor[]): Tensor | Tensor[] => {
  const asList = Array.isArray(xs);
  const rows: Tensor[] = asList ? (xs as readonly Tensor[]).map((t) => toTensor('gramSchmidt', t)) : [];
  if (asList) {
    if (rows.length === 0) throw new Error('gramSchmidt: expected a non-empty list of vectors');
    const d = rows[0]!.shape;
    for (const r of rows) {
      if (r.rank !== 1 || r.shape[0] !== d[0]) throw new Error(`gramSchmidt: expected vectors of one length, got ${fmt(r.shape)} beside ${fmt(d)}`);
    }
  } else {
    const x = toTensor('gramSchmidt', xs as Tensor);
    if (x.rank !== 2) throw new Error(`gramSchmidt: expected a 2-D tensor or a list of 1-D tensors, got ${fmt(x.shape)}`);
    rows.push(...unstack(x, 0));
  }
  for (const r of rows) if (r.dtype !== 'float32') throw new Error(`gramSchmidt: expected float32 vectors, got ${r.dtype}`);
  if (rows.length > rows[0]!.shape[0]!) {
    throw new Error(`gramSchmidt: ${rows.length} vectors of length ${rows[0]!.shape[0]} cannot be orthonormal (need count <= length)`);
  }
  const ys: Tensor[] = [];
  for (const r of rows) {
    let x = r;
    for (const y of ys) x = sub(x, mul(sum(mul(y, x)), y));
    ys.push(div(x, norm2(x)));
  }
  return asList ? ys : stack(ys, 0);
});

/** Householder QR of one [m, n] matrix: [q [m, m], r [m, n]]. */
function qr2d(x: Tensor): [Tensor, Tensor] {
  const [m, n] = x.shape as [number, number];
  let q: Tensor = eye(m, m, undefined, 'float32');
  let r: Tensor = x;
  // The last step of a square or wide matrix reflects a single entry (a sign flip), as TensorFlow.js's.
  for (let j = 0; j < Math.min(m, n); j++) {
    // Reflect column j below the diagonal onto alpha e1, with alpha's sign opposite the pivot's
    // (no cancellation): v = col - alpha e1, H = I - 2 v v^T / (v^T v).
    const col = slice(r, [j, j], [m - j, 1]);
    const pivot = slice(col, [0, 0], [1, 1]);
    const alpha = mul(where(greater(pivot, 0), -1, 1), norm2(col));
    const v = m - j === 1 ? sub(pivot, alpha) : concat([sub(pivot, alpha), slice(col, [1, 0], [m - j - 1, 1])], 0);
    const beta = div(2, sum(square(v)));
    const below = slice(r, [j, 0], [m - j, n]);
    const reflected = sub(below, mul(beta, matmul(v, matmul(v, below, { transposeA: true }))));
    r = j === 0 ? reflected : concat([slice(r, [0, 0], [j, n]), reflected], 0);
    const right = slice(q, [0, j], [m, m - j]);
    const qr = sub(right, mul(beta, matmul(matmul(right, v), v, { transposeB: true })));
    q = j === 0 ? qr : concat([slice(q, [0, 0], [m, j]), qr], 1);
  }
  return [q, bandPart(r, 0, -1)];
}

/**
 * QR decomposition of each innermost [m, n] matrix by Householder reflections: x = q r with q
 * orthogonal and r upper triangular. fullMatrices false (the default): q [.., m, min(m, n)] and
 * r [.., min(m, n), n]; true: q [.., m, m] and r [.., m, n]. Returns [q, r].
 * @function
 */
export const qr = defineOp('qr', (a: TensorLike, fullMatrices: boolean = false): [Tensor, Tensor] => {
  const x = toTensor('qr', a);
  if (x.rank < 2) throw new Error(`qr: expected a tensor of rank >= 2, got ${fmt(x.shape)}`);
  if (x.dtype !== 'float32') throw new Error(`qr: expected a float32 tensor, got ${x.dtype} ${fmt(x.shape)}`);
  const m = x.shape[x.rank - 2]!, n = x.shape[x.rank - 1]!;
  const batch = x.shape.slice(0, -2);
  const k = fullMatrices ? m : Math.min(m, n);
  const mats = x.rank === 2 ? [x] : unstack(reshape(x, [-1, m, n]), 0);
  const qs: Tensor[] = [], rs: Tensor[] = [];
  for (const mat of mats) {
    const [q, r] = m === 0 || n === 0 ? [eye(m, m), mat] : qr2d(mat);
    qs.push(k === m ? q : slice(q, [0, 0], [m, k]));
    rs.push(k === m ? r : slice(r, [0, 0], [k, n]));
  }
  if (x.rank === 2) return [qs[0]!, rs[0]!];
  if (mats.length === 0) return [zeros([...batch, m, k]), zeros([...batch, k, n])];
  return [reshape(stack(qs, 0), [...batch, m, k]), reshape(stack(rs, 0), [...batch, k, n])];
});

/** Linear algebra, as TensorFlow.js's tf.linalg namespace. */
export const linalg = { bandPart, gramSchmidt, qr };
