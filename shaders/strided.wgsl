// out[i0..iR] = x[offset + sum(i_d * strides[d])]: slice, transpose, broadcastTo, clone.
// Any dtype: values move as raw 32-bit words. R is the rank after the host merged contiguous dims.
// params: [n, offset, shape[R], strides[R]]
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read_write> Y: array<u32>;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= pu(0u)) { return; }
  let r = {{R}}u;
  var rem = i;
  var off = pu(1u);
  for (var d = i32(r) - 1; d >= 0; d--) {
    let ud = u32(d);
    let s = pu(2u + ud);
    off += (rem % s) * pu(2u + r + ud);
    rem = rem / s;
  }
  Y[i] = X[off];
}
