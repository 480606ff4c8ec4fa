/**
 * The gpujs backend: the accelerated fallback where WebGPU is missing. Kernels are gpu.js kernels
 * (./kernels.ts) that run on WebGL2 in browsers, keeping results in textures between ops, and on
 * gpu.js's WebAssembly (or plain JavaScript) modes in Node, where results are host arrays.
 * A kernel variant gpu.js cannot compile or run, or a tensor too large for float32 indexing, runs
 * on the cpu reference kernel for that call instead, with one console warning per kernel name.
 */
import { type Backend, type BufferLimit, type KernelAttrs, type KernelName, TYPED_ARRAY_LIMIT } from '../backend.js';
import { type StorageDType as DType, type StorageArray as TypedArray, makeArray } from '../../dtype.js';
import { KERNELS } from '../cpu/kernels.js';
import type { CpuHandle } from '../cpu/index.js';
import { type Arg, type DeviceData, type GpuJsHandle, type GpuTexture, type Launcher, GPUJS_KERNELS } from './kernels.js';

export type { GpuJsHandle } from './kernels.js';

/** The slice of gpu.js this backend uses (gpu.js is an optional peer dependency, so no import of its types). */
interface GpuKernel {
  (...args: unknown[]): unknown;
  kernel?: { constructor: { name: string }; context?: unknown };
  destroy?(removeCanvasReferences?: boolean): void;
}
interface GpuInstance {
  mode: string;
  createKernel(source: string, settings: Record<string, unknown>): GpuKernel;
  destroy(): unknown;
}
type GpuClass = new (settings?: { mode?: string }) => GpuInstance;

/** gpu.js modes this backend can be asked to use (default: gpu.js picks the best it has). */
export type GpuJsMode = 'gpu' | 'webgl2' | 'webgl' | 'headlessgl' | 'webasm' | 'cpu';

export interface GpuJsOptions {
  mode?: GpuJsMode;
}

/** Beyond 2^24 a float32 no longer holds every integer, so gpu.js indices would be inexact. */
export const MAX_EXACT = 2 ** 24;

/** Kernel class names of gpu.js mapped to the modes they run in. */
const MODES: Record<string, string> = {
  WebGL2Kernel: 'webgl2', WebGLKernel: 'webgl', HeadlessGLKernel: 'headlessgl',
  WebAssemblyKernel: 'webasm', CPUKernel: 'cpu', WebGPUKernel: 'webgpu',
};
const DEVICE_MODES = new Set(['webgl2', 'webgl', 'headlessgl']);

/** WebGL renderers that draw on the CPU: SwiftShader, Mesa's llvmpipe/softpipe, Windows' WARP. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|warp/i;

/** The WebGL renderer behind a gpu.js kernel's context (unmasked where the browser allows). */
function rendererOf(context: unknown): string {
  const gl = context as { getExtension?(n: string): { UNMASKED_RENDERER_WEBGL: number } | null; getParameter?(p: number): unknown; RENDERER?: number } | undefined;
  if (!gl?.getParameter) return '';
  try {
    const ext = gl.getExtension?.('WEBGL_debug_renderer_info');
    return String((ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER ?? 0x1f01)) ?? '');
  } catch {
    return '';
  }
}

const isTexture = (d: DeviceData): d is GpuTexture => !(d instanceof Float32Array);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);

function isGpuClass(x: unknown): x is GpuClass {
  return typeof x === 'function' && typeof (x as { prototype?: { createKernel?: unknown } }).prototype?.createKernel === 'function';
}

/** gpu.js's GPU class: from a page that loaded gpu-browser.js with a script tag, else the npm package. */
async function loadGpuJs(): Promise<GpuClass> {
  // Browsers with WebGPU have a built-in `GPU` interface too: accept only gpu.js's class.
  const g = (globalThis as { GPU?: unknown }).GPU;
  if (isGpuClass(g)) return g;
  const inner = (g as { GPU?: unknown } | undefined)?.GPU;
  if (isGpuClass(inner)) return inner;
  const spec = 'gpu.js';
  let mod: { GPU?: unknown; default?: { GPU?: unknown } };
  try {
    mod = (await import(/* @vite-ignore */ spec)) as typeof mod;
  } catch (e) {
    throw new Error(`gpujs backend: the 'gpu.js' package could not be loaded (${message(e)}); install it with \`npm install gpu.js\``);
  }
  const cls = mod.GPU ?? mod.default?.GPU;
  if (!isGpuClass(cls)) throw new Error("gpujs backend: the 'gpu.js' package has no GPU class (expected gpu.js 2.x)");
  return cls;
}

export class GpuJsBackend implements Backend<GpuJsHandle> {
  readonly name = 'gpujs' as const;
  /** @internal Test hook: kernels named here fail to compile, as if gpu.js rejected them. */
  readonly failCompile = new Set<KernelName>();
  private gpu: GpuInstance | null = null;
  private mode = '';
  private device = false;
  private kernels = new Map<string, GpuKernel | Error>();
  private warned = new Set<string>();
  private fallbackCounts = new Map<string, number>();
  private current: KernelName | null = null;
  private bytes = 0;
  private textures = 0;
  /** WebGL kernels each keep their last output texture for reuse: a cache that lives until dispose. */
  private kernelBytes = 0;
  /** the WebGL renderer string in WebGL modes ('' where none is told) */
  private renderer = '';
  private readonly rt: Launcher;

