import { defineConfig } from 'vitest/config';

// Node 20 has WebAssembly relaxed SIMD only behind this flag (Node 22+ has it by default and
// rejects the flag).
const relaxedFlag = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

export default defineConfig({
  test: {
    // Dawn's Node binding is safest in its own process, one per test file.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      // Everything, the wasm backend on its plain SIMD module (the same results on every machine).
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], env: { WT_WASM_SIMD: 'plain' } } },
      // The conformance and parity suites, and the wasm backend's own tests, on its relaxed-SIMD module.
      {
        extends: true,
        test: {
          name: 'wasm-relaxed',
          include: ['test/conformance.test.ts', 'test/nn-parity.test.ts', 'test/wasm.test.ts', 'test/wasm-simd.test.ts'],
          env: { WT_WASM_SIMD: 'relaxed', WT_TEST_BACKENDS: 'wasm' },
          execArgv: relaxedFlag,
        },
      },
    ],
  },
});
