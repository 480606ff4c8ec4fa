/**
 * The shader template expander (src/backend/webgpu/template.ts): //#include pastes another shader
 * file before //#if and {{NAME}} apply, WGSL directives stay first, and bad includes are Errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SHADERS } from '../src/backend/webgpu/shaders.generated.js';
import { shaderSource } from '../src/backend/webgpu/template.js';

const added: string[] = [];
function add(name: string, text: string): void {
  SHADERS[name] = text;
  added.push(name);
}

describe('shader templates', () => {
  afterEach(() => {
    for (const name of added.splice(0)) delete SHADERS[name];
  });

  it('//#include pastes the named file, which may include in turn, before //#if and {{}} apply', () => {
    add('t_inner', '//#if FLAG\nfn inner() -> u32 { return {{V}}u; }\n//#endif\n');
    add('t_mid', 'fn mid() {}\n  //#include t_inner\n');
    add('t_main', 'enable subgroups;\n//#include t_mid\nfn main() {}\n');
    const on = shaderSource('t_main', { NP: 16, WG: 64, FLAG: true, V: 7 });
    expect(on.startsWith('enable subgroups;\n')).toBe(true);
    expect(on).toContain('fn mid() {}\nfn inner() -> u32 { return 7u; }\nfn main() {}');
    expect(on).not.toMatch(/^\s*\/\/#include/m);
    const off = shaderSource('t_main', { NP: 16, WG: 64, FLAG: false });
    expect(off).toContain('fn mid() {}\nfn main() {}');
  });

  it('a missing or circular include is an Error naming the shader', () => {
    add('t_missing', '//#include t_nowhere\n');
    expect(() => shaderSource('t_missing', { NP: 16, WG: 64 })).toThrow(/shader 't_missing'.*t_nowhere/);
    add('t_a', '//#include t_b\n');
    add('t_b', '//#include t_a\n');
    expect(() => shaderSource('t_a', { NP: 16, WG: 64 })).toThrow(/shader 't_a'.*includes itself/);
  });
});
