/**
 * einsum, TensorFlow.js's subset: one or two operands, an explicit `->` output, no ellipsis and no
 * axis repeated within one operand. Composed from sum, transpose, reshape and matmul: axes only one
 * side has and the output lacks are summed first, then both sides are laid out as
 * [batch, free, contracted] and [batch, contracted, free] for one batched matmul, whose result is
 * reshaped and transposed into the output's order. The gradient comes from the composition.
 */
import { fmt, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, defineOp, toTensor, type TensorLike } from './core.js';
import { matmul } from './matmul.js';
import { cast, reshape, transpose } from './movement.js';
import { sum } from './reduce.js';
import { mul } from './elementwise.js';

/** The parsed equation: each operand's axis letters and the output's. */
function parse(equation: string, count: number): { inputs: string[]; output: string } {
  if (typeof equation !== 'string') throw new Error(`einsum: expected an equation string, got ${typeof equation}`);
  const eq = equation.replace(/\s/g, '');
  if (eq.includes('...')) throw new Error(`einsum: the ellipsis notation ("...") is not supported, got '${equation}'`);
  const arrow = eq.indexOf('->');
  if (arrow < 0) throw new Error(`einsum: equations without an arrow ('->') are not supported, got '${equation}'`);
  const inputs = eq.slice(0, arrow).split(',');
  const output = eq.slice(arrow + 2);
  if (inputs.length > 2) throw new Error(`einsum: more than 2 operands are not supported, got ${inputs.length} in '${equation}'`);
  if (inputs.length !== count) throw new Error(`einsum: '${equation}' names ${inputs.length} operand(s), got ${count} tensor(s)`);
  for (const s of [...inputs, output]) {
    if (!/^[a-zA-Z]*$/.test(s)) throw new Error(`einsum: axis labels must be letters, got '${s}' in '${equation}'`);
    if (new Set(s).size !== s.length) throw new Error(`einsum: an axis appears twice in '${s}' of '${equation}' (repeated axes within one operand are not supported)`);
  }
  for (const c of output) {
    if (!inputs.some((s) => s.includes(c))) throw new Error(`einsum: output axis '${c}' of '${equation}' is in no operand`);
  }
  return { inputs, output };
}

/** Sum `x` (labelled `labels`) over the labels that `keep` lacks; returns the rest. */
function sumOut(x: Tensor, labels: string, keep: (c: string) => boolean): [Tensor, string] {
  const axes: number[] = [];
  let rest = '';
  for (let i = 0; i < labels.length; i++) {
    if (keep(labels[i]!)) rest += labels[i]!;
    else axes.push(i);
  }
  return [axes.length > 0 ? sum(x, axes) : x, rest];
}

/** Transpose `x` labelled `from` into the order `to` (a permutation of it). */
function permute(x: Tensor, from: string, to: string): Tensor {
  if (from === to) return x;
  return transpose(x, [...to].map((c) => from.indexOf(c)));
}

/**
 * Tensor contraction by Einstein summation, as TensorFlow.js's einsum: `'ij,jk->ik'` (matmul),
 * `'bij,bjk->bik'` (batched), `'ij->ji'` (transpose), `'ij->'` (sum), `'i,j->ij'` (outer product).
 * One or two operands, an explicit output, no ellipsis, no axis repeated within one operand.
 * int32 operands give int32 (computed in float32). Differentiable.
 * @function
 */
export const einsum = defineOp('einsum', (equation: string, ...tensors: TensorLike[]): Tensor => {
  const { inputs, output } = parse(equation, tensors.length);
  const backend = backendOf('einsum', tensors);
  const xs = tensors.map((t) => toTensor('einsum', t, backend));
  const dims = new Map<string, number>();
  xs.forEach((x, k) => {
    const labels = inputs[k]!;
    if (x.rank !== labels.length) throw new Error(`einsum: operand ${k} has shape ${fmt(x.shape)} (rank ${x.rank}), but '${labels}' names ${labels.length} axes`);
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i]!, d = x.shape[i]!;
      const seen = dims.get(c);
      if (seen !== undefined && seen !== d) throw new Error(`einsum: axis '${c}' is ${seen} in one place and ${d} in another (operand ${k} ${fmt(x.shape)}, '${equation}')`);
      dims.set(c, d);
    }
  });
  const dtypes = new Set(xs.map((x) => x.dtype));
  if (dtypes.size > 1) throw new Error(`einsum: operands must share a dtype, got ${[...dtypes].join(' and ')}`);
  const dtype = xs[0]!.dtype;
  if (dtype === 'bool') throw new Error('einsum: expected float32 or int32 operands, got bool');
  const fs = xs.map((x) => (x.dtype === 'float32' ? x : cast(x, 'float32')));
  let y: Tensor;
  if (fs.length === 1) {
    const [s, rest] = sumOut(fs[0]!, inputs[0]!, (c) => output.includes(c));
    y = permute(s, rest, output);
  } else {
    const [la, lb] = inputs as [string, string];
    // Axes one side alone has and the output lacks are summed away before the product.
    const [a, ra] = sumOut(fs[0]!, la, (c) => output.includes(c) || lb.includes(c));
    const [b, rb] = sumOut(fs[1]!, lb, (c) => output.includes(c) || ra.includes(c));
    const batch = [...ra].filter((c) => rb.includes(c) && output.includes(c)).join('');
    const contract = [...ra].filter((c) => rb.includes(c) && !output.includes(c)).join('');
    const freeA = [...ra].filter((c) => !rb.includes(c)).join('');
    const freeB = [...rb].filter((c) => !ra.includes(c)).join('');
    const size = (s: string): number => sizeOf([...s].map((c) => dims.get(c)!));
    const nb = size(batch), m = size(freeA), k = size(contract), n = size(freeB);
    const a3 = reshape(permute(a, ra, batch + freeA + contract), [nb, m, k]);
    const b3 = reshape(permute(b, rb, batch + contract + freeB), [nb, k, n]);
    // No shared axis to sum: an outer product per batch entry, elementwise (matmul wants k >= 1 anyway).
    const p = k === 1 && contract === '' ? mul(reshape(a3, [nb, m, 1]), reshape(b3, [nb, 1, n])) : matmul(a3, b3);
    const lp = batch + freeA + freeB;
    y = permute(reshape(p, [...lp].map((c) => dims.get(c)!)), lp, output);
  }
  return dtype === 'int32' ? cast(y, 'int32') : y;
});
