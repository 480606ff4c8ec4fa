/** Placeholder until the webgpu backend lands: it reports that it is unavailable. */
import type { Backend, Handle } from '../backend.js';

const missing = (): never => {
  throw new Error('webgpu backend: not built yet');
};

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu' as const;
  async init(): Promise<void> { missing(); }
  alloc(): Handle { return missing(); }
  free(): void { missing(); }
  write(): void { missing(); }
  read(): Promise<Float32Array> { return missing(); }
  run(): void { missing(); }
  flush(): void {}
  memory(): Record<string, number> { return {}; }
  info(): Record<string, string> { return {}; }
  dispose(): void {}
}
