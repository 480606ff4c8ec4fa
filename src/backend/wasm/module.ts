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
  'depthwise', 'depthwise_input_grad', 'depthwise_filter_grad',
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

export type ModuleKind = 'single' | 'threads';

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
        throw new Error(`wasm backend: this runtime cannot compile the ${kind === 'threads' ? 'SIMD + threads' : 'SIMD'} module (WebAssembly SIMD${kind === 'threads' ? ' and atomics' : ''} needed: Node 16.4+, Deno, Chrome 91+, Firefox 89+, Safari 16.4+): ${(e as Error).message}`);
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
