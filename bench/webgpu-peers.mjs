/**
 * Shared setup for the WebGPU benchmarks: a WebGPU provider per runtime (Dawn in Node, the built-in
 * navigator.gpu in Deno), the three libraries behind one small interface (ours, tfjs-webgpu,
 * jax-js on its webgpu device), and the workloads each of them runs. The timing loop lives in
 * webgpu-harness.mjs; the scripts matmul-webgpu.mjs, elementwise-webgpu.mjs and deno-webgpu.ts
 * pick which workloads to time.
 */

/** Every adapter any library asked for, in order, so the output names what each one ran on. */
export const adapters = [];

function describeAdapter(adapter) {
  const i = adapter?.info ?? {};
  // wgpu reports PCI-style numbers as decimal strings (65541 = 0x10005, Mesa); hex reads better.
  const hex = (v) => (/^\d+$/.test(String(v ?? '')) ? (Number(v) ? `0x${Number(v).toString(16)}` : '') : v);
  const parts = [hex(i.vendor), i.architecture, hex(i.device), i.description].filter((s) => s && String(s).length);
  return parts.length ? parts.join(' / ') : 'unnamed adapter';
}

/** Records the adapter behind every requestAdapter() call, tagged with the library asking. */
function watchAdapters(gpu) {
  const original = gpu.requestAdapter.bind(gpu);
  gpu.requestAdapter = async (options) => {
    const adapter = await original(options);
    adapters.push({ lib: currentLib, adapter: adapter ? describeAdapter(adapter) : null });
    return adapter;
  };
}
let currentLib = 'setup';

/**
 * Node: WebGPU through the `webgpu` package (Dawn) on SwiftShader unless VK_ICD_FILENAMES says
 * otherwise. The object that create() returns must live as long as the process, or Dawn aborts
 * later, so it is kept as navigator.gpu.
 */
export async function installNodeWebGPU() {
  process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
  // The same private XDG_RUNTIME_DIR our backend gives Dawn, so the peers' Dawn prints nothing either.
  const { nodeRuntimeDir } = await import(new URL('../dist/backend/webgpu/runtime-dir.js', import.meta.url).href);
  await nodeRuntimeDir(process.env, process.platform);
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu, userAgent: 'node' }, configurable: true, writable: true,
  });
  watchAdapters(gpu);
  return describeAdapter(await gpu.requestAdapter());
}

/** Deno and browsers: the runtime's own navigator.gpu. */
export async function useNativeWebGPU() {
  if (!globalThis.navigator?.gpu) throw new Error('navigator.gpu is missing: this runtime has no WebGPU');
  watchAdapters(navigator.gpu);
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned null: no WebGPU adapter');
  return describeAdapter(adapter);
}

/** Deterministic data (a small LCG turned normal by Box-Muller) so every library gets the same numbers. */
export function randomData(n, seed = 1, scale = 1) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u()));
    const t = 2 * Math.PI * u();
    out[i] = r * Math.cos(t) * scale;
    if (i + 1 < n) out[i + 1] = r * Math.sin(t) * scale;
  }
  return out;
}

/**
 * The workloads. `inputs` lists [shape, scale] per input; `work` is what one iteration moves or
 * computes (flops for matmul, logical bytes read + written for the memory-bound ones).
 */
export const WORKLOADS = {
  matmul: (n) => ({ inputs: [[[n, n], 1 / Math.sqrt(n)], [[n, n], 1]], unit: 'GFLOP/s', work: 2 * n * n * n }),
  add: (n) => ({ inputs: [[[n], 1], [[n], 1]], unit: 'GB/s', work: 12 * n }),
  mul: (n) => ({ inputs: [[[n], 1], [[n], 1]], unit: 'GB/s', work: 12 * n }),
  tanh: (n) => ({ inputs: [[[n], 1]], unit: 'GB/s', work: 8 * n }),
  // tanh(x * y + x): three kernels for an eager engine, one for a fusing one; counted as 2 reads + 1 write.
  chain: (n) => ({ inputs: [[[n], 1], [[n], 1]], unit: 'GB/s', work: 12 * n }),
  softmax: (rows, cols = rows) => ({ inputs: [[[rows, cols], 3]], unit: 'GB/s', work: 8 * rows * cols }),
};

