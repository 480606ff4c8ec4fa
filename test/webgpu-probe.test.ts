/**
 * wt.init() in Node decides from the Vulkan driver files and the GPU device nodes whether a
 * hardware adapter can exist before it starts Dawn: the decision on fake driver folders (in memory
 * and on disk), and the engine deferring webgpu on the probe's word, starting it only when wasm
 * cannot start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as wt from '../src/index.js';
import { engine, type BackendFactory, type BackendProbe } from '../src/engine.js';
import type { Backend, BackendName } from '../src/backend/backend.js';
import { classify, driverFiles, gpuNodes, nodeVulkanHost, softwareOnly, vulkanFacts, type VulkanHost } from '../src/backend/webgpu/vulkan.js';

const manifest = (lib: string): string => JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: lib, api_version: '1.3.0' } });
const SWIFT = '/usr/lib/chromium/vk_swiftshader_icd.json';
const MESA = {
  '/usr/share/vulkan/icd.d/intel_icd.x86_64.json': manifest('/usr/lib/x86_64-linux-gnu/libvulkan_intel.so'),
  '/usr/share/vulkan/icd.d/radeon_icd.x86_64.json': manifest('/usr/lib/x86_64-linux-gnu/libvulkan_radeon.so'),
  '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json': manifest('/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so'),
};

/** An in-memory file system: `files` by path; folders are the parents of the files and `dirs`. */
function fakeHost(files: Record<string, string>, env: Record<string, string> = {}, dirs: string[] = []): VulkanHost {
  const parent = (p: string): string => p.slice(0, p.lastIndexOf('/'));
  const folders = new Set([...Object.keys(files).map(parent), ...dirs]);
  return {
    env, home: '/home/u',
    list: (d) => [...Object.keys(files), ...dirs].filter((p) => parent(p) === d).map((p) => p.slice(d.length + 1)),
    read: (f) => files[f] ?? null,
    isDir: (p) => folders.has(p),
  };
}

