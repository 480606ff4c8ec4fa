/**
 * The timing loop of the real-GPU check. Variants (matmul strategies, backends) are interleaved
 * sample by sample so drift hits all alike; a sample queues N iterations, disposing each result as
 * the next is queued (so memory stays flat at any N), then waits for the device to finish. The
 * median sample counts. A deadline stops the loop early; what was measured so far is kept.
 */
import { median } from '../lib.mjs';

/**
 * Waits until the active backend has finished all queued work: `sync()` where the backend has one
 * (webgpu: onSubmittedWorkDone), else reading one element of `t` back (which waits for its producer).
 */
export async function finish(wt, backend, t) {
  if (typeof backend?.sync === 'function') return backend.sync();
  const one = wt.tidy(() => wt.slice(wt.reshape(t, [-1]), [0], [1]));
  await one.data();
  one.dispose();
}

/**
 * Times each variant `{ name, before?(), run() -> Tensor, backend() }`. Returns per variant
 * `{ name, ms, minMs, maxMs, iters, samples, firstMs }` or `{ name, error }`; `partial: true`
 * when the deadline cut the samples short.
 */
export async function timeVariants(wt, variants, { targetMs, repeats, maxIters = 1000, deadline }) {
  const now = () => performance.now();
  const st = variants.map((v) => ({ v, samples: [] }));
  const once = async (s, iters) => {
    await s.v.before?.();
    const backend = s.v.backend();
    const t0 = now();
    let prev = null;
    for (let i = 0; i < iters; i++) {
      const r = s.v.run();
      prev?.dispose();
      prev = r;
    }
    await finish(wt, backend, prev);
    const ms = (now() - t0) / iters;
    prev.dispose();
    return ms;
  };
  for (const s of st) {
    try {
      s.firstMs = await once(s, 1); // compiles the pipelines
      const one = await once(s, 1);
      s.iters = Math.max(1, Math.min(maxIters, Math.ceil(targetMs / one)));
    } catch (e) {
      s.error = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
    }
  }
  let partial = false;
  for (let r = 0; r < repeats; r++) {
    for (let k = 0; k < st.length; k++) {
      const s = st[(k + r) % st.length]; // rotate who goes first
      if (s.error) continue;
      if (Date.now() > deadline) { partial = true; continue; }
      try {
        s.samples.push(await once(s, s.iters));
      } catch (e) {
        s.error = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
      }
    }
  }
  return st.map((s) => {
    if (s.error) return { name: s.v.name, error: s.error };
    // Without a full sample (deadline), the first, compiling, call is all there is: marked partial.
    const has = s.samples.length > 0;
    return {
      name: s.v.name, ms: has ? median(s.samples) : s.firstMs, minMs: has ? Math.min(...s.samples) : null,
      maxMs: has ? Math.max(...s.samples) : null, iters: s.iters, samples: s.samples.length, firstMs: s.firstMs,
      ...(partial || !has ? { partial: true } : {}),
    };
  });
}