  constructor(private readonly options: GpuJsOptions = {}) {
    const self = this;
    this.rt = {
      get device() { return self.device; },
      launch: (src, size, args) => this.launch(src, size, args),
      assign: (h, data) => this.setData(h, data),
      temp: (data, size) => {
        const h: GpuJsHandle = { size, dtype: 'float32', data: null };
        this.setData(h, data);
        return h;
      },
      drop: (h) => this.setData(h, null),
      move: (from, to) => {
        const d = from.data;
        if (!d) throw new Error('gpujs: move from an empty temporary');
        from.data = null;
        this.account(d, from.size, -1);
        this.setData(to, d);
      },
    };
  }

  async init(): Promise<void> {
    const GPU = await loadGpuJs();
    let gpu: GpuInstance;
    try {
      gpu = new GPU(this.options.mode ? { mode: this.options.mode } : {});
    } catch (e) {
      throw new Error(`gpujs backend: gpu.js could not create a context (${message(e)})`);
    }
    // A backend counts only once a kernel has really run and given float32 results.
    let mode = gpu.mode;
    try {
      const probe = gpu.createKernel('function(a) { return a[this.thread.x] * 2 + 0.25; }', { output: [3], precision: 'single' });
      const out = probe(new Float32Array([1.5, -3.25, 0.001])) as ArrayLike<number>;
      mode = MODES[probe.kernel?.constructor.name ?? ''] ?? gpu.mode;
      this.renderer = rendererOf(probe.kernel?.context);
      const want = [3.25, -6.25, Math.fround(Math.fround(0.001) * 2 + 0.25)];
      if (!out || want.some((w, i) => Math.abs(Number(out[i]) - w) > 1e-6)) {
        throw new Error(`probe kernel returned [${Array.from(out ?? [], Number).join(', ')}], expected [${want.join(', ')}] (no float32 precision?)`);
      }
      probe.destroy?.();
    } catch (e) {
      void gpu.destroy();
      throw new Error(`gpujs backend: gpu.js (mode ${mode}) failed its probe kernel: ${message(e)}`);
    }
    this.gpu = gpu;
    this.mode = mode;
    this.device = DEVICE_MODES.has(mode);
  }

  /** Results live in host arrays, or in textures only up to 2^24 elements (larger ones run on host arrays). */
  bufferLimit(): BufferLimit {
    return TYPED_ARRAY_LIMIT;
  }

  alloc(size: number, dtype: DType): GpuJsHandle {
    return { size, dtype, data: null };
  }

  free(handle: GpuJsHandle): void {
    this.setData(handle, null);
  }

  write(handle: GpuJsHandle, data: TypedArray): void {
    if (data.length !== handle.size) throw new Error(`gpujs.write: ${data.length} values for a buffer of ${handle.size}`);
    this.setData(handle, Float32Array.from(data));
  }

  async read(handle: GpuJsHandle): Promise<TypedArray> {
    const host = this.host(handle);
    return handle.dtype === 'int32' ? Int32Array.from(host) : host.slice();
  }

  run<K extends KernelName>(kernel: K, inputs: readonly GpuJsHandle[], outputs: readonly GpuJsHandle[], attrs: KernelAttrs[K]): void {
    if (!this.gpu) throw new Error('gpujs backend: run before init()');
    let reason = this.tooLarge(inputs, outputs);
    if (!reason) {
      this.current = kernel;
      try {
        GPUJS_KERNELS[kernel](this.rt, inputs, outputs, attrs);
        return;
      } catch (e) {
        reason = `gpu.js could not compile or run it: ${message(e)}`;
      } finally {
        this.current = null;
      }
    }
    this.fallback(kernel, inputs, outputs, attrs, reason);
  }

  flush(): void {}

  memory(): Record<string, number> {
    return { gpujsBytes: this.bytes, gpujsTextures: this.textures, gpujsKernels: this.kernels.size, gpujsKernelCacheBytes: this.kernelBytes };
  }

  info(): Record<string, string | number | boolean> {
    return {
      backend: 'gpujs',
      mode: this.mode,
      ...(this.renderer ? { renderer: this.renderer } : {}),
      deviceResident: this.device,
      description: this.device ? `gpu.js on ${this.mode} (results stay in textures)` : `gpu.js ${this.mode} kernels on host arrays`,
      maxExactIndex: MAX_EXACT,
      cpuFallbacks: [...this.fallbackCounts].map(([k, n]) => `${k}:${n}`).join(',') || 'none',
    };
  }

  emulated(): string | null {
    if (!this.gpu) return null;
    if (!this.device) return `gpu.js's ${this.mode} mode, which runs its kernels on the CPU`;
    if (SOFTWARE_RENDERER.test(this.renderer)) return `a software WebGL renderer (${this.renderer})`;
    return null;
  }

