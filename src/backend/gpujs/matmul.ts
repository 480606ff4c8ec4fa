/** The gpujs matmul: one output element per thread, the k loop over strided operands, then the epilogue. */
import { activationExpr, fn } from './sources.js';
import type { Impl } from './kernels.js';

export const matmul: Impl<'matmul'> = (rt, [a, b, bias], [out], at) => {
  const { batch, m, n, k, transposeA, transposeB, aBatched, bBatched } = at;
  const ai = transposeA ? 1 : k, ap = transposeA ? m : 1;
  const bp = transposeB ? 1 : n, bj = transposeB ? k : 1;
  const lines = [
    batch > 1 ? `const t = Math.floor((i + 0.5) / ${m * n});` : 'const t = 0;',
    `const r = i - t * ${m * n};`,
    `const row = Math.floor((r + 0.5) / ${n});`,
    `const col = r - row * ${n};`,
    `const aBase = t * ${aBatched ? m * k : 0} + row * ${ai};`,
    `const bBase = t * ${bBatched ? k * n : 0} + col * ${bj};`,
    'let s = 0;',
    `for (let p = 0; p < ${k}; p++) {`,
    `s += a[aBase + p * ${ap}] * b[bBase + p * ${bp}];`,
    '}',
  ];
  if (bias) lines.push('s = Math.fround(s + bias[col]);');
  lines.push(`return ${activationExpr(at.activation, 's', at.alpha)};`);
  const args = bias ? [a!, b!, bias] : [a!, b!];
  rt.assign(out!, rt.launch(fn(bias ? ['a', 'b', 'bias'] : ['a', 'b'], lines.join('\n')), out!.size, args));
};