/** A library: name, setup(), info(), and prepare(op, inputs) → { run, sync, free, done }. */
async function oursLib(distUrl) {
  currentLib = 'ours';
  const wt = await import(distUrl);
  await wt.setBackend('webgpu');
  const info = wt.backendInfo().device;
  const make = (data, shape) => wt.tensor(data, shape);
  const ops = {
    matmul: ([a, b]) => wt.matmul(a, b),
    add: ([a, b]) => wt.add(a, b),
    mul: ([a, b]) => wt.mul(a, b),
    tanh: ([a]) => wt.tanh(a),
    chain: ([a, b]) => wt.tidy(() => wt.tanh(wt.add(wt.mul(a, b), a))),
    softmax: ([a]) => wt.softmax(a, -1),
  };
  return {
    name: 'ours',
    info: () => ({ backend: wt.getBackend(), ...info }),
    memory: () => wt.memory(),
    prepare(op, inputs) {
      const xs = inputs.map(([data, shape]) => make(data, shape));
      return {
        run: () => ops[op](xs),
        // Reading the last result waits for everything queued before it.
        sync: async (rs) => { await rs[rs.length - 1].data(); },
        free: (rs) => { for (const r of rs) r.dispose(); },
        done: () => { for (const x of xs) x.dispose(); },
      };
    },
  };
}

async function tfjsLib() {
  currentLib = 'tfjs-webgpu';
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: setBackend("webgpu") returned false');
  await tf.ready();
  const ai = tf.backend().adapterInfo ?? {};
  const ops = {
    matmul: ([a, b]) => tf.matMul(a, b),
    add: ([a, b]) => tf.add(a, b),
    mul: ([a, b]) => tf.mul(a, b),
    tanh: ([a]) => tf.tanh(a),
    chain: ([a, b]) => tf.tidy(() => tf.tanh(tf.add(tf.mul(a, b), a))),
    softmax: ([a]) => tf.softmax(a, -1),
  };
  return {
    name: 'tfjs-webgpu',
    info: () => ({ backend: tf.getBackend(), vendor: ai.vendor, architecture: ai.architecture }),
    memory: () => tf.memory(),
    prepare(op, inputs) {
      const xs = inputs.map(([data, shape]) => tf.tensor(data, shape));
      return {
        run: () => ops[op](xs),
        sync: async (rs) => { await rs[rs.length - 1].data(); },
        free: (rs) => { for (const r of rs) r.dispose(); },
        done: () => { for (const x of xs) x.dispose(); },
      };
    },
  };
}

async function jaxLib() {
  currentLib = 'jax-js';
  const jax = await import('@jax-js/jax');
  const devices = await jax.init();
  if (!devices.includes('webgpu')) throw new Error(`jax-js: no webgpu device (has ${devices.join(', ')})`);
  jax.defaultDevice('webgpu');
  const np = jax.numpy;
  // jax-js arrays are reference counted and every op consumes its arguments: .ref keeps inputs alive.
  const ops = {
    matmul: ([a, b]) => np.matmul(a.ref, b.ref),
    add: ([a, b]) => np.add(a.ref, b.ref),
    mul: ([a, b]) => np.multiply(a.ref, b.ref),
    tanh: ([a]) => np.tanh(a.ref),
    chain: ([a, b]) => np.tanh(np.add(np.multiply(a.ref, b.ref), a.ref)),
    softmax: ([a]) => jax.nn.softmax(a.ref, -1),
  };
  return {
    name: 'jax-js',
    info: () => ({ device: jax.defaultDevice() }),
    memory: () => ({}),
    prepare(op, inputs) {
      const xs = inputs.map(([data, shape]) => np.array(data).reshape(shape));
      return {
        run: () => ops[op](xs),
        // jax-js is lazy: an array nobody waits on may never be computed, so wait on every result
        // (this dispatches them all in one go), then read the last one back like the others.
        sync: async (rs) => {
          await jax.blockUntilReady(rs.slice(0, -1)); // waits without consuming
          await rs[rs.length - 1].ref.data(); // data() consumes one reference
        },
        free: (rs) => { for (const r of rs) r.dispose(); },
        done: () => { for (const x of xs) x.dispose(); },
      };
    },
  };
}

/**
 * Starts the requested libraries; one that fails to start is reported and left out rather than
 * stopping the run. `distUrl` is the URL of our built dist/index.js.
 */
export async function loadLibs(names, distUrl, log = console.log) {
  const makers = { ours: () => oursLib(distUrl), tfjs: tfjsLib, jax: jaxLib };
  const libs = [];
  for (const n of names) {
    if (!makers[n]) throw new Error(`unknown library "${n}" (expected ours, tfjs or jax)`);
    try {
      const lib = await makers[n]();
      libs.push(lib);
      const got = adapters.filter((a) => a.lib === lib.name).map((a) => a.adapter);
      log(JSON.stringify({ impl: lib.name, started: true, adapter: got[got.length - 1] ?? 'not seen (own WebGPU instance)', info: lib.info() }));
    } catch (e) {
      log(JSON.stringify({ impl: n, started: false, error: e instanceof Error ? e.message : String(e) }));
    }
  }
  currentLib = 'bench';
  return libs;
}