describe('the Vulkan driver facts', () => {
  it('Mesa\'s manifests without a GPU node, SwiftShader installed: the loader is pointed at SwiftShader, and it is software', () => {
    const host = fakeHost({ ...MESA, [SWIFT]: manifest('./libvk_swiftshader.so') }, {}, ['/dev/null', '/dev/dri/card0']);
    const nodes = gpuNodes(host);
    expect(nodes).toEqual([]);
    const f = vulkanFacts(host, nodes);
    expect(f.useSwiftShader).toBe(true);
    expect(f.drivers).toEqual([{ file: SWIFT, library: './libvk_swiftshader.so', software: 'SwiftShader' }]);
    expect(softwareOnly(f)).toBe(`the software Vulkan driver SwiftShader (${SWIFT}) runs shaders on the CPU`);
  });

  it('the same with a render node: a hardware adapter may exist, so nothing is decided and SwiftShader is not forced', () => {
    const host = fakeHost({ ...MESA, [SWIFT]: manifest('./libvk_swiftshader.so') }, {}, ['/dev/dri/renderD128', '/dev/dri/card0']);
    const nodes = gpuNodes(host);
    expect(nodes).toEqual(['/dev/dri/renderD128']);
    const f = vulkanFacts(host, nodes);
    expect(f.useSwiftShader).toBe(false);
    expect(f.drivers.map((d) => d.software)).toEqual([null, 'lavapipe', null]);
    expect(softwareOnly(f)).toBeNull();
  });

  it('an NVIDIA node counts, and so does WSL\'s /dev/dxg; nvidiactl alone does not', () => {
    expect(gpuNodes(fakeHost({}, {}, ['/dev/nvidia0', '/dev/nvidiactl', '/dev/dxg']))).toEqual(['/dev/nvidia0', '/dev/dxg']);
    expect(gpuNodes(fakeHost({}, {}, ['/dev/nvidiactl', '/dev/nvidia-uvm']))).toEqual([]);
  });

  it('a driver the user chose wins over the folders: lavapipe alone is software even beside a GPU node', () => {
    const host = fakeHost({ ...MESA, [SWIFT]: manifest('./libvk_swiftshader.so') }, { VK_ICD_FILENAMES: '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json' });
    const f = vulkanFacts(host, ['/dev/dri/renderD128']);
    expect(f.useSwiftShader).toBe(false);
    expect(f.drivers).toHaveLength(1);
    expect(softwareOnly(f)).toBe('the software Vulkan driver lavapipe (/usr/share/vulkan/icd.d/lvp_icd.x86_64.json) runs shaders on the CPU');
  });

  it('hardware manifests with no GPU to drive are named, and no driver at all is said so', () => {
    const host = fakeHost(MESA);
    const f = vulkanFacts(host, []);
    expect(f.useSwiftShader).toBe(false);
    expect(softwareOnly(f)).toBe('the software Vulkan driver lavapipe (/usr/share/vulkan/icd.d/lvp_icd.x86_64.json) runs shaders on the CPU; ' +
      'the hardware drivers (intel_icd.x86_64.json, radeon_icd.x86_64.json) find no GPU (no /dev/dri/renderD*, /dev/nvidia* or /dev/dxg)');
    expect(softwareOnly(vulkanFacts(fakeHost({}), ['/dev/dri/renderD128']))).toBe('no Vulkan driver is installed');
  });

  it('the loader\'s folders in its order, XDG folders first; VK_ADD_DRIVER_FILES adds to them', () => {
    const files = {
      '/home/u/.config/vulkan/icd.d/b.json': manifest('libb.so'),
      '/etc/vulkan/icd.d/a.json': manifest('liba.so'),
      '/xdg/data/vulkan/icd.d/c.json': manifest('libc.so'),
      '/usr/share/vulkan/icd.d/notes.txt': 'not a manifest',
      '/opt/extra.json': manifest('libextra.so'),
    };
    expect(driverFiles(fakeHost(files, { XDG_DATA_HOME: '/xdg/data', VK_ADD_DRIVER_FILES: '/opt/extra.json' }))).toEqual([
      '/home/u/.config/vulkan/icd.d/b.json', '/etc/vulkan/icd.d/a.json', '/xdg/data/vulkan/icd.d/c.json', '/opt/extra.json',
    ]);
  });

  it('an unreadable manifest is judged by its name', () => {
    const host = fakeHost({ '/x/vk_swiftshader_icd.json': '{ not json', '/x/odd.json': '[]' });
    expect(classify(host, '/x/vk_swiftshader_icd.json')).toEqual({ file: '/x/vk_swiftshader_icd.json', library: '', software: 'SwiftShader' });
    expect(classify(host, '/x/odd.json').software).toBeNull();
    expect(classify(host, '/missing/lvp_icd.json').software).toBe('lavapipe');
  });

  it('on disk: VK_DRIVER_FILES naming a folder of manifests, read through node:fs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wt-icd-'));
    try {
      mkdirSync(join(dir, 'icd.d'));
      writeFileSync(join(dir, 'icd.d', 'nvidia_icd.json'), manifest('libGLX_nvidia.so.0'));
      writeFileSync(join(dir, 'icd.d', 'swift.json'), manifest('/opt/chrome/libvk_swiftshader.so'));
      const host = (await nodeVulkanHost({ VK_DRIVER_FILES: join(dir, 'icd.d') }))!;
      const f = vulkanFacts(host, []);
      expect(f.drivers.map((d) => [d.file, d.software])).toEqual([[join(dir, 'icd.d', 'nvidia_icd.json'), null], [join(dir, 'icd.d', 'swift.json'), 'SwiftShader']]);
      expect(softwareOnly(f)).toMatch(/^the software Vulkan driver SwiftShader .*swift\.json\) runs shaders on the CPU; the hardware driver \(nvidia_icd\.json\) find no GPU/);
      expect(softwareOnly(vulkanFacts(host, ['/dev/nvidia0']))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('wt.init() and the probe', () => {
  const saved = new Map<BackendName, [BackendFactory | undefined, BackendProbe | undefined, Backend | undefined]>();
  const fake = (name: BackendName, log: string[], opts: { fails?: boolean; emulated?: string } = {}): BackendFactory => async () => ({
    name,
    init: async () => {
      log.push(`start ${name}`);
      if (opts.fails) throw new Error(`${name} cannot start here`);
    },
    emulated: () => opts.emulated ?? null,
    info: () => ({ backend: name }),
  }) as unknown as Backend;
  const replace = (name: BackendName, factory: BackendFactory, probe?: BackendProbe): void => {
    if (!saved.has(name)) saved.set(name, [engine.factories.get(name), engine.probes.get(name), engine.instances.get(name)]);
    engine.instances.delete(name);
    wt.registerBackend(name, factory, probe);
  };
  afterEach(async () => {
    for (const [name, [f, p, inst]] of saved) {
      if (f) wt.registerBackend(name, f, p);
      if (inst) engine.instances.set(name, inst);
      else engine.instances.delete(name);
    }
    saved.clear();
    await wt.setBackend('cpu');
  });

  it('a probe that knows the adapter is emulated keeps webgpu from starting when wasm starts', async () => {
    const log: string[] = [];
    replace('webgpu', fake('webgpu', log, { emulated: 'SwiftShader' }), async () => { log.push('probe webgpu'); return 'only software drivers'; });
    replace('wasm', fake('wasm', log));
    expect(await wt.init()).toBe('wasm');
    expect(log).toEqual(['probe webgpu', 'start wasm']);
    expect(wt.backendInfo().attempts).toEqual([
      { name: 'webgpu', ok: false, reason: 'not started: only software drivers, which is slower than wasm' },
      { name: 'wasm', ok: true },
    ]);
  });

  it('when wasm and gpujs cannot start, the deferred webgpu is started after all and chosen', async () => {
    const log: string[] = [];
    replace('webgpu', fake('webgpu', log, { emulated: 'SwiftShader' }), async () => 'only software drivers');
    replace('wasm', fake('wasm', log, { fails: true }));
    replace('gpujs', fake('gpujs', log, { fails: true }));
    expect(await wt.init()).toBe('webgpu');
    expect(log).toEqual(['start wasm', 'start gpujs', 'start webgpu']);
    expect(wt.backendInfo().attempts.map((a) => [a.name, a.ok])).toEqual([['wasm', false], ['gpujs', false], ['webgpu', true]]);
  });

  it('a probe that says nothing, or throws, leaves the old order: webgpu first, passed over once started', async () => {
    for (const probe of [async () => null, async () => { throw new Error('probe broke'); }]) {
      const log: string[] = [];
      replace('webgpu', fake('webgpu', log, { emulated: 'SwiftShader' }), probe);
      replace('wasm', fake('wasm', log));
      expect(await wt.init()).toBe('wasm');
      expect(log).toEqual(['start webgpu', 'start wasm']);
      expect(wt.backendInfo().attempts[0]).toMatchObject({ name: 'webgpu', ok: false, started: true });
    }
  });

  it('here, the real probe decides from the driver files when they rule a GPU out, and Dawn is never started', async () => {
    const host = (await nodeVulkanHost(process.env))!;
    const why = softwareOnly(vulkanFacts(host, gpuNodes(host)));
    const name = await wt.init();
    const webgpu = wt.backendInfo().attempts.find((a) => a.name === 'webgpu');
    if (why) {
      expect(name).toBe('wasm');
      expect(webgpu).toEqual({ name: 'webgpu', ok: false, reason: `not started: ${why}, which is slower than wasm` });
      expect(engine.instances.has('webgpu')).toBe(false);
    } else {
      // a machine with a GPU node: Dawn was asked, and a hardware adapter ranks first
      expect(webgpu).toBeDefined();
    }
  });
});