  /** @internal How often each kernel ran on the cpu kernel instead of gpu.js. */
  fallbacks(): Record<string, number> {
    return Object.fromEntries(this.fallbackCounts);
  }

  dispose(): void {
    for (const k of this.kernels.values()) if (!(k instanceof Error)) k.destroy?.();
    this.kernels.clear();
    this.kernelBytes = 0;
    if (this.gpu) void this.gpu.destroy();
    this.gpu = null;
  }

  // ---- internals ----

  private tooLarge(inputs: readonly GpuJsHandle[], outputs: readonly GpuJsHandle[]): string | null {
    const big = [...inputs, ...outputs].find((h) => h.size > MAX_EXACT);
    return big ? `a tensor of ${big.size} elements exceeds 2^24, beyond which gpu.js's float32 indices are inexact` : null;
  }

  /** Run the cpu reference kernel on host copies, then store its outputs back. */
  private fallback<K extends KernelName>(kernel: K, inputs: readonly GpuJsHandle[], outputs: readonly GpuJsHandle[], attrs: KernelAttrs[K], reason: string): void {
    if (!this.warned.has(kernel)) {
      this.warned.add(kernel);
      console.warn(`gpujs: kernel '${kernel}' runs on the cpu kernel instead (${reason}); later fallbacks of '${kernel}' are silent`);
    }
    this.fallbackCounts.set(kernel, (this.fallbackCounts.get(kernel) ?? 0) + 1);
    const toCpu = (h: GpuJsHandle): CpuHandle => {
      const arr = makeArray(h.dtype, h.size);
      arr.set(this.host(h));
      return { data: arr };
    };
    const outs = outputs.map(toCpu);
    KERNELS[kernel](inputs.map(toCpu), outs, attrs);
    outputs.forEach((h, i) => this.setData(h, Float32Array.from(outs[i]!.data)));
  }

  /** The handle's values on the host (zeros for a never-written buffer). */
  private host(h: GpuJsHandle): Float32Array {
    const d = h.data;
    if (!d) return new Float32Array(h.size);
    if (!isTexture(d)) return d;
    const arr = d.toArray();
    return arr instanceof Float32Array && arr.length === h.size ? arr : Float32Array.from(Array.prototype.slice.call(arr, 0, h.size) as number[]);
  }

  private launch(src: string, size: number, args: readonly Arg[]): DeviceData {
    const gpu = this.gpu!;
    const values = args.map((a) => (typeof a === 'number' ? a : this.kernelInput(a)));
    // Array and texture arguments compile differently in gpu.js, so both are part of the key.
    const sig = args.map((a, i) => (typeof a === 'number' ? 'n' : (isTexture(values[i] as DeviceData) ? 't' : 'a') + (values[i] as { length?: number }).length)).join(',');
    const key = `${src}|${size}|${sig}`;
    let k = this.kernels.get(key);
    if (k instanceof Error) throw k;
    if (!k) {
      try {
        if (this.current && this.failCompile.has(this.current)) throw new Error(`compile of '${this.current}' forced to fail (test hook)`);
        k = gpu.createKernel(src, { output: [size], pipeline: this.device, immutable: true, precision: 'single', tactic: 'precision' });
        if (this.device) this.kernelBytes += size * 4;
        this.evict();
        this.kernels.set(key, k);
      } catch (e) {
        const err = new Error(message(e));
        this.kernels.set(key, err);
        throw err;
      }
    }
    let out: unknown;
    try {
      out = k(...values);
    } catch (e) {
      // gpu.js compiles on the first call: remember a variant that cannot build
      const err = new Error(message(e));
      this.kernels.set(key, err);
      k.destroy?.();
      throw err;
    }
    if (out instanceof Float32Array) return out.length === size ? out : out.slice(0, size);
    if (out && typeof (out as GpuTexture).toArray === 'function') return out as GpuTexture;
    return Float32Array.from(out as ArrayLike<number>);
  }

  /**
   * Keep the cache bounded in host modes. WebGL kernels are never evicted: destroying one deletes
   * the GL textures of every output it produced, including those live tensors still hold.
   */
  private evict(): void {
    if (this.device || this.kernels.size < 512) return;
    const [oldest, k] = this.kernels.entries().next().value as [string, GpuKernel | Error];
    this.kernels.delete(oldest);
    if (!(k instanceof Error)) k.destroy?.();
  }

  private kernelInput(h: GpuJsHandle): DeviceData {
    // gpu.js rejects empty arrays; a kernel never reads an empty input, so a placeholder does.
    if (h.size === 0) return new Float32Array(1);
    if (!h.data) this.setData(h, new Float32Array(h.size));
    return h.data!;
  }

  private account(d: DeviceData, size: number, sign: 1 | -1): void {
    this.bytes += sign * size * 4;
    if (isTexture(d)) this.textures += sign;
  }

  private setData(h: GpuJsHandle, data: DeviceData | null): void {
    const old = h.data;
    if (old === data) return;
    if (old) {
      this.account(old, h.size, -1);
      if (isTexture(old)) old.delete();
    }
    h.data = data;
    if (data) this.account(data, h.size, 1);
  }
}
