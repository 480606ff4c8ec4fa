/**
 * The real-GPU check, run by `gpu-check.sh run` under the carried Node inside a hard time budget.
 * 1. What the machine has: nvidia-smi (or its absence), the Vulkan and EGL driver files, the loader
 *    libraries. 2. Which adapters Dawn gives under each candidate Vulkan driver (the NVIDIA ICD named
 *    explicitly first), each probe in its own process. 3. With a hardware adapter (or with
 *    --force-software), the sections of section.mjs, each in its own process with its own time limit.
 * After every step it rewrites $OUT/gpu-check.json and $OUT/summary.txt, and appends to $OUT/log.txt,
 * so whatever finished before a kill comes back.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../lib.mjs';
import { PROBE_CANDIDATE_S, PROBE_CAP_S, SECTIONS, checkOptions, sectionBudget, summarize, verdict } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2));
const out = String(args.out ?? process.env.OUT ?? '');
if (!out) throw new Error('gpu-check: no output folder: set $OUT or pass --out=DIR');
mkdirSync(out, { recursive: true });
const app = String(args.app ?? join(here, '..', '..'));
const t0 = Date.now();
const result = { schema: 1, startedAt: new Date(t0).toISOString(), elapsedS: 0, options: {}, sections: {} };

const log = (line) => {
  console.log(line);
  appendFileSync(join(out, 'log.txt'), `${line}\n`);
};
function save() {
  result.elapsedS = (Date.now() - (result.startMs ?? t0)) / 1000;
  writeFileSync(join(out, 'gpu-check.json'), `${JSON.stringify(result, null, 1)}\n`);
  let summary;
  try {
    summary = summarize(result);
  } catch (e) {
    summary = `gpu-check: the summary failed (${text(e)}); see gpu-check.json\n`;
  }
  writeFileSync(join(out, 'summary.txt'), summary);
}
const text = (e) => (e instanceof Error ? e.message : String(e));
const readJson = (p) => { try { return JSON.parse(readFileSync(p, 'utf8')); } catch { return null; } };

/** Runs a command briefly; never throws. */
function sh(cmd, argv, timeout = 15000) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout });
  if (r.error) return { ok: false, error: r.error.code === 'ENOENT' ? `${cmd}: not found` : text(r.error) };
  return { ok: r.status === 0, status: r.status, stdout: r.stdout, stderr: r.stderr.slice(0, 2000) };
}

function nvidiaSmi() {
  const bin = existsSync('/usr/local/nvidia/bin/nvidia-smi') && !sh('nvidia-smi', ['-L']).ok ? '/usr/local/nvidia/bin/nvidia-smi' : 'nvidia-smi';
  const fields = 'name,driver_version,memory.total,memory.used,clocks.sm,clocks.max.sm,power.draw,power.limit,temperature.gpu,utilization.gpu,pstate,compute_mode';
  const q = sh(bin, [`--query-gpu=${fields}`, '--format=csv,nounits']);
  if (!q.ok) return { found: false, error: q.error ?? `exit ${q.status}: ${q.stderr}` };
  const [head, ...rows] = q.stdout.trim().split('\n');
  const keys = head.split(',').map((s) => s.trim());
  const gpus = rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [keys[i], v.trim()])));
  return { found: true, bin, gpus, text: (sh(bin, []).stdout ?? '').slice(0, 6000) };
}

const VULKAN_DIRS = ['/usr/local/nvidia/share/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d',
  '/etc/xdg/vulkan/icd.d', ...(process.env.XDG_DATA_DIRS ?? '').split(':').filter(Boolean).map((d) => `${d}/vulkan/icd.d`), '/usr/lib/chromium'];
const EGL_DIRS = ['/usr/local/nvidia/share/glvnd/egl_vendor.d', '/usr/share/glvnd/egl_vendor.d', '/etc/glvnd/egl_vendor.d'];

