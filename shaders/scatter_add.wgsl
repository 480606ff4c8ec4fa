// The gradient of gather: out[p, k, q] = sum over j with indices[j] == k of dy[p, j, q].
// WGSL has no float atomics, so each output element loops over the indices (deterministic order).
// params: [n, axisLen, inner, numIdx]
@group(0) @binding(1) var<storage, read> DY: array<f32>;
@group(0) @binding(2) var<storage, read> IDX: array<i32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= pu(0u)) { return; }
  let axisLen = pu(1u);
  let inner = pu(2u);
  let numIdx = pu(3u);
  let q = i % inner;
  let t = i / inner;
  let k = i32(t % axisLen);
  let p = t / axisLen;
  var acc = 0.0;
  for (var j = 0u; j < numIdx; j++) {
    if (IDX[j] == k) { acc += DY[(p * numIdx + j) * inner + q]; }
  }
  Y[i] = acc;
}
