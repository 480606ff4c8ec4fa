// int32 reductions along the middle axis of [outer, size, inner]: sum, max, min, argmax, prod, one
// invocation per (outer, inner) line. Exact: sums and products wrap as two's complement (WGSL's i32
// arithmetic).
// params: [outer, size, inner]
@group(0) @binding(1) var<storage, read> X: array<i32>;
@group(0) @binding(2) var<storage, read_write> Y: array<i32>;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  let outer = pu(0u);
  let size = pu(1u);
  let inner = pu(2u);
  if (i >= outer * inner) { return; }
  let base = (i / inner) * size * inner + i % inner;
  var r: i32 = 0;
  var bi: i32 = 0;
  if (size > 0u) { r = X[base]; }
//#if OP_SUM
  r = 0;
//#endif
//#if OP_PROD
  r = 1;
//#endif
  for (var k = 0u; k < size; k++) {
    let v = X[base + k * inner];
//#if OP_SUM
    r = r + v;
//#endif
//#if OP_PROD
    r = r * v;
//#endif
//#if OP_MAX
    r = max(r, v);
//#endif
//#if OP_MIN
    r = min(r, v);
//#endif
//#if OP_ARGMAX
    if (v > r) { r = v; bi = i32(k); }
//#endif
  }
//#if OP_ARGMAX
  Y[i] = bi;
//#else
  Y[i] = r;
//#endif
}
