// Trains in a dedicated worker: the engine, its wasm pool's calling thread and its Atomics.wait
// live here, and the page's main thread only receives one message per batch.
import * as wt from './webgpu-tensor.js';
import { train } from './train-core.js';

self.onmessage = async (e) => {
  try {
    const r = await train(wt, e.data, (loss) => self.postMessage({ loss }));
    self.postMessage({ done: r });
  } catch (err) {
    self.postMessage({ error: String(err && err.stack || err) });
  }
};
