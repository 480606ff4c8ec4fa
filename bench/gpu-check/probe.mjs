/**
 * One adapter probe of the real-GPU check, run in its own process under the environment of one
 * candidate Vulkan driver (VK_DRIVER_FILES ...), so a driver that hangs or crashes Dawn costs only
 * this process. Prints one line `PROBE {json}`: every adapter Dawn lists, the one it gives for
 * high-performance / low-power / forceFallbackAdapter, with vendor, architecture, isFallbackAdapter,
 * features and limits, and whether a device from it ran a small compute shader correctly.
 * Dawn's own warnings (why it rejected a driver) go to stderr; the caller collects them.
 * Usage: node probe.mjs [--gl]   (--gl: ask Dawn's OpenGL ES backend, through EGL, instead)
 */
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const gl = process.argv.includes('--gl');
const flags = gl ? ['backend=opengles'] : [];
const out = { backend: gl ? 'opengles' : 'default', listed: [], requests: {} };
// Every GPU object stays referenced until exit: Dawn crashes if one is collected while in use.
const keep = [];

const LIMITS = [
  'maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupSizeZ', 'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage', 'maxUniformBufferBindingSize', 'maxBindGroups', 'minStorageBufferOffsetAlignment',
  'minUniformBufferOffsetAlignment', 'maxDynamicUniformBuffersPerPipelineLayout', 'maxDynamicStorageBuffersPerPipelineLayout',
];

function describe(adapter) {
  const i = adapter.info ?? {};
  const limits = {};
  for (const k of LIMITS) if (typeof adapter.limits[k] === 'number') limits[k] = adapter.limits[k];
  return {
    vendor: i.vendor ?? '', architecture: i.architecture ?? '', device: i.device ?? '', description: i.description ?? '',
    isFallbackAdapter: Boolean(i.isFallbackAdapter), subgroupMinSize: i.subgroupMinSize ?? null, subgroupMaxSize: i.subgroupMaxSize ?? null,
    features: [...adapter.features].sort(), limits,
  };
}

/** A device with subgroups / shader-f16 where offered, and one compute shader checked element by element. */
async function smoke(adapter) {
  const t0 = performance.now();
  const requiredFeatures = ['subgroups', 'shader-f16'].filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredFeatures });
  keep.push(device);
  device.pushErrorScope('validation');
  const n = 4096;
  const input = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 7);
  const src = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const dst = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(src, 0, input);
  const module = device.createShaderModule({
    code: `@group(0) @binding(0) var<storage, read> a: array<f32>;
           @group(0) @binding(1) var<storage, read_write> b: array<f32>;
           @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {
             if (g.x < arrayLength(&a)) { b[g.x] = a[g.x] * 2.0 + 1.0; }
           }`,
  });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: src } }, { binding: 1, resource: { buffer: dst } }] });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(n / 64);
  pass.end();
  enc.copyBufferToBuffer(dst, 0, read, 0, n * 4);
  device.queue.submit([enc.finish()]);
  const err = await device.popErrorScope();
  if (err) throw new Error(`validation: ${err.message}`);
  await read.mapAsync(GPUMapMode.READ);
  const got = new Float32Array(read.getMappedRange().slice(0));
  read.unmap();
  const bad = got.findIndex((v, i) => v !== input[i] * 2 + 1);
  if (bad >= 0) throw new Error(`element ${bad} is ${got[bad]}, expected ${input[bad] * 2 + 1}`);
  return { ok: true, ms: Math.round(performance.now() - t0), features: requiredFeatures };
}

const text = (e) => (e instanceof Error ? e.message : String(e));

// 'adapter=<no such name>' makes Dawn throw with the list of every adapter it found, on every backend.
try {
  const lister = create([...flags, 'adapter=__list_adapters__']);
  keep.push(lister);
  await lister.requestAdapter();
} catch (e) {
  for (const m of text(e).matchAll(/\* backend: '([^']*)', name: '([^']*)'/g)) out.listed.push({ backend: m[1], name: m[2] });
}

const gpu = create(flags);
keep.push(gpu);
const asks = { highPerformance: { powerPreference: 'high-performance' }, lowPower: { powerPreference: 'low-power' }, fallback: { forceFallbackAdapter: true } };
if (gl) for (const o of Object.values(asks)) o.featureLevel = 'compatibility';
let best = null;
for (const [name, options] of Object.entries(asks)) {
  try {
    const a = await gpu.requestAdapter(options);
    keep.push(a);
    out.requests[name] = a ? describe(a) : null;
    if (a && name === 'highPerformance') best = a;
  } catch (e) {
    out.requests[name] = { error: text(e) };
  }
}
out.adapter = out.requests.highPerformance && !out.requests.highPerformance.error ? out.requests.highPerformance : null;
if (best) {
  try {
    out.smoke = await smoke(best);
  } catch (e) {
    out.smoke = { ok: false, error: text(e).split('\n')[0].slice(0, 300) };
  }
}
console.log(`PROBE ${JSON.stringify(out)}`);
// Dawn keeps the event loop alive while devices exist.
process.exit(0);
