/**
 * What the Vulkan loader will find on Linux, read from files alone (no driver is loaded), so that
 * wt.init() can tell without starting Dawn that every adapter it could get runs shaders on the CPU.
 * The loader reads driver manifests (ICD JSON files) from VK_DRIVER_FILES / VK_ICD_FILENAMES when
 * set, else from the standard folders; a hardware driver also needs its GPU's device node
 * (/dev/dri/renderD*, /dev/nvidia*, /dev/dxg under WSL): Mesa installs the Intel and AMD
 * manifests on every machine, GPU or not.
 */

/** Debian's chromium package ships SwiftShader, a software Vulkan driver that Dawn accepts. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** One driver manifest the loader would read. */
export interface VulkanDriver {
  /** the manifest's path */
  file: string;
  /** its ICD.library_path ('' when unreadable) */
  library: string;
  /** 'SwiftShader' or 'lavapipe' for a driver that runs on the CPU, null for a hardware one */
  software: string | null;
}

/** The file-system facts the decision reads (node:fs in Node; fakes in tests). */
export interface VulkanHost {
  env: Record<string, string | undefined>;
  /** the user's home folder, or null */
  home: string | null;
  /** the names of the entries in a folder, [] when it is missing */
  list(dir: string): string[];
  /** a file's text, null when it is missing or unreadable */
  read(file: string): string | null;
  /** whether the path is a folder */
  isDir(path: string): boolean;
}

/** The standard manifest folders of the Linux loader, in its order. */
export function searchDirs(env: Record<string, string | undefined>, home: string | null): string[] {
  const config = env['XDG_CONFIG_HOME'] || (home ? `${home}/.config` : '');
  const data = env['XDG_DATA_HOME'] || (home ? `${home}/.local/share` : '');
  const dirs = [config && `${config}/vulkan/icd.d`, '/etc/xdg/vulkan/icd.d', '/etc/vulkan/icd.d', data && `${data}/vulkan/icd.d`, '/usr/local/share/vulkan/icd.d', '/usr/share/vulkan/icd.d'];
  return dirs.filter((d) => d !== '');
}

function manifestsIn(host: VulkanHost, dir: string): string[] {
  return host.list(dir).filter((n) => n.endsWith('.json')).sort().map((n) => `${dir.replace(/\/+$/, '')}/${n}`);
}

/** The manifests the loader reads under this environment (an entry of VK_DRIVER_FILES may be a folder). */
export function driverFiles(host: VulkanHost): string[] {
  const env = host.env;
  const expand = (list: string): string[] => list.split(':').filter(Boolean).flatMap((p) => (host.isDir(p) ? manifestsIn(host, p) : [p]));
  const chosen = env['VK_DRIVER_FILES'] ?? env['VK_ICD_FILENAMES'];
  const base = chosen !== undefined ? expand(chosen) : searchDirs(env, host.home).flatMap((d) => manifestsIn(host, d));
  return [...base, ...expand(env['VK_ADD_DRIVER_FILES'] ?? '')];
}

/** Read one manifest and say whether its driver is a software one. */
export function classify(host: VulkanHost, file: string): VulkanDriver {
  let library = '';
  try {
    library = String((JSON.parse(host.read(file) ?? '{}') as { ICD?: { library_path?: unknown } }).ICD?.library_path ?? '');
  } catch {
    // an unreadable manifest: judged by its name
  }
  const text = `${file} ${library}`.toLowerCase();
  const software = /swiftshader/.test(text) ? 'SwiftShader' : /(^|[/_.-])(lvp|lavapipe)([/_.-]|$)/.test(text) ? 'lavapipe' : null;
  return { file, library, software };
}

/** What the decision found: the drivers and the GPU device nodes. */
export interface VulkanFacts {
  drivers: VulkanDriver[];
  gpuNodes: string[];
}

/** Whether a hardware adapter may appear: a hardware driver and a GPU device node for it to drive. */
export function hardwarePossible(f: VulkanFacts): boolean {
  return f.gpuNodes.length > 0 && f.drivers.some((d) => d.software === null);
}

/**
 * Why no hardware WebGPU adapter can appear under these facts, in words, or null when one may
 * (then only starting the GPU library can tell).
 */
export function softwareOnly(f: VulkanFacts): string | null {
  if (hardwarePossible(f)) return null;
  if (f.drivers.length === 0) return 'no Vulkan driver is installed';
  const soft = f.drivers.filter((d) => d.software);
  const hard = f.drivers.filter((d) => !d.software);
  const parts: string[] = [];
  if (soft.length) parts.push(`the software Vulkan driver${soft.length > 1 ? 's' : ''} ${soft.map((d) => `${d.software} (${d.file})`).join(', ')} run${soft.length > 1 ? '' : 's'} shaders on the CPU`);
  if (hard.length) parts.push(`the hardware driver${hard.length > 1 ? 's' : ''} (${hard.map((d) => d.file.slice(d.file.lastIndexOf('/') + 1)).join(', ')}) find no GPU (no /dev/dri/renderD*, /dev/nvidia* or /dev/dxg)`);
  return parts.join('; ');
}

/** The GPU device nodes present. */
export function gpuNodes(host: Pick<VulkanHost, 'list'>): string[] {
  const dri = host.list('/dev/dri').filter((n) => n.startsWith('renderD')).map((n) => `/dev/dri/${n}`);
  const dev = host.list('/dev').filter((n) => /^nvidia\d+$/.test(n) || n === 'dxg').map((n) => `/dev/${n}`);
  return [...dri, ...dev];
}

/**
 * The facts as Dawn will see them. With no driver chosen by the user and no hardware candidate,
 * the backend points the loader at SwiftShader when it is installed (see ./device.ts): then that is
 * the one driver. `swiftshader` is that manifest's path.
 */
export function vulkanFacts(host: VulkanHost, nodes: string[], swiftshader = SWIFTSHADER_ICD): VulkanFacts & { useSwiftShader: boolean } {
  const drivers = driverFiles(host).map((f) => classify(host, f));
  const facts = { drivers, gpuNodes: nodes };
  const unset = host.env['VK_ICD_FILENAMES'] === undefined && host.env['VK_DRIVER_FILES'] === undefined;
  if (unset && !hardwarePossible(facts) && host.read(swiftshader) !== null) {
    return { drivers: [classify(host, swiftshader)], gpuNodes: nodes, useSwiftShader: true };
  }
  return { ...facts, useSwiftShader: false };
}

/** node:fs as a VulkanHost; null outside Node on Linux. */
export async function nodeVulkanHost(env: Record<string, string | undefined>): Promise<VulkanHost | null> {
  const fsName = 'node:fs';
  const osName = 'node:os';
  try {
    const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs');
    const os = (await import(/* @vite-ignore */ osName)) as typeof import('node:os');
    return {
      env,
      home: os.homedir() || null,
      list: (dir) => {
        try {
          return fs.readdirSync(dir);
        } catch {
          return [];
        }
      },
      read: (file) => {
        try {
          return fs.readFileSync(file, 'utf8');
        } catch {
          return null;
        }
      },
      isDir: (p) => {
        try {
          return fs.statSync(p).isDirectory();
        } catch {
          return false;
        }
      },
    };
  } catch {
    return null;
  }
}
