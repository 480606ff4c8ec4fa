// Which runtime runs the tests. scripts/runtimes.mjs runs the conformance and training subset on
// Node 22, 24, 26 and Bun and sets WT_EXPECT_RUNTIME to the one it started; vitest's workers must be
// that runtime too, not the system Node, or the other results would prove nothing about it.
import { expect, it } from 'vitest';

const bun = (process.versions as { bun?: string }).bun;
const here = bun ? `bun ${bun}` : `node ${process.versions.node}`;

it('runs on the runtime the runner asked for', () => {
  const want = process.env['WT_EXPECT_RUNTIME'];
  expect(here).toMatch(/^(node|bun) \d+\.\d+\.\d+$/);
  if (want !== undefined) expect(here).toBe(want);
});

it('the package declares the runtime it runs on as supported', async () => {
  const { engines } = (await import('../package.json', { with: { type: 'json' } })).default as { engines: Record<string, string> };
  const [name, version] = here.split(' ') as [string, string];
  const min = /^>=(\d+)\.(\d+)(?:\.(\d+))?$/.exec(engines[name] ?? '');
  expect(min, `engines.${name} is '${engines[name]}', expected '>=X.Y[.Z]'`).not.toBeNull();
  const [a, b, c] = version.split('.').map(Number) as [number, number, number];
  const [x, y, z] = [Number(min![1]), Number(min![2]), Number(min![3] ?? 0)];
  expect(a * 1e6 + b * 1e3 + c, `${here} is below engines.${name} ${engines[name]}`).toBeGreaterThanOrEqual(x * 1e6 + y * 1e3 + z);
});
