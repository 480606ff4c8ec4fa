/**
 * The pure parts of the real-GPU check (bench/gpu-check.sh): its options and sizes, the time each
 * section may take, which probed adapter counts as hardware, the verdict, and the short text summary
 * written beside the JSON. No I/O here, so the test suite can check it without a GPU.
 */

/** Sections in the order they run, with the seconds each may take at most (slack from earlier ones flows on). */
export const SECTIONS = [
  ['conformance', 50],
  ['matmul', 110],
  ['elementwise', 45],
  ['mnist', 50],
  ['wasm', 25],
];

/** Seconds for the whole adapter probe, and for one candidate Vulkan driver within it. */
export const PROBE_CAP_S = 75;
export const PROBE_CANDIDATE_S = 25;

const FLAGS = {
  'force-software': 'run every section even when only a software adapter is found (small sizes)',
  budget: 'seconds for the whole run, counted from the start of gpu-check.sh run (default 360)',
  out: 'folder for the results (default $OUT)',
  sections: `comma-separated subset of ${SECTIONS.map(([s]) => s).join(',')}`,
  sizes: 'matmul sizes, e.g. 1024,2048,4096',
  n: 'elements for add/mul/tanh/chain',
  softmax: 'softmax shapes, e.g. 4096x4096,1000x1000',
  train: 'MNIST training digits for the timed epoch',
  deadline: 'end of the run as a Unix time in ms (set by gpu-check.sh)',
  loaders: 'how the Vulkan/EGL loaders were provided (set by gpu-check.sh)',
  app: 'the unpacked folder holding dist/, bench/, conformance/, data/ (set by gpu-check.sh)',
};

/** Sizes on a real GPU, and the small ones used with --force-software on a software adapter. */
const SIZES = {
  gpu: { sizes: [1024, 2048, 4096], n: 1 << 24, softmax: [[4096, 4096], [1000, 1000]], train: 8000, test: 2000, targetMs: 250, repeats: 5 },
  software: { sizes: [128, 256], n: 1 << 16, softmax: [[256, 256]], train: 1024, test: 256, targetMs: 100, repeats: 3 },
};

const positiveInt = (flag, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`gpu-check: --${flag} expects a positive integer, got '${v}'`);
  return n;
};

/**
 * Checks the parsed flags (from lib.mjs's parseArgs) and fills in defaults. `mode` is 'gpu' or
 * 'software' and picks the default sizes. Unknown flags and bad values throw an Error naming the flag.
 */
export function checkOptions(args, mode = 'gpu') {
  for (const k of Object.keys(args)) {
    if (!(k in FLAGS)) throw new Error(`gpu-check: unknown option --${k} (expected ${Object.keys(FLAGS).map((f) => `--${f}`).join(', ')})`);
  }
  if (mode !== 'gpu' && mode !== 'software') throw new Error(`gpu-check: mode must be 'gpu' or 'software', got '${mode}'`);
  const d = SIZES[mode];
  const list = (flag, parse) => String(args[flag]).split(',').map((s) => parse(flag, s));
  const shape = (flag, s) => {
    const m = /^(\d+)x(\d+)$/.exec(s);
    if (!m) throw new Error(`gpu-check: --${flag} expects shapes like 1000x1000, got '${s}'`);
    return [positiveInt(flag, m[1]), positiveInt(flag, m[2])];
  };
  const names = SECTIONS.map(([s]) => s);
  const sections = args.sections === undefined ? names : String(args.sections).split(',');
  for (const s of sections) {
    if (!names.includes(s)) throw new Error(`gpu-check: --sections: unknown section '${s}' (expected ${names.join(', ')})`);
  }
  return {
    mode,
    forceSoftware: Boolean(args['force-software']),
    budgetS: args.budget === undefined ? 360 : positiveInt('budget', args.budget),
    sections,
    sizes: args.sizes === undefined ? d.sizes : list('sizes', positiveInt),
    n: args.n === undefined ? d.n : positiveInt('n', args.n),
    softmax: args.softmax === undefined ? d.softmax : list('softmax', shape),
    train: args.train === undefined ? d.train : positiveInt('train', args.train),
    test: d.test,
    targetMs: d.targetMs,
    repeats: d.repeats,
  };
}

