/** Placeholder until the gpujs backend lands: it reports that it is unavailable. */
import type { Backend, Handle } from '../backend.js';

const missing = (): never => {
  throw new Error('gpujs backend: not built yet');
};

export class GpuJsBackend implements Backend {
  readonly name = 'gpujs' as const;
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