function jsonFiles(dirs, match = () => true) {
  const files = [];
  for (const d of [...new Set(dirs)]) {
    let names = [];
    try { names = readdirSync(d); } catch { continue; }
    for (const f of names.filter((n) => n.endsWith('.json') && match(n)).sort()) files.push({ path: join(d, f), content: readJson(join(d, f)) });
  }
  return files;
}

/** Where a driver's library_path would come from: absolute, LD_LIBRARY_PATH, or the ldconfig cache. */
function resolveLib(lib, ldcache, manifest) {
  if (!lib) return null;
  if (lib.includes('/')) {
    const p = lib.startsWith('/') ? lib : join(dirname(manifest), lib); // relative to the manifest's folder
    return existsSync(p) ? p : `missing: ${p}`;
  }
  for (const d of (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) if (existsSync(join(d, lib))) return join(d, lib);
  const line = ldcache.find((l) => l.trim().startsWith(`${lib} `));
  return line ? line.split('=>').pop().trim() : `not found: ${lib}`;
}

function drivers() {
  // ldconfig lives in /sbin, which a plain user's PATH may lack
  const ld = ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig'].map((c) => sh(c, ['-p'])).find((r) => r.ok) ?? {};
  const ldcache = (ld.stdout ?? '').split('\n');
  // Driver manifests carry an ICD key; a folder such as chromium's also holds other JSON.
  const vulkan = jsonFiles(VULKAN_DIRS).filter((f) => f.content?.ICD || (/icd\.d$/.test(dirname(f.path)) && !f.content));
  for (const f of vulkan) f.library = resolveLib(f.content?.ICD?.library_path, ldcache, f.path);
  const egl = jsonFiles(EGL_DIRS);
  for (const f of egl) f.library = resolveLib(f.content?.ICD?.library_path, ldcache, f.path);
  const libs = ldcache.filter((l) => /libvulkan|libEGL|libGLX_nvidia|libGLdispatch|libnvidia-(glcore|gpucomp|glvkspirv)/.test(l)).map((l) => l.trim()).slice(0, 40);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(VK_|__EGL|__GLX|LD_LIBRARY_PATH|XDG_RUNTIME_DIR)/.test(k)));
  return { vulkan, egl, libs, env };
}

/** Runs a child Node process with a hard time limit; calls onLine for each stdout line. Never throws. */
function runChild(script, argv, envPatch, limitS, onLine) {
  return new Promise((resolve) => {
    const env = { ...process.env };
    for (const [k, v] of Object.entries(envPatch)) { if (v === undefined) delete env[k]; else env[k] = v; }
    const started = Date.now();
    // A line that cannot be parsed is logged, never allowed to stop the run.
    const safeLine = (l) => { try { onLine(l); } catch (e) { log(`  ${l.slice(0, 300)} [unreadable: ${text(e)}]`); } };
    const child = spawn(process.execPath, [script, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false, stderr = '', buf = '';
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, limitS * 1000);
    child.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) { safeLine(buf.slice(0, i)); buf = buf.slice(i + 1); }
    });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (buf) safeLine(buf);
      const lines = stderr.split('\n').filter((l) => l && !/XDG_RUNTIME_DIR/.test(l));
      for (const l of lines.slice(-200)) appendFileSync(join(out, 'log.txt'), `  [stderr] ${l}\n`);
      resolve({ code, signal, timedOut, seconds: (Date.now() - started) / 1000, stderrLines: lines });
    });
  });
}

/** Dawn's reasons for rejecting an adapter ('Warning: ...' plus its 'While ...' line), and the loader's complaints. */
function dawnWarnings(lines) {
  const w = [];
  lines.forEach((l, i) => { if (l.startsWith('Warning: ')) w.push(`${l.slice(9)}${lines[i + 1]?.startsWith(' - While') ? ` (${lines[i + 1].slice(3)})` : ''}`); });
  return [...new Set(w)].slice(0, 10);
}

