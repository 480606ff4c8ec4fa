/**
 * Global engine state: the registered backends, the active one, live-tensor accounting, tidy scopes
 * and the active gradient tape. Kept in one small object so every layer sees the same state.
 */
import type { Backend, BackendName } from './backend/backend.js';
import { BACKEND_NAMES } from './backend/backend.js';
import type { Tensor } from './tensor.js';

/** Makes a backend instance (not yet initialised); registerBackend keeps one per name. */
export type BackendFactory = () => Promise<Backend>;

/**
 * A cheap check made before a backend is started by wt.init(): why it would run emulated on the
 * CPU here (so it would rank below wasm), or null when it may not. It must not start the backend.
 */
export type BackendProbe = () => Promise<string | null>;

/** One recorded op: its inputs, its output, and how to turn dL/dOutput into dL/dInput for each input. */
export interface TapeNode {
  name: string;
  inputs: readonly Tensor[];
  output: Tensor;
  /** `needs[i]` is false when input i gets no gradient (it depends on no watched tensor), so a rule may skip it. */
  backward: (dy: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[];
}

export interface Tape {
  nodes: TapeNode[];
  /** ids of tensors that depend on a watched input: only ops touching these are recorded. */
  live: Set<number>;
  /**
   * The tape of an enclosing gradient (grad inside grad), which records the same ops where they
   * touch its own watched tensors, and the inner backward pass, so that it can be differentiated again.
   */
  parent?: Tape | null;
}

/** One backend wt.init() considered, in the order tried: `ok` for the one chosen; the others say why they were passed over. */
export interface BackendAttempt {
  /** The backend's name. */
  name: BackendName;
  /** Whether it was chosen. */
  ok: boolean;
  /** True when it started but ranked below the chosen one (a GPU emulated on the CPU). */
  started?: boolean;
  /** Why it was passed over: its start Error's message, or why it ranked lower. */
  reason?: string;
}

/** What backendInfo returns. */
export interface BackendInfo {
  /** The active backend. */
  backend: BackendName;
  /** Facts about its device: for webgpu the adapter's vendor, architecture, description and limits. */
  device: Record<string, string | number | boolean>;
  /** The backends the last init tried, in order, with the reason each one that failed gave. */
  attempts: BackendAttempt[];
}

export const engine = {
  factories: new Map<BackendName, BackendFactory>(),
  probes: new Map<BackendName, BackendProbe>(),
  instances: new Map<BackendName, Backend>(),
  backend: null as Backend | null,
  attempts: [] as BackendAttempt[],
  nextId: 0,
  numTensors: 0,
  numBytes: 0,
  /** Live backend buffers (reshaped views share one). */
  numBuffers: 0,
  scopes: [] as Set<Tensor>[],
  tape: null as Tape | null,
  /** The user's cap on the bytes of all live tensors (wt.setMemoryLimit); null: none. */
  memoryLimit: null as number | null,
  /** How many ops (see defineOp) are running, nested; 0 outside any op. */
  opDepth: 0,
  /** Tensors created since the outermost running op began: an op that throws disposes its own. */
  created: [] as Tensor[],
  /** The outermost op now running, named in allocation errors raised deep inside it. */
  opName: null as string | null,
  /** Set while wt.profile runs: each kernel call is logged and the peak of live bytes tracked. */
  profiling: null as ProfileLog | null,
};

/** What wt.profile collects while its function runs. */
export interface ProfileLog {
  peakBytes: number;
  kernels: { name: string; kernel: string; inputShapes: number[][]; outputShapes: number[][]; bytesAdded: number; totalBytesSnapshot: number; tensorsAdded: number; totalTensorsSnapshot: number; kernelTimeMs: number }[];
}

/**
 * Register (or replace) the factory behind a backend name; it is called the first time the backend
 * is set. The name must be one of the known backend names. `probe`, when given, lets wt.init()
 * pass the backend over without starting it (see BackendProbe).
 */
export function registerBackend(name: BackendName, factory: BackendFactory, probe?: BackendProbe): void {
  engine.factories.set(name, factory);
  if (probe) engine.probes.set(name, probe);
  else engine.probes.delete(name);
}

function checkName(name: unknown): BackendName {
  if (!BACKEND_NAMES.includes(name as BackendName)) {
    throw new Error(`setBackend: unknown backend '${String(name)}' (expected one of ${BACKEND_NAMES.join(', ')})`);
  }
  return name as BackendName;
}

/** Initialise (once) and return the named backend without making it the active one. */
export async function getBackendInstance(name: BackendName): Promise<Backend> {
  checkName(name);
  const have = engine.instances.get(name);
  if (have && !(have as { lost?: string }).lost) return have;
  const factory = engine.factories.get(name);
  if (!factory) throw new Error(`setBackend: backend '${name}' is not registered in this build`);
  const b = await factory();
  await b.init();
  engine.instances.set(name, b);
  return b;
}

/** Make `name` the backend that new tensors are created on. Throws a clear Error when it cannot run here. */
export async function setBackend(name: BackendName): Promise<void> {
  const b = await getBackendInstance(checkName(name));
  engine.backend = b;
}

/**
 * Choose the fastest backend that works here, start it and make it active; returns its name.
 * The ranking: webgpu on a hardware adapter; wasm; gpujs on a hardware WebGL2 context (below wasm:
 * see README, "Backends"); then, where wasm cannot start either, webgpu on a software adapter
 * (SwiftShader, lavapipe, WARP: shaders emulated on the CPU), gpujs on a software renderer or in its
 * CPU modes, and last cpu. Only what the choice depends on is started: where the webgpu backend's
 * probe already knows that every adapter here is emulated (in Node: only software Vulkan drivers,
 * or a software adapter offered first), webgpu is started only if wasm cannot start.
 * `backendInfo().attempts` says why each backend tried was passed over. With `order`, the first
 * that starts wins.
 */
export async function init(order?: readonly BackendName[]): Promise<BackendName> {
  engine.attempts = [];
  if (order) {
    for (const name of order) {
      try {
        await setBackend(name);
        engine.attempts.push({ name, ok: true });
        return name;
      } catch (e) {
        engine.attempts.push({ name, ok: false, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    throw new Error(`init: no backend could start: ${engine.attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')}`);
  }
  const tried: { name: BackendName; backend: Backend | null; reason: string; emulated: string | null }[] = [];
  const start = async (name: BackendName): Promise<(typeof tried)[number]> => {
    let t: (typeof tried)[number];
    try {
      const backend = await getBackendInstance(name);
      t = { name, backend, reason: '', emulated: backend.emulated?.() ?? null };
    } catch (e) {
      t = { name, backend: null, reason: e instanceof Error ? e.message : String(e), emulated: null };
    }
    tried.push(t);
    return t;
  };
  /** The probe's reason to defer `name`; null when there is none, it is running already, or the probe fails. */
  const probe = async (name: BackendName): Promise<string | null> => {
    const p = engine.probes.get(name);
    if (!p || engine.instances.has(name)) return null;
    try {
      return await p();
    } catch {
      return null;
    }
  };
  const choose = (chosen: (typeof tried)[number]): BackendName => {
    engine.backend = chosen.backend;
    for (const t of tried) {
      if (t === chosen) engine.attempts.push({ name: t.name, ok: true });
      else if (!t.backend) engine.attempts.push({ name: t.name, ok: false, reason: t.reason });
      else engine.attempts.push({ name: t.name, ok: false, started: true, reason: `it runs on ${t.emulated}, which is slower than ${chosen.name}` });
    }
    return chosen.name;
  };
  const deferred = await probe('webgpu');
  let webgpu = deferred ? null : await start('webgpu');
  if (webgpu?.backend && !webgpu.emulated) return choose(webgpu);
  const wasm = await start('wasm');
  if (wasm.backend) {
    if (deferred) tried.unshift({ name: 'webgpu', backend: null, reason: `not started: ${deferred}, which is slower than wasm`, emulated: null });
    return choose(wasm);
  }
  const gpujs = await start('gpujs');
  if (gpujs.backend && !gpujs.emulated) return choose(gpujs);
  webgpu ??= await start('webgpu');
  if (webgpu.backend) return choose(webgpu);
  if (gpujs.backend) return choose(gpujs);
  const cpu = await start('cpu');
  if (cpu.backend) return choose(cpu);
  throw new Error(`init: no backend could start: ${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')}`);
}

/** The name of the active backend (cpu when none was set). */
export function getBackend(): BackendName {
  return activeBackend().name;
}

/** The active backend; the cpu backend is chosen on first use if nothing was set. */
export function activeBackend(): Backend {
  if (!engine.backend) {
    const cpu = engine.instances.get('cpu');
    if (!cpu) throw new Error('no backend is active: call `await wt.init()` or `await wt.setBackend(name)` first');
    engine.backend = cpu;
  }
  return engine.backend;
}

/** The active backend, what it runs on, and why each backend tried before it was skipped. */
export function backendInfo(): BackendInfo {
  const b = activeBackend();
  return { backend: b.name, device: b.info(), attempts: engine.attempts.slice() };
}
