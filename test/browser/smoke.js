// A conformance smoke test that runs inside a page on the library bundle: a handful of ops (with one
// gradient) on a target backend, each compared with the cpu reference computed in the same page.
import * as wt from './webgpu-tensor.js';

/** Deterministic inputs (plain arrays, so each backend builds its own tensors from the same numbers). */
function ramp(n, scale = 1, shift = 0) {
  return Array.from({ length: n }, (_, i) => (Math.sin(i * 1.7 + shift) * scale));
}

/** Each case builds tensors on the active backend and returns the outputs to compare. */
const CASES = {
  matmul: () => [wt.matmul(wt.tensor(ramp(33 * 17), [33, 17]), wt.tensor(ramp(17 * 29, 1, 2), [17, 29]))],
  matmulTransposed: () => [wt.matmul(wt.tensor(ramp(8 * 5), [8, 5]), wt.tensor(ramp(6 * 5, 1, 1), [6, 5]), { transposeB: true })],
  fusedDenseRelu: () => [wt.fusedMatmul(wt.tensor(ramp(4 * 9), [4, 9]), wt.tensor(ramp(9 * 7, 1, 3), [9, 7]), { bias: wt.tensor(ramp(7, 0.5, 5)), activation: 'relu' })],
  broadcastAdd: () => [wt.add(wt.tensor(ramp(12), [3, 4]), wt.tensor([1, 2, 3, 4]))],
  unary: () => {
    const x = wt.tensor(ramp(50, 3), [5, 10]);
    return [wt.exp(x), wt.tanh(x), wt.sigmoid(x), wt.relu(x), wt.sqrt(wt.abs(x))];
  },
  softmax: () => [wt.softmax(wt.tensor(ramp(5 * 7, 4), [5, 7])), wt.logSoftmax(wt.tensor(ramp(5 * 7, 4), [5, 7]), 0)],
  reduce: () => {
    const x = wt.tensor(ramp(4 * 6, 2), [4, 6]);
    return [wt.sum(x, 0), wt.max(x, 1), wt.mean(x), wt.argMax(x, 1)];
  },
  transpose: () => [wt.transpose(wt.tensor(ramp(24), [2, 3, 4]), [2, 0, 1])],
  gatherOneHot: () => [wt.gather(wt.tensor(ramp(5 * 3), [5, 3]), wt.tensor([4, 0, 2], [3], 'int32')), wt.oneHot(wt.tensor([1, 0, 3], [3], 'int32'), 4)],
  convPool: () => {
    const x = wt.tensor(ramp(2 * 7 * 6 * 3), [2, 7, 6, 3]);
    const f = wt.tensor(ramp(3 * 3 * 3 * 4, 0.5, 1), [3, 3, 3, 4]);
    return [wt.conv2d(x, f, [2, 1], 'same'), wt.fused.conv2d({ x, filter: f, strides: 1, pad: 'valid', bias: wt.tensor(ramp(4, 1, 3)), activation: 'relu' }),
      wt.maxPool(x, 2, 2, 'same'), wt.avgPool(x, 3, 1, 'same')];
  },
  convGradient: () => {
    const x = wt.tensor(ramp(6 * 5 * 4), [1, 6, 5, 4]);
    const f = wt.tensor(ramp(2 * 3 * 4 * 2, 0.5, 2), [2, 3, 4, 2]);
    const [value, grads] = wt.valueAndGrad((a, b) => wt.avgPool(wt.maxPool(wt.conv2d(a, b, 1, 'same', 'NHWC', 2).tanh(), 2, 1, 'same'), 2, 2, 'valid').sum())([x, f]);
    return [value, ...grads];
  },
  randomSeeded: () => [wt.randn([64], { seed: 7 }), wt.rand([16], { seed: 9 })],
  gradient: () => {
    const x = wt.tensor(ramp(12), [3, 4]);
    const w = wt.tensor(ramp(4 * 2, 1, 1), [4, 2]);
    const [value, grads] = wt.valueAndGrad((a, b) => wt.matmul(a, b).tanh().sum())([x, w]);
    return [value, ...grads];
  },
};

async function runOn(backend) {
  await wt.setBackend(backend);
  const out = {};
  for (const [name, build] of Object.entries(CASES)) {
    const tensors = build();
    out[name] = await Promise.all(tensors.map(async (t) => ({ shape: t.shape, values: Array.from(await t.data()) })));
    wt.dispose(tensors);
  }
  return out;
}

/**
 * Run every case on `target` ('auto' lets wt.init() choose) and on cpu; report the max absolute
 * difference per case (scaled by the cpu value's magnitude where it is above 1).
 */
export async function smoke(target = 'auto') {
  const chosen = target === 'auto' ? await wt.init() : (await wt.setBackend(target), target);
  const info = wt.backendInfo();
  const got = await runOn(chosen);
  const want = await runOn('cpu');
  await wt.setBackend(chosen);
  const cases = {};
  for (const name of Object.keys(CASES)) {
    let maxErr = 0;
    let shapesMatch = got[name].length === want[name].length;
    let finite = true;
    got[name].forEach((g, i) => {
      const w = want[name][i];
      if (!w || JSON.stringify(g.shape) !== JSON.stringify(w.shape) || g.values.length !== w.values.length) shapesMatch = false;
      else g.values.forEach((v, j) => {
        if (!Number.isFinite(v)) finite = false;
        maxErr = Math.max(maxErr, Math.abs(v - w.values[j]) / Math.max(1, Math.abs(w.values[j])));
      });
    });
    cases[name] = { maxErr, shapesMatch, finite };
  }
  return { backend: chosen, info, cases, memory: wt.memory() };
}

globalThis.smoke = smoke;
// The library itself, for tests that check more than the smoke cases.
globalThis.wt = wt;
const run = new URLSearchParams(location.search).get('run');
const out = document.getElementById('out');
if (run) {
  smoke(run).then(
    (r) => { out.textContent = JSON.stringify(r, null, 2); },
    (e) => { out.textContent = `failed: ${e && e.stack ? e.stack : e}`; },
  );
}
