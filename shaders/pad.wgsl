// x placed at `begin` inside a zero output (the gradient of slice). Any dtype, as raw words.
// params: [n, outShape[R], begin[R], xShape[R]]
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read_write> Y: array<u32>;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= pu(0u)) { return; }
  let r = {{R}}u;
  var rem = i;
  var xi = 0u;
  var xstride = 1u;
  var inside = true;
  for (var d = i32(r) - 1; d >= 0; d--) {
    let ud = u32(d);
    let c = rem % pu(1u + ud);
    rem = rem / pu(1u + ud);
    let b = pu(1u + r + ud);
    let xs = pu(1u + 2u * r + ud);
    if (c < b || c >= b + xs) { inside = false; }
    xi += (c - b) * xstride;
    xstride *= xs;
  }
  if (inside) { Y[i] = X[xi]; } else { Y[i] = 0u; }
}
