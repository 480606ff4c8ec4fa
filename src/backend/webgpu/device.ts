/**
 * Finding a WebGPU device in each runtime: `navigator.gpu` in browsers and Deno; in Node the
 * `webgpu` package (Dawn), imported lazily so that browser bundles never contain it.
 */
import { denoRuntimeDir, nodeRuntimeDir } from './runtime-dir.js';
import { gpuNodes, nodeVulkanHost, softwareOnly, SWIFTSHADER_ICD, vulkanFacts } from './vulkan.js';

/** What init found: the device, and facts about the adapter for backendInfo(). */
export interface Acquired {
  device: GPUDevice;
  runtime: string;
  info: Record<string, string | number | boolean>;
}

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
/** The adapter that probeNode() requested, handed to the first acquireDevice (an adapter gives one device). */
let probedAdapter: GPUAdapter | null = null;

function nodeProcess(): NodeProcess | null {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p?.versions?.node && !(globalThis as { Deno?: unknown }).Deno ? p : null;
}

function runtimeName(): string {
  if ((globalThis as { Deno?: unknown }).Deno) return 'Deno';
  const proc = nodeProcess() as { versions?: { bun?: string } } | null;
  if (proc) return proc.versions?.bun ? 'Bun' : 'Node';
  return 'this browser';
}

async function nodeGpuObject(proc: NodeProcess): Promise<GPU> {
  if (nodeGpu) return nodeGpu;
  // Before Dawn loads the Vulkan loader, which reads it.
  await nodeRuntimeDir(proc.env, proc.platform);
  // Linux without a GPU: Debian's chromium package ships SwiftShader, a software Vulkan driver that
  // Dawn accepts. Point the Vulkan loader at it unless the user chose a driver already or a hardware
  // driver has a GPU to drive.
  if (proc.platform === 'linux') {
    const host = await nodeVulkanHost(proc.env);
    if (host && vulkanFacts(host, gpuNodes(host)).useSwiftShader) proc.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
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

/** Software adapters (SwiftShader, lavapipe/llvmpipe, WARP) run shaders on the CPU. */
export function isCpuAdapter(info: Record<string, string | number | boolean>): boolean {
  if (info['isFallbackAdapter'] === true) return true;
  const text = ['vendor', 'architecture', 'device', 'description'].map((k) => String(info[k] ?? '')).join(' ').toLowerCase();
  return /swiftshader|llvmpipe|lavapipe|software|warp|cpu/.test(text);
}

function adapterFacts(adapter: GPUAdapter): Record<string, string | number | boolean> {
  const ai = (adapter as { info?: GPUAdapterInfo }).info;
  return {
    vendor: ai?.vendor ?? '',
    architecture: ai?.architecture ?? '',
    device: ai?.device ?? '',
    description: ai?.description ?? '',
    isFallbackAdapter: !!(ai as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter,
  };
}

/**
 * In Node, before the backend starts: why every adapter here would run shaders on the CPU, or null
 * when a hardware one may be there (and in every other runtime). First from the Vulkan driver files
 * and device nodes on Linux (nothing loaded); when those allow a GPU, from the adapter that Dawn
 * returns, which is kept for the device so that nothing is requested twice.
 */
export async function probeNode(): Promise<string | null> {
  const proc = nodeProcess();
  if (!proc || (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu) return null;
  if (proc.platform === 'linux') {
    const host = await nodeVulkanHost(proc.env);
    const why = host && softwareOnly(vulkanFacts(host, gpuNodes(host)));
    if (why) return why;
  }
  let gpu: GPU;
  try {
    gpu = await nodeGpuObject(proc);
    probedAdapter ??= await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    return null; // the backend's own start reports the failure
  }
  if (!probedAdapter) return null;
  const info = adapterFacts(probedAdapter);
  if (!isCpuAdapter(info)) return null;
  const name = [info['description'], info['device'], info['architecture'], info['vendor']].map(String).find((v) => v) ?? 'unnamed';
  return `the adapter Dawn offers (${name}) is a software one that runs shaders on the CPU`;
}

function noAdapterHelp(runtime: string, tried: string): string {
  const vk = nodeProcess()?.env['VK_ICD_FILENAMES'];
  const lines = [`webgpu backend: no WebGPU adapter in ${runtime} (tried ${tried}).`];
  if (runtime === 'Node' || runtime === 'Deno' || runtime === 'Bun') {
    // Bun's process.env does not reach the C environment that the Vulkan loader reads.
    if (runtime === 'Bun') lines.push('In Bun, set VK_ICD_FILENAMES in the environment before bun starts (the backend\'s own setting does not reach the Vulkan loader there).');
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
  let adapter: GPUAdapter | null = proc ? probedAdapter : null;
  probedAdapter = null;
  try {
    adapter ??= await gpu.requestAdapter({ powerPreference: 'high-performance' });
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
  const info: Record<string, string | number | boolean> = {
    backend: 'webgpu',
    runtime,
    ...adapterFacts(adapter),
    subgroups: device.features.has('subgroups'),
  };
  for (const k of WANTED_LIMITS) info[k] = (device.limits as unknown as Record<string, number>)[k] ?? 0;
  if (proc?.env['VK_ICD_FILENAMES']) info['vulkanDriver'] = proc.env['VK_ICD_FILENAMES'];
  return { device, runtime, info };
}
