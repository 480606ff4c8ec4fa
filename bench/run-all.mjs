/**
 * Run every benchmark script in bench/ one after another, each in its own Node process so one that
 * fails (a missing adapter, a peer that will not load) never stops the rest. CLI arguments such as
 * `--quick` are passed through to each script. `.mjs` scripts run under Node, `deno-*.ts` scripts
 * under the Deno from node_modules. Helper modules are skipped: lib.mjs, run-all.mjs,
 * *-harness.mjs, *-peers.mjs and names starting with `_`.
 * Usage: node bench/run-all.mjs [--quick] [--only=matmul-cpu,...] [other args for the scripts]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const passThrough = process.argv.slice(2);
const only = parseArgs(passThrough).only?.split(',');

const isHelper = (f) => f === 'lib.mjs' || f === 'run-all.mjs' || f.startsWith('_') || /-(harness|peers)\.mjs$/.test(f);
const isScript = (f) => f.endsWith('.mjs') || /^deno-.*\.ts$/.test(f);
const scripts = readdirSync(here)
  .filter((f) => isScript(f) && !isHelper(f))
  .filter((f) => !only || only.includes(f.replace(/\.(mjs|ts)$/, '')))
  .sort();
const deno = join(here, '..', 'node_modules', '.bin', 'deno');

/** The command that runs one script: Node for .mjs, Deno (no remote imports) for deno-*.ts. */
function commandFor(f, args) {
  if (f.endsWith('.ts')) return existsSync(deno) ? [deno, ['run', '-A', '--no-remote', join(here, f), ...args]] : null;
  return [process.execPath, [join(here, f), ...args]];
}

const results = [];
for (const f of scripts) {
  console.log(`\n=== ${f} ${passThrough.join(' ')}`);
  const t0 = Date.now();
  const cmd = commandFor(f, passThrough.filter((a) => !a.startsWith('--only=')));
  if (!cmd) {
    results.push({ script: f, status: 'no deno', seconds: 0 });
    continue;
  }
  const r = spawnSync(cmd[0], cmd[1], { stdio: 'inherit' });
  const status = r.error ? `error: ${r.error.message}` : r.status === 0 ? 'ok' : `exit ${r.status ?? r.signal}`;
  results.push({ script: f, status, seconds: Math.round((Date.now() - t0) / 100) / 10 });
}

console.log('\n=== summary');
for (const r of results) console.log(`${r.script.padEnd(28)} ${r.status.padEnd(12)} ${r.seconds}s`);
process.exitCode = results.every((r) => r.status === 'ok') ? 0 : 1;
