// Two tensors [outer, aLen, inner] and [outer, bLen, inner] joined along the middle axis. Any dtype.
// params: [n, aRow (aLen * inner), bRow (bLen * inner)]
@group(0) @binding(1) var<storage, read> A: array<u32>;
@group(0) @binding(2) var<storage, read> B: array<u32>;
@group(0) @binding(3) var<storage, read_write> Y: array<u32>;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= pu(0u)) { return; }
  let ar = pu(1u);
  let br = pu(2u);
  let p = i / (ar + br);
  let r = i % (ar + br);
  if (r < ar) { Y[i] = A[p * ar + r]; } else { Y[i] = B[p * br + r - ar]; }
}
