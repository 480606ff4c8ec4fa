// x placed at `begin` inside a zero output (the gradient of slice). Any dtype, as raw words.
// params: [n, 0, 0, 0], then outShape, begin, xShape and xStrides, each padded to Q vec4s. Up to rank 8
// (Q = 2) the walk is unrolled as in strided.wgsl, every size read at a fixed place of the uniform.
// Output coordinate c is inside x when c - begin < xShape: below begin, the u32 difference wraps round.
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read_write> Y: array<u32>;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= P.v[0].x) { return; }
  var rem = i;
  var xi = 0u;
  var inside = true;
//#if GENERIC
  for (var d = {{R}}u - 1u; d > 0u; d--) {
    let s = P.v[1u + d / 4u][d % 4u];
    let c = rem % s - P.v[1u + {{Q}}u + d / 4u][d % 4u];
    rem = rem / s;
    inside = inside & (c < P.v[1u + 2u * {{Q}}u + d / 4u][d % 4u]);
    xi += c * P.v[1u + 3u * {{Q}}u + d / 4u][d % 4u];
  }
  let c = rem - P.v[1u + {{Q}}u].x;
  inside = inside & (c < P.v[1u + 2u * {{Q}}u].x);
  xi += c * P.v[1u + 3u * {{Q}}u].x;
//#else
//#if D7
  { let s = P.v[2].w; let c = rem % s - P.v[4].w; rem = rem / s; inside = inside & (c < P.v[6].w); xi += c * P.v[8].w; }
//#endif
//#if D6
  { let s = P.v[2].z; let c = rem % s - P.v[4].z; rem = rem / s; inside = inside & (c < P.v[6].z); xi += c * P.v[8].z; }
//#endif
//#if D5
  { let s = P.v[2].y; let c = rem % s - P.v[4].y; rem = rem / s; inside = inside & (c < P.v[6].y); xi += c * P.v[8].y; }
//#endif
//#if D4
  { let s = P.v[2].x; let c = rem % s - P.v[4].x; rem = rem / s; inside = inside & (c < P.v[6].x); xi += c * P.v[8].x; }
//#endif
//#if D3
  { let s = P.v[1].w; let c = rem % s - P.v[3].w; rem = rem / s; inside = inside & (c < P.v[5].w); xi += c * P.v[7].w; }
//#endif
//#if D2
  { let s = P.v[1].z; let c = rem % s - P.v[3].z; rem = rem / s; inside = inside & (c < P.v[5].z); xi += c * P.v[7].z; }
//#endif
//#if D1
  { let s = P.v[1].y; let c = rem % s - P.v[3].y; rem = rem / s; inside = inside & (c < P.v[5].y); xi += c * P.v[7].y; }
//#endif
  let c = rem - P.v[3].x;
  inside = inside & (c < P.v[5].x);
  xi += c * P.v[7].x;
//#endif
  if (inside) { Y[i] = X[xi]; } else { Y[i] = 0u; }
}
