/**
 * Finding a WebGPU device in each runtime: `navigator.gpu` in browsers and Deno; in Node the
 * `webgpu` package (Dawn), imported lazily so that browser bundles never contain it.
 */
import { denoRuntimeDir, nodeRuntimeDir } from './runtime-dir.js';

/** What init found: the device, and facts about the adapter for backendInfo(). */
export interface Acquired {
  device: GPUDevice;
  runtime: string;
  info: Record<string, string | number | boolean>;
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

interface NodeProcess {
  versions?: { node?: string };
  platform?: string;
  env: Record<string, string | undefined>;
}

/**
 * Dawn's GPU object must outlive every adapter and device made from it: if it is garbage-collected
 * while a device is in use, the process aborts later. It is held here for the life of the process.
 */
let nodeGpu: GPU | null = null;

function nodeProcess(): NodeProcess | null {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p?.versions?.node && !(globalThis as { Deno?: unknown }).Deno ? p : null;
}

function runtimeName(): string {
  if ((globalThis as { Deno?: unknown }).Deno) return 'Deno';
  if (nodeProcess()) return 'Node';
  return 'this browser';
}

async function nodeGpuObject(proc: NodeProcess): Promise<GPU> {
  if (nodeGpu) return nodeGpu;
  // Before Dawn loads the Vulkan loader, which reads it.
  await nodeRuntimeDir(proc.env, proc.platform);
  // Linux without a GPU: Debian's chromium package ships SwiftShader, a software Vulkan driver that
  // Dawn accepts. Point the Vulkan loader at it unless the user chose a driver already.
  if (proc.platform === 'linux' && proc.env['VK_ICD_FILENAMES'] === undefined && proc.env['VK_DRIVER_FILES'] === undefined) {
    const fsName = 'node:fs';
    const fs = (await import(/* @vite-ignore */ fsName)) as { existsSync(p: string): boolean };
    if (fs.existsSync(SWIFTSHADER_ICD)) proc.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
  }
  const spec = 'webgpu';
  let mod: { create(flags: string[]): GPU };
  try {
    mod = (await import(/* @vite-ignore */ spec)) as typeof mod;
  } catch (e) {
    throw new Error(`webgpu backend: in Node the optional package 'webgpu' (Dawn) is needed: npm install webgpu (${(e as Error).message})`);
  }
  nodeGpu = mod.create([]);
  return nodeGpu;
}

function noAdapterHelp(runtime: string, tried: string): string {
  const vk = nodeProcess()?.env['VK_ICD_FILENAMES'];
  const lines = [`webgpu backend: no WebGPU adapter in ${runtime} (tried ${tried}).`];
  if (runtime === 'Node' || runtime === 'Deno') {
    lines.push(
      vk ? `VK_ICD_FILENAMES is '${vk}'; check that this Vulkan driver file exists and loads.` : 'No Vulkan driver answered.',
      'On Linux without a GPU install a software Vulkan driver: SwiftShader from Debian\'s chromium package ' +
        `(apt-get install chromium libvulkan1; VK_ICD_FILENAMES=${SWIFTSHADER_ICD})` +
        (runtime === 'Deno' ? ', or lavapipe (apt-get install mesa-vulkan-drivers).' : '.'),
    );
  } else {
    lines.push('Use a browser with WebGPU enabled (Chrome/Edge 113+, or Chromium with --enable-unsafe-webgpu).');
  }
  return lines.join(' ');
}

/** The limits a kernel planner reads; requested at the adapter's real values, not the defaults. */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ', 'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage',
] as const;

export async function acquireDevice(): Promise<Acquired> {
  const runtime = runtimeName();
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  let gpu: GPU | undefined = nav?.gpu;
  let tried = 'navigator.gpu';
  const proc = nodeProcess();
  if (!gpu && proc) {
    gpu = await nodeGpuObject(proc);
    tried = `the 'webgpu' package (Dawn)${proc.env['VK_ICD_FILENAMES'] ? ` with VK_ICD_FILENAMES=${proc.env['VK_ICD_FILENAMES']}` : ''}`;
  }
  if (!gpu) throw new Error(noAdapterHelp(runtime, `${tried}, which is missing`));
  const deno = (globalThis as { Deno?: Parameters<typeof denoRuntimeDir>[0] }).Deno;
  if (deno) denoRuntimeDir(deno);
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new Error(`${noAdapterHelp(runtime, tried)} (requestAdapter failed: ${(e as Error).message})`);
  }
  if (!adapter) throw new Error(noAdapterHelp(runtime, tried));
  const requiredLimits: Record<string, number> = {};
  for (const k of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  // Subgroup operations let the CPU-adapter matmul share loads inside a quad (see ./matmul.ts).
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('subgroups') ? ['subgroups' as GPUFeatureName] : [];
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const ai = (adapter as { info?: GPUAdapterInfo }).info;
  const info: Record<string, string | number | boolean> = {
    backend: 'webgpu',
    runtime,
    vendor: ai?.vendor ?? '',
    architecture: ai?.architecture ?? '',
    device: ai?.device ?? '',
    description: ai?.description ?? '',
    isFallbackAdapter: !!(ai as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter,

    subgroups: device.features.has('subgroups'),
  };
  for (const k of WANTED_LIMITS) info[k] = (device.limits as unknown as Record<string, number>)[k] ?? 0;
  if (proc?.env['VK_ICD_FILENAMES']) info['vulkanDriver'] = proc.env['VK_ICD_FILENAMES'];
  return { device, runtime, info };
}
