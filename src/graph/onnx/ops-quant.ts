/**
 * ONNX quantization (QuantizeLinear / DequantizeLinear, per tensor or per axis; DynamicQuantizeLinear;
 * the QLinear matmul and conv, computed in float32 between dequantize and quantize), integer matmul /
 * conv (float32, exact for 8-bit operands while sums stay below 2^24, then int32), and the spectral
 * windows (Hann, Hamming, Blackman) made on the host. A quantized result is int8 where its zero point
 * is int8 in the file (or output_dtype says so), uint8 otherwise.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { OpContext, type OpFn } from '../context.js';
import { host, toDevice } from '../host.js';
import { round } from './ops-math.js';
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

/** The range of the quantized type: int8 where the zero point (or output_dtype) says so, else uint8. */
function qrange(c: OpContext, zpIndex: number): [number, number] {
  const dt = c.int('output_dtype', 0);
  const signed = dt === 3 || (dt === 0 && c.host(zpIndex)?.source === 'int8');
  return signed ? [-128, 127] : [0, 255];
}

/** saturate(round(x / scale) + zero point), as int32 values in the quantized range. */
function quantizeTo(x: Tensor, scale: Tensor, zp: Tensor | undefined, [lo, hi]: [number, number]): Tensor {
  let q = round(ops.div(x, scale));
  if (zp) q = ops.add(q, ops.cast(zp, 'float32'));
  return ops.cast(ops.minimum(ops.maximum(q, lo), hi), 'int32');
}

const quantize: OpFn = (c) => {
  const x = ops.cast(c.tensor(0), 'float32');
  if (c.int('block_size', 0) !== 0) return c.fail('block_size is not supported');
  const ax = c.shape(1).reduce((a, b) => a * b, 1) > 1 ? c.axis(c.int('axis', 1), x.rank) : 0;
  const zp = c.has(2) ? alongAxis(c.tensor(2), ax, x.rank) : undefined;
  return [quantizeTo(x, alongAxis(c.tensor(1), ax, x.rank), zp, qrange(c, 2))];
};

/** uint8 quantization with a scale and zero point taken from the data's range (which includes 0). */
const dynamicQuantize: OpFn = (c) => {
  const x = ops.cast(c.tensor(0), 'float32');
  const lo = ops.minimum(ops.min(x), 0), hi = ops.maximum(ops.max(x), 0);
  const scale = ops.div(ops.sub(hi, lo), 255);
  const zp = ops.cast(ops.minimum(ops.maximum(round(ops.sub(0, ops.div(lo, scale))), 0), 255), 'int32');
  return [quantizeTo(x, scale, zp, [0, 255]), scale, zp];
};

/** (q - zero point) * scale for the QLinear ops' operands, with a per-row zero point / scale of A. */
function real(c: OpContext, q: number, s: number, zp: number, axis: number, rank: number): Tensor {
  const x = ops.cast(c.tensor(q), 'float32');
  return ops.mul(ops.sub(x, alongAxis(ops.cast(c.tensor(zp), 'float32'), axis, rank)), alongAxis(c.tensor(s), axis, rank));
}

const qlinearMatMul: OpFn = (c) => {
  const ra = c.shape(0).length, rb = c.shape(3).length;
  const y = ops.matmul(real(c, 0, 1, 2, ra - 2, ra), real(c, 3, 4, 5, rb - 1, rb));
  return [quantizeTo(y, c.tensor(6), c.tensor(7), qrange(c, 7))];
};

const qlinearConv: OpFn = (c) => {
  const x = real(c, 0, 1, 2, 1, c.shape(0).length);
  const w = real(c, 3, 4, 5, 0, c.shape(3).length);
  // The int32 bias is in units of x_scale * w_scale.
  const bias = c.has(8) ? ops.mul(ops.cast(c.tensor(8), 'float32'), ops.reshape(ops.mul(c.tensor(1), c.tensor(4)), [-1])) : undefined;
  const inner = new OpContext(c.node, c.opset, bias ? [x, w, bias] : [x, w], (_i, h) => toDevice(h, 'QLinearConv input'));
  const y = conv(inner)[0] as Tensor;
  return [quantizeTo(y, c.tensor(6), c.tensor(7), qrange(c, 7))];
};

const cosTerm = (k: number, n: number, d: number): number => Math.cos((2 * Math.PI * k * n) / d);

export const QUANT_OPS: Record<string, OpFn> = {
  DequantizeLinear: dequantize,
  QuantizeLinear: quantize,
  DynamicQuantizeLinear: dynamicQuantize,
  QLinearMatMul: qlinearMatMul,
  QLinearConv: qlinearConv,
  MatMulInteger: matmulInteger,
  ConvInteger: convInteger,
  HannWindow: windowOp((n, d) => 0.5 - 0.5 * cosTerm(1, n, d)),
  HammingWindow: windowOp((n, d) => 25 / 46 - (21 / 46) * cosTerm(1, n, d)),
  BlackmanWindow: windowOp((n, d) => 0.42 - 0.5 * cosTerm(1, n, d) + 0.08 * cosTerm(2, n, d)),
};
