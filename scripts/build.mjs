// The build: embed the WGSL shaders and the wasm modules (rebuilt from C when clang-16 is here), write
// the shipped MNIST digits to data/ (once), compile TypeScript to dist/ (ESM + .d.ts), mark the CLI
// executable, then bundle dist-browser/.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

run(process.execPath, [join(root, 'scripts/gen-shaders.mjs')]);
run(process.execPath, [join(root, 'scripts/build-wasm.mjs')]);
run(process.execPath, [join(root, 'scripts/gen-mnist.mjs')]);
rmSync(join(root, 'dist'), { recursive: true, force: true });
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
if (existsSync(join(root, 'dist/cli.js'))) chmodSync(join(root, 'dist/cli.js'), 0o755);
if (existsSync(join(root, 'vite.lib.config.ts'))) run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.lib.config.ts', '--logLevel', 'warn']);
