/**
 * ONNX recurrent ops (RNN, GRU, LSTM) unrolled over time: the input projection for every step in
 * one matmul, then per step a matmul with the recurrence weights and the gate arithmetic. Forward,
 * reverse and bidirectional; layout 0 and 1; sequence_lens (finished sequences keep their state and
 * output zeros); LSTM peepholes. The default activations only; gradients come from the ops.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import type { OpContext, OpFn } from '../context.js';

type Kind = 'RNN' | 'GRU' | 'LSTM';
const GATES: Record<Kind, number> = { RNN: 1, GRU: 3, LSTM: 4 };

/** Columns [k * h, (k + 1) * h) of a [batch, G * h] tensor. */
const gate = (t: Tensor, k: number, h: number): Tensor => ops.slice(t, [0, k * h], [-1, h]);

function recurrent(kind: Kind): OpFn {
  return (c: OpContext) => {
    if (c.node.attrs.has('activations')) {
      const acts = c.node.attrs.get('activations');
      const defaults: Record<Kind, string[]> = { RNN: ['Tanh'], GRU: ['Sigmoid', 'Tanh'], LSTM: ['Sigmoid', 'Tanh', 'Tanh'] };
      if (acts?.type !== 'strings' || acts.value.some((a, i) => a !== defaults[kind][i % defaults[kind].length])) return c.fail('activations other than the defaults are not supported');
    }
    if (c.node.attrs.has('clip')) return c.fail('clip is not supported');
    if (kind === 'LSTM' && c.int('input_forget', 0) !== 0) return c.fail('input_forget is not supported');
    const layout = c.int('layout', 0);
    let x = c.tensor(0);
    if (layout === 1) x = ops.transpose(x, [1, 0, 2]);
    const [seq, batch, inSize] = x.shape as [number, number, number];
    const w = c.tensor(1), r = c.tensor(2);
    const G = GATES[kind], dirs = w.shape[0]!, h = c.int('hidden_size') ?? r.shape[2]!;
    const direction = c.str('direction', 'forward');
    if ((direction === 'bidirectional') !== (dirs === 2)) return c.fail(`direction ${direction} does not match W ${c.fmt(w.shape)}`);
    const lens = c.ints(4, 'sequence_lens');
    const linearBeforeReset = c.int('linear_before_reset', 0) === 1;
    const ys: Tensor[] = [], hs: Tensor[] = [], cs: Tensor[] = [];
    for (let d = 0; d < dirs; d++) {
      const reverse = direction === 'reverse' || d === 1;
      const wd = ops.reshape(ops.slice(w, [d, 0, 0], [1, -1, -1]), [G * h, inSize]);
      const rd = ops.reshape(ops.slice(r, [d, 0, 0], [1, -1, -1]), [G * h, h]);
      const b = c.has(3) ? ops.reshape(ops.slice(c.tensor(3), [d, 0], [1, -1]), [2 * G * h]) : undefined;
      const wb = b ? ops.slice(b, [0], [G * h]) : undefined, rb = b ? ops.slice(b, [G * h], [G * h]) : undefined;
      const xw = ops.reshape(ops.fusedMatmul(ops.reshape(x, [seq * batch, inSize]), wd, { transposeB: true, bias: wb }), [seq, batch, G * h]);
      let H = c.has(5) ? ops.reshape(ops.slice(c.tensor(5), [d, 0, 0], [1, -1, -1]), [batch, h]) : ops.zeros([batch, h]);
      let C = c.has(6) ? ops.reshape(ops.slice(c.tensor(6), [d, 0, 0], [1, -1, -1]), [batch, h]) : ops.zeros([batch, h]);
      const p = kind === 'LSTM' && c.has(7) ? ops.reshape(ops.slice(c.tensor(7), [d, 0], [1, -1]), [3 * h]) : undefined;
      const out: Tensor[] = new Array<Tensor>(seq);
      for (let s = 0; s < seq; s++) {
        const t = reverse ? seq - 1 - s : s;
        const xt = ops.reshape(ops.slice(xw, [t, 0, 0], [1, -1, -1]), [batch, G * h]);
        const hr = ops.fusedMatmul(H, rd, { transposeB: true, bias: rb });
        let Hn: Tensor, Cn: Tensor | undefined;
        if (kind === 'RNN') Hn = ops.tanh(ops.add(xt, hr));
        else if (kind === 'GRU') {
          const z = ops.sigmoid(ops.add(gate(xt, 0, h), gate(hr, 0, h)));
          const rr = ops.sigmoid(ops.add(gate(xt, 1, h), gate(hr, 1, h)));
          const hh = linearBeforeReset
            ? ops.tanh(ops.add(gate(xt, 2, h), ops.mul(rr, gate(hr, 2, h))))
            : ops.tanh(ops.add(gate(xt, 2, h), ops.fusedMatmul(ops.mul(rr, H), ops.slice(rd, [2 * h, 0], [h, -1]), { transposeB: true, bias: rb ? ops.slice(rb, [2 * h], [h]) : undefined })));
          Hn = ops.add(ops.mul(ops.sub(1, z), hh), ops.mul(z, H));
        } else {
          const peep = (k: number, state: Tensor): Tensor | number => (p ? ops.mul(ops.slice(p, [k * h], [h]), state) : 0);
          const i = ops.sigmoid(ops.add(ops.add(gate(xt, 0, h), gate(hr, 0, h)), peep(0, C)));
          const f = ops.sigmoid(ops.add(ops.add(gate(xt, 2, h), gate(hr, 2, h)), peep(2, C)));
          const g = ops.tanh(ops.add(gate(xt, 3, h), gate(hr, 3, h)));
          Cn = ops.add(ops.mul(f, C), ops.mul(i, g));
          const o = ops.sigmoid(ops.add(ops.add(gate(xt, 1, h), gate(hr, 1, h)), peep(1, Cn)));
          Hn = ops.mul(o, ops.tanh(Cn));
        }
        if (lens) {
          // Sequences already finished at step t keep their state and output zeros.
          const live = ops.tensor(Float32Array.from(lens, (l) => (t < l ? 1 : 0)), [batch, 1]);
          out[t] = ops.mul(Hn, live);
          H = ops.add(ops.mul(Hn, live), ops.mul(H, ops.sub(1, live)));
          if (Cn) C = ops.add(ops.mul(Cn, live), ops.mul(C, ops.sub(1, live)));
        } else {
          out[t] = Hn;
          H = Hn;
          if (Cn) C = Cn;
        }
      }
      ys.push(ops.stack(out, 0)); // [seq, batch, h]
      hs.push(H);
      cs.push(C);
    }
    let y = ops.stack(ys, 1); // [seq, dirs, batch, h]
    let yh = ops.stack(hs, 0), yc = ops.stack(cs, 0); // [dirs, batch, h]
    if (layout === 1) {
      y = ops.transpose(y, [2, 0, 1, 3]);
      yh = ops.transpose(yh, [1, 0, 2]);
      yc = ops.transpose(yc, [1, 0, 2]);
    }
    return kind === 'LSTM' ? [y, yh, yc] : [y, yh];
  };
}

export const RNN_OPS: Record<string, OpFn> = {
  RNN: recurrent('RNN'),
  GRU: recurrent('GRU'),
  LSTM: recurrent('LSTM'),
};
