/**
 * ONNX dequantization and integer matmul / conv (computed in float32, exact for 8-bit operands up
 * to 2^24 in the sums, then int32), and the spectral windows (Hann, Hamming, Blackman) made on the host.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { OpContext, type OpFn } from '../context.js';
import { host, toDevice } from '../host.js';
import { conv } from './ops-nn.js';

/** A per-axis parameter ([n] along `axis`) shaped to broadcast against a rank-`rank` tensor. */
function alongAxis(p: Tensor, axis: number, rank: number): Tensor {
  if (p.rank === 0 || p.size === 1) return ops.reshape(p, []);
  return ops.reshape(p, Array.from({ length: rank }, (_, i) => (i === axis ? p.size : 1)));
}

const dequantize: OpFn = (c) => {
  const x = ops.cast(c.tensor(0), 'float32');
  if (c.int('block_size', 0) !== 0) return c.fail('block_size is not supported');
  // The axis matters only for per-axis (1-D) scales.
  const ax = c.shape(1).reduce((a, b) => a * b, 1) > 1 ? c.axis(c.int('axis', 1), x.rank) : 0;
  const scale = alongAxis(c.tensor(1), ax, x.rank);
  const zp = c.has(2) ? alongAxis(ops.cast(c.tensor(2), 'float32'), ax, x.rank) : undefined;
  return [ops.mul(zp ? ops.sub(x, zp) : x, scale)];
};

/** x - zero point, as float32 (a 1-D zero point of A applies per row). */
function centred(c: OpContext, i: number, zpIndex: number, perRow: boolean): Tensor {
  const x = ops.cast(c.tensor(i), 'float32');
  if (!c.has(zpIndex)) return x;
  let zp = ops.cast(c.tensor(zpIndex), 'float32');
  if (perRow && zp.rank === 1 && zp.size > 1) zp = ops.reshape(zp, [zp.size, 1]);
  return ops.sub(x, zp);
}

const matmulInteger: OpFn = (c) => [ops.cast(ops.matmul(centred(c, 0, 2, true), centred(c, 1, 3, false)), 'int32')];

const convInteger: OpFn = (c) => {
  const x = centred(c, 0, 2, false);
  let w = ops.cast(c.tensor(1), 'float32');
  if (c.has(3)) w = ops.sub(w, alongAxis(ops.cast(c.tensor(3), 'float32'), 0, w.rank));
  const inner = new OpContext(c.node, c.opset, [x, w], (_i, h) => toDevice(h, 'ConvInteger input'));
  return [ops.cast(conv(inner)[0] as Tensor, 'int32')];
};

function windowOp(f: (n: number, d: number) => number): OpFn {
  return (c) => {
    const size = c.scalar(0, 'size', NaN);
    if (!Number.isInteger(size) || size < 0 || size > 1 << 24) return c.fail(`size must be an integer in [0, 2^24], got ${size}`);
    const d = c.int('periodic', 1) === 1 ? size : size - 1;
    const data = Float32Array.from({ length: size }, (_, n) => f(n, d));
    const dt = c.int('output_datatype', 1);
    return [dt === 1 || dt === 10 || dt === 11 ? host('float32', [size], data) : host('int32', [size], Int32Array.from(data, Math.trunc))];
  };
}

const cosTerm = (k: number, n: number, d: number): number => Math.cos((2 * Math.PI * k * n) / d);

export const QUANT_OPS: Record<string, OpFn> = {
  DequantizeLinear: dequantize,
  MatMulInteger: matmulInteger,
  ConvInteger: convInteger,
  HannWindow: windowOp((n, d) => 0.5 - 0.5 * cosTerm(1, n, d)),
  HammingWindow: windowOp((n, d) => 25 / 46 - (21 / 46) * cosTerm(1, n, d)),
  BlackmanWindow: windowOp((n, d) => 0.42 - 0.5 * cosTerm(1, n, d) + 0.08 * cosTerm(2, n, d)),
};
