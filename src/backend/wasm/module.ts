/**
 * Loading the wasm backend's modules (built from c/ by scripts/build-wasm.mjs, embedded gzipped and
 * base64-encoded): unpacked with the runtime's DecompressionStream and compiled once per process,
 * asynchronously (browsers refuse large synchronous compiles on the main thread), and named here
 * with the exports the TypeScript side calls.
 */
import { MODULES } from './kernels.generated.js';

/** Kernels the module exports as tasks (each has a `task_<name>` export giving its table index). */
export const TASKS = [
  'unary', 'activation_grad', 'where', 'cast', 'binary', 'reduce', 'softmax', 'softmax_grad',
  'strided', 'pad', 'fill', 'concat', 'gather', 'scatter_add', 'one_hot', 'random', 'optimizer',
  'matmul_pack_b', 'matmul_compute', 'im2col', 'col2im', 'pool', 'pool_grad',
  'depthwise', 'depthwise_input_grad', 'depthwise_filter_grad', 'scan', 'topk',
] as const;
export type TaskName = (typeof TASKS)[number];

/** The module's exports (pointers are byte addresses in the memory). */
export interface WasmExports {
  __stack_pointer: WebAssembly.Global;
  __heap_base: WebAssembly.Global;
  wt_exec(fn: number, args: number, begin: number, end: number, tid: number): void;
  /** threaded module only */
  wt_work?(job: number, tid: number): number;
  matmul_mr(): number;
  matmul_nr(): number;
  [task: `task_${string}`]: () => number;
}

/** The embedded modules: one thread or threads over a shared memory, each plain or with relaxed SIMD. */
export type ModuleKind = 'single' | 'threads' | 'single-relaxed' | 'threads-relaxed';

/** The file each module is built to (scripts/build-wasm.mjs). */
export const MODULE_FILES: Record<ModuleKind, string> = {
  single: 'kernels.wasm', threads: 'kernels-threads.wasm',
  'single-relaxed': 'kernels-relaxed.wasm', 'threads-relaxed': 'kernels-threads-relaxed.wasm',
};

/** The module for `threads` (shared memory and workers) and `relaxed` SIMD. */
export const moduleKind = (threads: boolean, relaxed: boolean): ModuleKind =>
  `${threads ? 'threads' : 'single'}${relaxed ? '-relaxed' : ''}`;

/**
 * A module of one function (v128, v128, v128) -> v128 whose body is one f32x4.relaxed_madd
 * (opcode 0xfd 0x105): it validates exactly where the runtime has relaxed SIMD.
 */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 v128 v128) -> v128
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // local.get 0 1 2; relaxed_madd
]);

/** Does this runtime have WebAssembly relaxed SIMD? (Node 20 only with --experimental-wasm-relaxed-simd.) */
export function hasRelaxedSimd(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

const compiled = new Map<ModuleKind, Promise<WebAssembly.Module>>();

async function decode(b64: string): Promise<ArrayBuffer> {
  const bin = atob(b64);
  const gz = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) gz[i] = bin.charCodeAt(i);
  if (typeof DecompressionStream !== 'function') throw new Error('this runtime has no DecompressionStream');
  return new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
}

/** The compiled module of `kind`; throws a clear Error where WebAssembly or its SIMD is missing. */
export function compileModule(kind: ModuleKind): Promise<WebAssembly.Module> {
  let p = compiled.get(kind);
  if (!p) {
    p = (async () => {
      if (typeof WebAssembly !== 'object') throw new Error('wasm backend: this runtime has no WebAssembly');
      let bytes: ArrayBuffer;
      try {
        bytes = await decode(MODULES[kind]);
      } catch (e) {
        throw new Error(`wasm backend: the embedded module could not be unpacked (gzip through DecompressionStream: Node 18+, Deno, Chrome 80+, Firefox 113+, Safari 16.4+): ${(e as Error).message}`);
      }
      try {
        return await WebAssembly.compile(bytes);
      } catch (e) {
        const threads = kind.startsWith('threads'), relaxed = kind.endsWith('relaxed');
        const what = `SIMD${threads ? ' + threads' : ''}${relaxed ? ' + relaxed SIMD' : ''}`;
        const needs = `WebAssembly SIMD${threads ? ' and atomics' : ''}${relaxed ? ' and relaxed SIMD' : ''}`;
        throw new Error(`wasm backend: this runtime cannot compile the ${what} module (${needs} needed: Node 16.4+, Deno, Chrome 91+, Firefox 89+, Safari 16.4+${relaxed ? '; relaxed SIMD: Node 22+, Chrome 114+' : ''}): ${(e as Error).message}`);
      }
    })();
    compiled.set(kind, p);
    p.catch(() => compiled.delete(kind));
  }
  return p;
}

/** Bytes of each embedded module as shipped, gzipped (for backendInfo). */
export function moduleBytes(kind: ModuleKind): number {
  return Math.floor((MODULES[kind].length * 3) / 4);
}
