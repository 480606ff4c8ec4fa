/**
 * Turns a shader template from shaders/*.wgsl into WGSL for one variant: `//#if NAME`,
 * `//#if !NAME`, `//#else`, `//#endif` keep or drop lines, `{{NAME}}` is replaced by a define, and
 * `//#include NAME` pastes shaders/NAME.wgsl (code several kernel families share) before all that.
 * Structure (op, rank, tile sizes, vec4 or scalar) is compiled in this way; sizes go in uniforms.
 */
import { SHADERS } from './shaders.generated.js';

export type Defines = Readonly<Record<string, string | number | boolean>>;

export function expand(name: string, source: string, defines: Defines): string {
  const out: string[] = [];
  // each entry: is this block active, and was its parent active
  const stack: { on: boolean; parent: boolean }[] = [];
  let on = true;
  for (const line of source.split('\n')) {
    const t = line.trim();
    if (t.startsWith('//#if ')) {
      const cond = t.slice(6).trim();
      const neg = cond.startsWith('!');
      const v = !!defines[neg ? cond.slice(1) : cond];
      stack.push({ on, parent: on });
      on = on && (neg ? !v : v);
    } else if (t === '//#else') {
      const top = stack[stack.length - 1];
      if (!top) throw new Error(`webgpu: shader '${name}': //#else without //#if`);
      on = top.parent && !on;
    } else if (t === '//#endif') {
      const top = stack.pop();
      if (!top) throw new Error(`webgpu: shader '${name}': //#endif without //#if`);
      on = top.on;
    } else if (on) {
      out.push(line);
    }
  }
  if (stack.length) throw new Error(`webgpu: shader '${name}': unclosed //#if`);
  return out.join('\n').replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = defines[key];
    if (v === undefined) throw new Error(`webgpu: shader '${name}' needs a value for {{${key}}}`);
    return String(v);
  });
}

/** `source` with every `//#include NAME` line replaced by shaders/NAME.wgsl, itself resolved in turn. */
function resolveIncludes(name: string, source: string, seen: readonly string[] = [name]): string {
  return source.replace(/^[ \t]*\/\/#include[ \t]+(\w+)[ \t]*$/gm, (_, inc: string) => {
    if (seen.includes(inc)) throw new Error(`webgpu: shader '${name}': //#include ${inc} includes itself`);
    const text = SHADERS[inc];
    if (text === undefined) throw new Error(`webgpu: shader '${name}': //#include ${inc}, but there is no shaders/${inc}.wgsl`);
    return resolveIncludes(name, text.replace(/\n$/, ''), [...seen, inc]);
  });
}

/** The WGSL for one variant of kernel family `name`: the common prelude plus the family's template. */
export function shaderSource(name: string, defines: Defines): string {
  const common = SHADERS['common'];
  const template = SHADERS[name];
  if (common === undefined || template === undefined) throw new Error(`webgpu: no shader '${name}' (run node scripts/gen-shaders.mjs)`);
  const body = resolveIncludes(name, template);
  // WGSL directives (`enable subgroups;`, `diagnostic(...);`) must precede every declaration, the prelude's too.
  const directives = body.match(/^(enable|diagnostic)\b[^;]*;[^\n]*\n/gm) ?? [];
  const rest = directives.reduce((s, d) => s.replace(d, ''), body);
  return expand(name, `${directives.join('')}${common}\n${rest}`, defines);
}
