/**
 * Compiled kernels, cached by variant so each compiles once. A WGSL or validation error is caught
 * in an error scope and turned into an Error naming the kernel; the failed variant then throws
 * on every later use instead of reaching the GPU.
 */
import type { KernelName } from '../backend.js';
import { type Defines, shaderSource } from './template.js';

interface Entry {
  pipeline: GPUComputePipeline;
  error: Error | null;
}

export class PipelineCache {
  private readonly entries = new Map<string, Entry>();
  private readonly layouts = new Map<string, GPUPipelineLayout>();
  private readonly groupLayouts = new Map<string, GPUBindGroupLayout>();
  /** Compile checks still in flight; read() waits for them so errors surface before results. */
  readonly pending = new Set<Promise<void>>();
  /** Errors found since the last `takeErrors()`. */
  private errors: Error[] = [];

  constructor(private readonly device: GPUDevice) {}

  get size(): number {
    return this.entries.size;
  }

  /** Binding 0 is the uniform params; then `reads` read-only and `writes` read-write storage buffers. */
  groupLayout(reads: number, writes: number): GPUBindGroupLayout {
    const key = `${reads}r${writes}w`;
    let g = this.groupLayouts.get(key);
    if (!g) {
      // The params slot moves per dispatch (a dynamic offset), so bind groups can be reused (queue.ts).
      const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: GPUShaderStageCompute, buffer: { type: 'uniform', hasDynamicOffset: true } }];
      for (let i = 0; i < reads + writes; i++) {
        entries.push({ binding: i + 1, visibility: GPUShaderStageCompute, buffer: { type: i < reads ? 'read-only-storage' : 'storage' } });
      }
      g = this.device.createBindGroupLayout({ entries, label: key });
      this.groupLayouts.set(key, g);
      this.layouts.set(key, this.device.createPipelineLayout({ bindGroupLayouts: [g] }));
    }
    return g;
  }

  get(kernel: KernelName, shader: string, defines: Defines, reads: number, writes: number): GPUComputePipeline {
    const key = `${shader}:${reads}:${writes}:${JSON.stringify(defines)}`;
    const have = this.entries.get(key);
    if (have) {
      if (have.error) throw have.error;
      return have.pipeline;
    }
    const name = `${kernel} (${shader}.wgsl ${JSON.stringify(defines)})`;
    let code: string;
    try {
      code = shaderSource(shader, defines);
    } catch (e) {
      throw new Error(`webgpu: kernel '${kernel}': ${(e as Error).message.replace(/^webgpu: /, '')}`);
    }
    this.groupLayout(reads, writes);
    const layout = this.layouts.get(`${reads}r${writes}w`)!;
    const device = this.device;
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code, label: name });
    const pipeline = device.createComputePipeline({ layout, compute: { module, entryPoint: 'main' }, label: name });
    const entry: Entry = { pipeline, error: null };
    this.entries.set(key, entry);
    const check = device.popErrorScope().then(async (err) => {
      if (!err) return;
      let detail = err.message;
      try {
        const info = await module.getCompilationInfo();
        const msgs = info.messages.filter((m) => m.type === 'error').map((m) => `line ${m.lineNum}: ${m.message}`);
        if (msgs.length) detail = `${msgs.join('; ')} (${err.message})`;
      } catch { /* the scope's message is enough */ }
      entry.error = new Error(`webgpu: kernel '${kernel}' failed to compile (${shader}.wgsl, variant ${JSON.stringify(defines)}): ${detail}`);
      this.errors.push(entry.error);
    }, (e: unknown) => {
      this.errors.push(new Error(`webgpu: kernel '${kernel}': checking the compile failed: ${String(e)}`));
    });
    this.pending.add(check);
    void check.finally(() => this.pending.delete(check));
    return pipeline;
  }

  takeErrors(): Error[] {
    const e = this.errors;
    this.errors = [];
    return e;
  }
}

/** GPUShaderStage.COMPUTE, spelled out because Node has no GPUShaderStage global. */
const GPUShaderStageCompute = 4;
