// The k largest of each row of [outer, size], largest first (ties: the lower index; NaN above every
// number), one invocation per row: a heap of the k best so far, its root the worst, kept in the
// row's outputs, then a heap sort. T is f32 or i32.  params: [outer, size, k]
@group(0) @binding(1) var<storage, read> X: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> V: array<{{T}}>;
@group(0) @binding(3) var<storage, read_write> I: array<i32>;

fn is_nan(v: {{T}}) -> bool {
//#if INT
  return false;
//#else
  // NaN is the one value whose bits are above infinity's once the sign is cleared
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
//#endif
}

fn beats(va: {{T}}, ia: i32, vb: {{T}}, ib: i32) -> bool {
  if (is_nan(va)) { return !is_nan(vb) || ia < ib; }
  if (is_nan(vb)) { return false; }
  return va > vb || (va == vb && ia < ib);
}

fn sift(o: u32, j0: u32, n: u32) {
  var j = j0;
  let v = V[o + j];
  let id = I[o + j];
  loop {
    var c = 2u * j + 1u;
    if (c >= n) { break; }
    if (c + 1u < n && beats(V[o + c], I[o + c], V[o + c + 1u], I[o + c + 1u])) { c = c + 1u; }
    if (!beats(v, id, V[o + c], I[o + c])) { break; }
    V[o + j] = V[o + c];
    I[o + j] = I[o + c];
    j = c;
  }
  V[o + j] = v;
  I[o + j] = id;
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let r = flat_id(wid, nwg, lidx);
  let outer = pu(0u);
  let size = pu(1u);
  let k = pu(2u);
  if (r >= outer) { return; }
  let row = r * size;
  let o = r * k;
  for (var j = 0u; j < k; j++) { V[o + j] = X[row + j]; I[o + j] = i32(j); }
  for (var j = i32(k / 2u) - 1; j >= 0; j--) { sift(o, u32(j), k); }
  for (var j = k; j < size; j++) {
    let v = X[row + j];
    if (beats(v, i32(j), V[o], I[o])) { V[o] = v; I[o] = i32(j); sift(o, 0u, k); }
  }
  for (var n = k - 1u; n > 0u; n--) {
    let tv = V[o];
    let ti = I[o];
    V[o] = V[o + n];
    I[o] = I[o + n];
    V[o + n] = tv;
    I[o + n] = ti;
    sift(o, 0u, n);
  }
}
