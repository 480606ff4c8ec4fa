// out[p, j, q] = x[p, indices[j], q] for x seen as [outer, axisLen, inner]; an index out of range gives 0.
// Any dtype, as raw words.  params: [n, axisLen, inner, numIdx]
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read> IDX: array<i32>;
@group(0) @binding(3) var<storage, read_write> Y: array<u32>;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= pu(0u)) { return; }
  let axisLen = pu(1u);
  let inner = pu(2u);
  let numIdx = pu(3u);
  let q = i % inner;
  let t = i / inner;
  let j = t % numIdx;
  let p = t / numIdx;
  let k = IDX[j];
  if (k < 0 || u32(k) >= axisLen) { Y[i] = 0u; return; }
  Y[i] = X[(p * axisLen + u32(k)) * inner + q];
}