/**
 * Seconds that section `index` of `caps` may run, from `nowMs` with the run ending at `deadlineMs`
 * (less a few seconds to write the results): its cap plus whatever the later sections' caps leave
 * over; when the time left is short of all the remaining caps, its proportional share of it.
 * 0 means: no time left, skip it.
 */
export function sectionBudget(nowMs, deadlineMs, caps, index) {
  const left = (deadlineMs - nowMs) / 1000 - 5;
  if (left <= 1) return 0;
  const rest = caps.slice(index).reduce((a, b) => a + b, 0);
  return Math.floor(left >= rest ? caps[index] + (left - rest) : (left * caps[index]) / rest);
}

/** Adapters that run shaders on the CPU (the same test as the webgpu backend's). */
export function isSoftwareAdapter(info) {
  if (!info) return false;
  if (info.isFallbackAdapter === true) return true;
  const text = ['vendor', 'architecture', 'device', 'description'].map((k) => String(info[k] ?? '')).join(' ').toLowerCase();
  return /swiftshader|llvmpipe|lavapipe|software|warp|cpu/.test(text);
}

const describe = (a) => [a.vendor, a.architecture, a.description].filter(Boolean).join(' / ') || 'unnamed adapter';

/**
 * From the probes (one per candidate Vulkan driver, in order of preference), which one the sections
 * use: the first whose adapter is hardware and ran the smoke shader; with `forceSoftware`, else the
 * first software one that did. Returns { kind: 'hardware' | 'software' | 'none', use, message }.
 */
export function verdict(probes, forceSoftware) {
  const working = probes.filter((p) => p.adapter && p.smoke?.ok);
  const hw = working.find((p) => !isSoftwareAdapter(p.adapter));
  if (hw) return { kind: 'hardware', use: hw.candidate, adapter: describe(hw.adapter), message: `hardware adapter: ${describe(hw.adapter)} (${hw.candidate})` };
  const rejected = probes.filter((p) => p.dawnWarnings?.length).map((p) => `${p.candidate}: ${p.dawnWarnings[0]}`);
  const why = rejected.length ? `; Dawn rejected: ${rejected.join(' | ')}` : '';
  const sw = working[0];
  if (sw) {
    return {
      kind: 'software', use: forceSoftware ? sw.candidate : null, adapter: describe(sw.adapter),
      message: `software adapter only: ${describe(sw.adapter)} (${sw.candidate})${why}` +
        (forceSoftware ? '; --force-software: every section runs on it at small sizes' : '; stopped early (--force-software runs every section on it)'),
    };
  }
  const broken = probes.filter((p) => p.adapter && !p.smoke?.ok).map((p) => `${p.candidate}: ${describe(p.adapter)} failed the smoke shader (${p.smoke?.error ?? 'no result'})`);
  return { kind: 'none', use: null, adapter: null, message: `no WebGPU adapter usable by Dawn${broken.length ? `: ${broken.join(' | ')}` : ''}${why}` };
}

const fmt = (x, d = 3) => (typeof x === 'number' && Number.isFinite(x) ? String(Number(x.toPrecision(d))) : '-');