async function probe(candidate, env, limitS, gl = false) {
  let found = null;
  const r = await runChild(join(here, 'probe.mjs'), gl ? ['--gl'] : [], { VK_LOADER_DEBUG: 'error,warn', ...env }, limitS, (l) => {
    if (l.startsWith('PROBE ')) found = JSON.parse(l.slice(6));
    else log(`  ${l}`);
  });
  const loader = [...new Set(r.stderrLines.filter((l) => /^(ERROR|WARNING)/.test(l) && !/MESA_device_select/.test(l)))].slice(0, 10);
  const p = { candidate, env, ...(found ?? {}), dawnWarnings: dawnWarnings(r.stderrLines), loader, seconds: r.seconds, exitCode: r.code, ...(r.timedOut ? { timedOut: true } : {}) };
  if (!found) p.error = r.timedOut ? `no answer within ${limitS} s` : `exit ${r.code ?? r.signal}: ${r.stderrLines.slice(-1)[0] ?? ''}`;
  log(`probe ${candidate}: ${p.adapter ? `${p.adapter.vendor} / ${p.adapter.architecture} / ${p.adapter.description}${p.adapter.isFallbackAdapter ? ' (fallback)' : ''}, smoke ${p.smoke?.ok ? 'ok' : p.smoke?.error}` : `no adapter${p.error ? ` (${p.error})` : ''}`}`);
  return p;
}

/** Candidate Vulkan drivers, in order: what the caller set, each NVIDIA ICD named explicitly, the loader's own search, SwiftShader. */
function candidates(icd) {
  const list = [];
  const given = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
  if (given) list.push([`as given (${given})`, { VK_DRIVER_FILES: given, VK_ICD_FILENAMES: given }]);
  const eglNv = icd.egl.find((f) => /nvidia/i.test(f.path));
  for (const f of icd.vulkan.filter((v) => /nvidia/i.test(v.path) || /nvidia/i.test(String(v.content?.ICD?.library_path)))) {
    list.push([`nvidia ICD ${f.path}`, { VK_DRIVER_FILES: f.path, VK_ICD_FILENAMES: f.path, ...(eglNv ? { __EGL_VENDOR_LIBRARY_FILENAMES: eglNv.path } : {}) }]);
  }
  list.push(['Vulkan loader default search', { VK_DRIVER_FILES: undefined, VK_ICD_FILENAMES: undefined }]);
  for (const f of icd.vulkan.filter((v) => /swiftshader/i.test(v.path))) list.push([`SwiftShader ${f.path}`, { VK_DRIVER_FILES: f.path, VK_ICD_FILENAMES: f.path }]);
  return list;
}

async function sections(opts, env) {
  const chosen = SECTIONS.filter(([s]) => opts.sections.includes(s));
  const caps = chosen.map(([, c]) => c);
  for (const [i, [name]] of chosen.entries()) {
    const budget = sectionBudget(Date.now(), result.deadline, caps, i);
    const s = (result.sections[name] = { status: 'running', budgetS: budget, records: [] });
    if (budget < 3) { s.status = 'skipped'; s.note = 'no time left'; save(); continue; }
    log(`section ${name} (at most ${budget} s)`);
    const argv = [`--section=${name}`, `--app=${app}`, `--deadline=${Date.now() + (budget - 2) * 1000}`, `--opts=${JSON.stringify(opts)}`];
    const r = await runChild(join(here, 'section.mjs'), argv, env, budget, (l) => {
      if (l.startsWith('REC ')) { s.records.push(JSON.parse(l.slice(4))); save(); }
      else if (l.startsWith('INFO ')) {
        const info = JSON.parse(l.slice(5));
        result.choices ??= { ...pick(info.device, ['matmul', 'kernelLayout', 'workgroupSize', 'subgroups', 'vendor', 'architecture', 'description', 'isFallbackAdapter']), tiles: info.tiles, device: info.device };
      }
      log(`  ${l}`);
    });
    s.seconds = r.seconds;
    s.status = r.timedOut ? 'timed out' : r.code === 0 ? 'ok' : 'failed';
    if (r.timedOut) s.note = `killed at its ${budget} s limit; records so far kept`;
    else if (r.code !== 0) s.note = `exit ${r.code ?? r.signal}: ${r.stderrLines.slice(-3).join(' | ').slice(0, 500)}`;
    save();
  }
}
const pick = (o, keys) => Object.fromEntries(keys.filter((k) => o?.[k] !== undefined).map((k) => [k, o[k]]));

