// The CNN of the demo page (conv 3x3x16 relu, max-pool 2, conv 3x3x32 relu, max-pool 2, dense 64
// relu, dense 10 softmax, adam), trained on seeded random images for a fixed number of batches.
// Shared by frames.html (training on its main thread) and train-worker.js (training in a worker);
// used by test/browser-worker.test.ts and bench/page-frames.mjs.
export async function train(wt, { backend, threads, batch, steps }, onBatch) {
  await wt.setBackend(backend);
  if (backend === 'wasm' && threads) await wt.setWasmThreads(threads);
  const n = batch * steps;
  const x = wt.rand([n, 28, 28, 1], { seed: 1 });
  const y = wt.oneHot(wt.cast(wt.mul(wt.rand([n], { seed: 2 }), 10), 'int32'), 10);
  const l = wt.layers;
  const model = wt.sequential({
    seed: 1,
    layers: [
      l.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      l.maxPooling2d({ poolSize: 2 }),
      l.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
      l.maxPooling2d({ poolSize: 2 }),
      l.flatten(),
      l.dense({ units: 64, activation: 'relu' }),
      l.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const losses = [];
  const t0 = performance.now();
  await model.fit(x, y, {
    epochs: 1, batchSize: batch, shuffle: false, verbose: 0,
    callbacks: { onBatchEnd: async (_b, logs) => { losses.push(logs.loss); onBatch(logs.loss); await wt.nextFrame(); } },
  });
  const seconds = (performance.now() - t0) / 1000;
  const info = wt.backendInfo().device;
  const jobs = wt.memory().wasmParallelJobs ?? 0;
  model.dispose();
  wt.dispose([x, y]);
  return { losses, seconds, info, jobs, canBlock: canBlock() };
}

/** May this thread block in Atomics.wait (so the wasm pool's caller sleeps instead of spinning)? */
export function canBlock() {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
