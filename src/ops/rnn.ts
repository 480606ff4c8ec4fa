/**
 * TensorFlow.js's recurrent-cell and averaging ops, composed from other ops (so they are
 * differentiable and run on every backend): basicLSTMCell, multiRNNCell, movingAverage.
 */
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { backendOf, checkNumber, defineOp, toTensor, type TensorLike } from './core.js';
import { add, div, mul, pow, sigmoid, sub, tanh } from './elementwise.js';
import { matmul } from './matmul.js';
import { concat, slice } from './movement.js';

/** A cell that multiRNNCell chains: (input, c, h) -> [newC, newH]. */
export type LSTMCellFunc = (data: Tensor, c: Tensor, h: Tensor) => [Tensor, Tensor];

/**
 * One step of a basic LSTM cell (TensorFlow.js's basicLSTMCell): [data, h] (concatenated along
 * axis 1) times `lstmKernel` plus `lstmBias` gives the gates i, j, f, o (four equal column blocks);
 * newC = sigmoid(i) tanh(j) + c sigmoid(forgetBias + f), newH = tanh(newC) sigmoid(o).
 * Returns [newC, newH], each [batch, units].
 * @function
 */
export const basicLSTMCell = defineOp('basicLSTMCell', (forgetBias: TensorLike, lstmKernel: TensorLike, lstmBias: TensorLike, data: TensorLike, c: TensorLike, h: TensorLike): [Tensor, Tensor] => {
  const op = 'basicLSTMCell';
  const b = backendOf(op, [forgetBias, lstmKernel, lstmBias, data, c, h]);
  const [fb, k, bias, x, c0, h0] = [forgetBias, lstmKernel, lstmBias, data, c, h].map((t) => toTensor(op, t, b)) as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  if (x.rank !== 2 || h0.rank !== 2 || c0.rank !== 2 || k.rank !== 2) {
    throw new Error(`${op}: data, c, h and lstmKernel must be rank 2, got data ${fmt(x.shape)}, c ${fmt(c0.shape)}, h ${fmt(h0.shape)}, lstmKernel ${fmt(k.shape)}`);
  }
  const units = k.shape[1]! / 4;
  if (!Number.isInteger(units) || k.shape[0] !== x.shape[1]! + h0.shape[1]!) {
    throw new Error(`${op}: lstmKernel ${fmt(k.shape)} must be [data columns + h columns, 4 * units] for data ${fmt(x.shape)} and h ${fmt(h0.shape)}`);
  }
  const z = add(matmul(concat([x, h0], 1), k), bias);
  const gate = (i: number): Tensor => slice(z, [0, i * units], [z.shape[0]!, units]);
  const newC = add(mul(sigmoid(gate(0)), tanh(gate(1))), mul(c0, sigmoid(add(fb, gate(2)))));
  const newH = mul(tanh(newC), sigmoid(gate(3)));
  return [newC, newH];
});

/**
 * Chains LSTM cells (TensorFlow.js's multiRNNCell): cell i takes the previous cell's new h (the
 * first takes `data`) with c[i] and h[i]. Returns [newCs, newHs], one of each per cell.
 */
export function multiRNNCell(lstmCells: readonly LSTMCellFunc[], data: Tensor, c: readonly Tensor[], h: readonly Tensor[]): [Tensor[], Tensor[]] {
  if (!Array.isArray(lstmCells) || lstmCells.some((f) => typeof f !== 'function')) throw new Error('multiRNNCell: lstmCells must be an array of cell functions');
  if (!Array.isArray(c) || !Array.isArray(h) || c.length !== lstmCells.length || h.length !== lstmCells.length) {
    throw new Error(`multiRNNCell: expected one c and one h per cell (${lstmCells.length}), got ${Array.isArray(c) ? c.length : typeof c} and ${Array.isArray(h) ? h.length : typeof h}`);
  }
  const newC: Tensor[] = [], newH: Tensor[] = [];
  let input = data;
  lstmCells.forEach((cell, i) => {
    const [ci, hi] = cell(input, c[i]!, h[i]!);
    newC.push(ci);
    newH.push(hi);
    input = hi;
  });
  return [newC, newH];
}

/**
 * The exponential moving average's next value (TensorFlow.js's movingAverage):
 * v + (x - v)(1 - decay), divided by 1 - decay^step when zeroDebias (the default; `step` is then required).
 * @function
 */
export const movingAverage = defineOp('movingAverage', (v: TensorLike, x: TensorLike, decay: number | Tensor, step?: number | Tensor, zeroDebias: boolean = true): Tensor => {
  const op = 'movingAverage';
  const b = backendOf(op, [v, x]);
  const vt = toTensor(op, v, b), xt = toTensor(op, x, b);
  if (typeof decay === 'number') checkNumber(op, 'decay', decay);
  else if (!(decay instanceof Tensor)) throw new Error(`${op}: decay must be a number or a scalar tensor, got ${typeof decay}`);
  let update = mul(sub(xt, vt), sub(1, decay));
  if (zeroDebias) {
    if (step === undefined || step === null) throw new Error(`${op}: step is required when zeroDebias is true`);
    update = div(update, sub(1, pow(decay, step)));
  }
  return add(vt, update);
});