// The flags that choose what to measure (the others say where things are, set by gpu-check.sh).
const userArgs = Object.fromEntries(Object.entries(args).filter(([k]) => !['out', 'app', 'deadline', 'loaders'].includes(k)));
try {
  const opts = checkOptions(userArgs, 'gpu');
  result.options = { ...opts, loaders: args.loaders ?? 'unknown' };
  result.deadline = Number(args.deadline ?? t0 + opts.budgetS * 1000);
  result.startMs = result.deadline - opts.budgetS * 1000; // when gpu-check.sh started (unpacking included)
  result.startedAt = new Date(result.startMs).toISOString();
  const manifest = readJson(join(app, 'MANIFEST.json'));
  result.host = {
    uname: `${os.type()} ${os.release()} ${os.version()} ${os.machine?.() ?? process.arch}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, nodePath: process.execPath, user: os.userInfo().username,
    webgpu: readJson(join(app, 'node_modules/webgpu/package.json'))?.version ?? null, prepared: manifest && pick(manifest, ['commit', 'preparedAt', 'totalBytes']),
  };
  log(`gpu-check: ${result.host.cpus} cores, node ${process.version}, budget until ${new Date(result.deadline).toISOString()}`);
  result.nvidiaSmi = nvidiaSmi();
  log(`nvidia-smi: ${result.nvidiaSmi.found ? result.nvidiaSmi.gpus.map((g) => g.name).join(', ') : result.nvidiaSmi.error}`);
  result.icd = drivers();
  log(`Vulkan ICD files: ${result.icd.vulkan.map((f) => `${f.path} -> ${f.library}`).join(', ') || 'none'}`);
  log(`EGL vendor files: ${result.icd.egl.map((f) => `${f.path} -> ${f.library}`).join(', ') || 'none'}`);
  save();

  result.probes = [];
  const probeEnd = Date.now() + PROBE_CAP_S * 1000;
  for (const [name, env] of candidates(result.icd)) {
    const limit = Math.min(PROBE_CANDIDATE_S, Math.floor((probeEnd - Date.now()) / 1000));
    if (limit < 3) { result.probes.push({ candidate: name, env, error: 'skipped: probe time used up' }); continue; }
    result.probes.push(await probe(name, env, limit));
    save();
    // A working hardware adapter ends the search; the rest would only add time.
    if (verdict(result.probes, false).kind === 'hardware') break;
  }
  const eglNv = result.icd.egl.find((f) => /nvidia/i.test(f.path));
  const glLimit = Math.min(15, Math.floor((probeEnd - Date.now()) / 1000));
  if (glLimit >= 3) result.glProbe = await probe('OpenGL ES through EGL (diagnostic only)', eglNv ? { __EGL_VENDOR_LIBRARY_FILENAMES: eglNv.path } : {}, glLimit, true);
  const forceSoftware = Boolean(args['force-software']);
  result.verdict = verdict(result.probes, forceSoftware);
  log(`verdict: ${result.verdict.message}`);
  save();

  if (result.verdict.use) {
    const mode = result.verdict.kind === 'hardware' ? 'gpu' : 'software';
    const opts2 = checkOptions(userArgs, mode);
    result.options = { ...opts2, loaders: result.options.loaders };
    const env = result.probes.find((p) => p.candidate === result.verdict.use).env;
    await sections(opts2, env);
    result.nvidiaSmiAfter = result.nvidiaSmi.found ? nvidiaSmi().gpus : undefined;
  }
} catch (e) {
  result.error = text(e);
  log(`gpu-check: ${e instanceof Error ? e.stack : e}`);
}
result.finishedAt = new Date().toISOString();
save();
log('');
log(readFileSync(join(out, 'summary.txt'), 'utf8'));
