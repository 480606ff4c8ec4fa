/**
 * Reverse-mode autodiff. `grad(f)` runs f with a tape that records every op touching the inputs
 * (each op supplies its own backward rule in src/ops), then walks the tape backwards.
 */
import { engine, type Tape } from './engine.js';
import { endScope, startScope } from './memory.js';
import { fmt, sameShape } from './shape.js';
import { Tensor } from './tensor.js';
import { add } from './ops/elementwise.js';
import { full } from './ops/creation.js';
import { toTensor } from './ops/core.js';

/** The gradient's form for input X: an array of tensors for an array of inputs, else one tensor. */
export type GradResult<X> = X extends readonly Tensor[] ? Tensor[] : Tensor;

/**
 * What grad(f) returns. Without a type argument it is overloaded, so `grad(f)(x)` types as a Tensor
 * and `grad(f)([a, b])` as Tensor[]; `grad<Tensor[]>(f)` still pins it to one form.
 */
export type GradFunction<X> = [Tensor | readonly Tensor[]] extends [X]
  ? { (x: Tensor, dy?: Tensor): Tensor; (xs: readonly Tensor[], dy?: Tensor): Tensor[] }
  : (x: X, dy?: Tensor) => GradResult<X>;

/** What valueAndGrad(f) returns (overloaded the same way as GradFunction). */
export type ValueAndGradFunction<X> = [Tensor | readonly Tensor[]] extends [X]
  ? { (x: Tensor, dy?: Tensor): [Tensor, Tensor]; (xs: readonly Tensor[], dy?: Tensor): [Tensor, Tensor[]] }
  : (x: X, dy?: Tensor) => [Tensor, GradResult<X>];

function backward(tape: Tape, y: Tensor, xs: readonly Tensor[], dy?: Tensor): Tensor[] {
  const grads = new Map<number, Tensor>();
  grads.set(y.id, dy ?? full(y.shape, 1));
  for (let i = tape.nodes.length - 1; i >= 0; i--) {
    const node = tape.nodes[i]!;
    const g = grads.get(node.output.id);
    if (!g) continue;
    const inGrads = node.backward(g, node.inputs.map((t) => tape.live.has(t.id)));
    node.inputs.forEach((input, j) => {
      const gi = inGrads[j];
      if (!gi || !tape.live.has(input.id)) return;
      if (!sameShape(gi.shape, input.shape)) {
        throw new Error(`grad: the backward rule of ${node.name} gave ${fmt(gi.shape)} for an input of ${fmt(input.shape)}`);
      }
      const prev = grads.get(input.id);
      grads.set(input.id, prev ? add(prev, gi) : gi);
    });
  }
  return xs.map((x) => grads.get(x.id) ?? full(x.shape, 0));
}

function checkInputs(op: string, x: Tensor | readonly Tensor[]): Tensor[] {
  const xs = Array.isArray(x) ? (x as Tensor[]) : [x as Tensor];
  xs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${op}: argument ${i} must be a Tensor, got ${typeof t}`);
    t.liveStorage();
    if (t.dtype !== 'float32') throw new Error(`${op}: can only differentiate with respect to float32 tensors, argument ${i} is ${t.dtype}`);
  });
  return xs;
}

/**
 * Returns a function computing [f(x), df/dx]. With an array `[a, b]`, f is called as f(a, b) and
 * the gradients come back as an array. f should return a scalar; otherwise the gradient of the
 * sum of its elements (or `dy` weighted, if given) is returned.
 */
export function valueAndGrad<X extends Tensor | readonly Tensor[] = Tensor | readonly Tensor[]>(
  f: (...args: Tensor[]) => Tensor,
): ValueAndGradFunction<X> {
  if (typeof f !== 'function') throw new Error(`valueAndGrad: expected a function, got ${typeof f}`);
  return ((x: X, dy?: Tensor) => {
    const xs = checkInputs('valueAndGrad', x);
    startScope();
    // Inside another gradient's recording (grad of grad), that tape stays on: it records f's ops
    // and then this backward pass, so the gradient returned can be differentiated again.
    const parent = engine.tape;
    const tape: Tape = { nodes: [], live: new Set(xs.map((t) => t.id)), parent };
    engine.tape = tape;
    let result: [Tensor, GradResult<X>] | undefined;
    try {
      const y = f(...xs);
      if (!(y instanceof Tensor)) throw new Error(`valueAndGrad: f must return a Tensor, got ${typeof y}`);
      engine.tape = parent;
      if (dy) {
        toTensor('valueAndGrad', dy, y.backend);
        if (!sameShape(dy.shape, y.shape)) throw new Error(`valueAndGrad: dy ${fmt(dy.shape)} must match f's output ${fmt(y.shape)}`);
      }
      const grads = backward(tape, y, xs, dy);
      result = [y, (Array.isArray(x) ? grads : grads[0]) as GradResult<X>];
    } finally {
      engine.tape = parent;
      release(tape);
      endScope(result);
    }
    return result;
  }) as ValueAndGradFunction<X>;
}

/** Clear the marks of a finished tape, keeping those of the tensors an enclosing tape still holds. */
function release(tape: Tape): void {
  const mark = (t: Tape, on: boolean): void => {
    for (const n of t.nodes) {
      n.output.onTape = on;
      for (const i of n.inputs) i.onTape = on;
    }
  };
  mark(tape, false);
  for (let p = tape.parent; p; p = p.parent ?? null) mark(p, true);
}

/** Returns a function computing df/dx (see valueAndGrad). */
export function grad<X extends Tensor | readonly Tensor[] = Tensor | readonly Tensor[]>(f: (...args: Tensor[]) => Tensor): GradFunction<X> {
  const vg = valueAndGrad<X>(f) as (x: X, dy?: Tensor) => [Tensor, GradResult<X>];
  return ((x: X, dy?: Tensor) => {
    const [y, g] = vg(x, dy);
    const xs: readonly Tensor[] = Array.isArray(x) ? x : [x as Tensor];
    const gs: readonly Tensor[] = Array.isArray(g) ? g : [g as Tensor];
    // An enclosing gradient's tape may still need y for its backward pass (grad of grad).
    if (!xs.includes(y) && !gs.includes(y) && !y.onTape) y.dispose();
    return g;
  }) as GradFunction<X>;
}
