// out[i, c] = indices[i] == c ? onValue : offValue.  params: [n, depth, onValue (f32), offValue (f32)]
@group(0) @binding(1) var<storage, read> IDX: array<i32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= pu(0u)) { return; }
  let depth = pu(1u);
  Y[i] = select(pf(3u), pf(2u), IDX[i / depth] == i32(i % depth));
}