function sectionLines(name, s) {
  const head = `${name}: ${s.status}${s.seconds !== undefined ? ` in ${fmt(s.seconds)} s` : ''}${s.note ? ` (${s.note})` : ''}`;
  const rs = s.records ?? [];
  const lines = [head];
  if (name === 'conformance') {
    for (const r of rs) lines.push(`  ${r.strategy}: ${r.passed}/${r.total} passed${r.failed?.length ? `, FAILED ${r.failed.slice(0, 5).map((f) => f.name).join('; ')}` : ''}${r.incomplete ? ' (incomplete)' : ''}`);
  } else if (name === 'matmul') {
    const sizes = [...new Set(rs.map((r) => r.size))];
    const strategies = [...new Set(rs.map((r) => r.strategy).filter(Boolean))];
    if (rs.length) lines.push(`  GFLOP/s    ${strategies.map((st) => st.padStart(9)).join('')}`);
    for (const n of sizes) {
      const cell = (st) => rs.find((r) => r.size === n && r.strategy === st);
      const skipped = rs.find((r) => r.size === n && r.skipped);
      lines.push(`  ${String(n).padEnd(9)}  ${skipped ? `skipped: ${skipped.skipped}` : strategies.map((st) => (cell(st)?.error ? 'error' : fmt(cell(st)?.gflops)).padStart(9)).join('')}`);
    }
    // Each kernel's product is compared with the first kernel's; float32 summation order alone stays far below this.
    const off = rs.filter((r) => r.maxRelDiffVsFirst > 1e-4);
    if (off.length) lines.push(`  MISMATCH: ${off.map((r) => `${r.strategy} at ${r.size} differs by ${fmt(r.maxRelDiffVsFirst)} (relative to the largest value)`).join('; ')}`);
  } else {
    for (const r of rs) {
      const what = r.samplesPerSec !== undefined ? `${fmt(r.samplesPerSec)} samples/s` : r.gflops !== undefined ? `${fmt(r.gflops)} GFLOP/s` : `${fmt(r.gbps)} GB/s`;
      const result = r.error ? `error: ${r.error}` : r.skipped ? `skipped: ${r.skipped}` : r.info ? 'started' : what;
      lines.push(`  ${[r.backend, r.op ?? r.what, r.size, r.layout && `${r.layout} layout`].filter(Boolean).join(' ')}: ${result}${r.partial ? ' (partial)' : ''}`);
    }
  }
  return lines;
}

/** The short text written as summary.txt: what was found, and each section's figures. */
export function summarize(result) {
  const lines = [`gpu-check ${result.startedAt ?? ''} (${fmt(result.elapsedS)} s of ${result.options?.budgetS ?? '?'} s)`];
  const smi = result.nvidiaSmi;
  lines.push(`nvidia-smi: ${smi?.found ? (smi.gpus?.map((g) => `${g.name}, driver ${g.driver_version}, ${g['memory.total [MiB]'] ?? '?'} MiB`).join('; ') || 'ran') : `missing (${smi?.error ?? 'not run'})`}`);
  const icd = result.icd ?? {};
  lines.push(`Vulkan ICD files: ${(icd.vulkan ?? []).map((f) => f.path).join(', ') || 'none'}`);
  lines.push(`EGL vendor files: ${(icd.egl ?? []).map((f) => f.path).join(', ') || 'none'}`);
  for (const p of [...(result.probes ?? []), ...(result.glProbe ? [result.glProbe] : [])]) {
    const a = p.adapter ? `${describe(p.adapter)}${p.adapter.isFallbackAdapter ? ' [fallback]' : ''}` : 'no adapter';
    const f = p.adapter?.features ?? [];
    lines.push(`probe ${p.candidate}: ${a}${p.smoke ? `, smoke ${p.smoke.ok ? 'ok' : `FAILED (${p.smoke.error})`}` : ''}` +
      `${f.length ? `, shader-f16 ${f.includes('shader-f16') ? 'yes' : 'no'}, subgroups ${f.includes('subgroups') ? 'yes' : 'no'}` : ''}` +
      `${p.timedOut ? ', TIMED OUT' : ''}${p.error ? ` (${p.error})` : ''}${p.listed?.length ? `; Dawn lists ${p.listed.map((l) => `${l.backend}: ${l.name}`).join(', ')}` : ''}` +
      `${p.dawnWarnings?.length ? `; Dawn: ${p.dawnWarnings.join(' | ')}` : ''}${!p.adapter && p.loader?.length ? `; loader: ${p.loader.slice(0, 3).join(' | ')}` : ''}`);
  }
  if (result.verdict) lines.push(`verdict: ${result.verdict.message}`);
  const c = result.choices;
  if (c) lines.push(`choices: matmul ${c.matmul}, kernel layout ${c.kernelLayout}, workgroup ${c.workgroupSize}, subgroups ${c.subgroups}${c.tiles ? `, tiles ${Object.entries(c.tiles).map(([n, t]) => `${n}:${t.BM}x${t.BN}x${t.BK}`).join(' ')}` : ''}`);
  for (const [name, s] of Object.entries(result.sections ?? {})) lines.push(...sectionLines(name, s));
  if (result.error) lines.push(`error: ${result.error}`);
  return `${lines.join('\n')}\n`;
}
