// dtype conversion: float32 -> int32 truncates toward zero; int32 -> float32.  params: [n]
@group(0) @binding(1) var<storage, read> X: array<{{FROM}}>;
@group(0) @binding(2) var<storage, read_write> Y: array<{{TO}}>;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= pu(0u)) { return; }
  Y[i] = {{TO}}(X[i]);
}
