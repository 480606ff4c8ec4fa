// The running sum or product along the middle axis of [outer, size, inner], one invocation per
// (outer, inner) line, in order (as the cpu backend rounds: once per step). T is f32 or i32
// (i32 wraps as two's complement). params: [outer, size, inner]
@group(0) @binding(1) var<storage, read> X: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> Y: array<{{T}}>;

fn step(a: {{T}}, b: {{T}}) -> {{T}} {
//#if PROD
  return a * b;
//#else
  return a + b;
//#endif
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  let outer = pu(0u);
  let size = pu(1u);
  let inner = pu(2u);
  if (i >= outer * inner) { return; }
  let base = (i / inner) * size * inner + i % inner;
//#if PROD
  var acc: {{T}} = {{T}}(1);
//#else
  var acc: {{T}} = {{T}}(0);
//#endif
  for (var t = 0u; t < size; t++) {
//#if REVERSE
    let at = base + (size - 1u - t) * inner;
//#else
    let at = base + t * inner;
//#endif
    let v = X[at];
//#if EXCLUSIVE
    Y[at] = acc;
    acc = step(acc, v);
//#else
    acc = step(acc, v);
    Y[at] = acc;
//#endif
  }
}
