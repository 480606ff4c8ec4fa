// out[i0..iR] = x[offset + sum(i_d * strides[d])]: slice, transpose, broadcastTo, clone.
// Any dtype: values move as raw 32-bit words. R is the rank after the host merged contiguous dims.
// params: [n, offset, 0, 0], then shape and strides, each padded to Q vec4s. Up to rank 8 (Q = 2)
// the index arithmetic is unrolled with every size read at a constant place (see binary.wgsl).
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read_write> Y: array<u32>;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= P.v[0].x) { return; }
  var rem = i;
  var off = P.v[0].y;
//#if GENERIC
  for (var d = {{R}}u - 1u; d > 0u; d--) {
    let s = P.v[1u + d / 4u][d % 4u];
    off += (rem % s) * P.v[1u + {{Q}}u + d / 4u][d % 4u];
    rem = rem / s;
  }
  off += rem * P.v[1u + {{Q}}u].x;
//#else
//#if D7
  { let s = P.v[2].w; off += (rem % s) * P.v[4].w; rem = rem / s; }
//#endif
//#if D6
  { let s = P.v[2].z; off += (rem % s) * P.v[4].z; rem = rem / s; }
//#endif
//#if D5
  { let s = P.v[2].y; off += (rem % s) * P.v[4].y; rem = rem / s; }
//#endif
//#if D4
  { let s = P.v[2].x; off += (rem % s) * P.v[4].x; rem = rem / s; }
//#endif
//#if D3
  { let s = P.v[1].w; off += (rem % s) * P.v[3].w; rem = rem / s; }
//#endif
//#if D2
  { let s = P.v[1].z; off += (rem % s) * P.v[3].z; rem = rem / s; }
//#endif
//#if D1
  { let s = P.v[1].y; off += (rem % s) * P.v[3].y; rem = rem / s; }
//#endif
  off += rem * P.v[3].x;
//#endif
  Y[i] = X[off];
}
