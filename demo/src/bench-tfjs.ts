/**
 * TensorFlow.js beside ours on the benchmark page (optional, off by default): the same matmul, add
 * and softmax on the same host-made inputs, on tfjs's cpu and webgpu backends. Loaded lazily, so
 * the page does not download TensorFlow.js unless asked.
 */
import type { TimedJob } from './bench-run.js';

type Tf = typeof import('@tensorflow/tfjs-core');
type TfTensor = import('@tensorflow/tfjs-core').Tensor;

let tfPromise: Promise<Tf> | null = null;

async function loadTf(): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    try {
      await import('@tensorflow/tfjs-backend-webgpu');
    } catch {
      // No WebGPU build here: tfjs-cpu still runs.
    }
    return tf;
  })();
  return tfPromise;
}

/** The TensorFlow.js backends that start here, named 'tfjs-cpu' / 'tfjs-webgpu'. */
export async function tfjsBackends(): Promise<string[]> {
  const tf = await loadTf();
  const out: string[] = [];
  for (const name of ['webgpu', 'cpu']) {
    try {
      if (await tf.setBackend(name)) out.push(`tfjs-${name}`);
    } catch {
      // not available in this browser
    }
  }
  return out;
}

/** Run `job` (one of matmul/add/softmax) on a TensorFlow.js backend, timed like ours. */
export async function runTfjs(backend: string, job: TimedJob, minTimeMs: number): Promise<{ ms: number; reps: number; out: ArrayLike<number> }> {
  const tf = await loadTf();
  if (!(await tf.setBackend(backend.replace(/^tfjs-/, '')))) throw new Error(`tfjs: backend ${backend} did not start`);
  await tf.ready();
  const inputs = job.inputs.map(([data, shape]) => tf.tensor(data, shape));
  const fn = (): TfTensor => {
    if (job.test === 'matmul') return tf.matMul(inputs[0] as import('@tensorflow/tfjs-core').Tensor2D, inputs[1] as import('@tensorflow/tfjs-core').Tensor2D);
    if (job.test === 'add') return tf.add(inputs[0]!, inputs[1]!);
    return tf.softmax(inputs[0]!);
  };
  try {
    let t0 = performance.now();
    const warm = fn();
    await warm.data();
    warm.dispose();
    const warmMs = performance.now() - t0;
    const reps = Math.max(1, Math.min(20, Math.ceil(minTimeMs / Math.max(warmMs, 0.05))));
    t0 = performance.now();
    let last: TfTensor | null = null;
    for (let r = 0; r < reps; r++) {
      last?.dispose();
      last = fn();
    }
    const out = (await last!.data()) as Float32Array;
    const ms = (performance.now() - t0) / reps;
    last!.dispose();
    return { ms, reps, out };
  } finally {
    tf.dispose(inputs);
  }
}
