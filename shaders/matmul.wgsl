// Batched matmul C = act(op(A) @ op(B) + bias), tiled in workgroup memory and register-blocked:
// a workgroup computes a BM x BN tile of C with (BN/4) x (BM/4) invocations, each holding a 4x4
// block of accumulators; A and B tiles of depth BK are staged in workgroup memory as vec4 columns.
// Transposes are folded into the tile loads (no copies). VEC_A / VEC_B / VEC_C bind the operands as
// vec4 arrays when the contiguous dimension is a multiple of 4, so loads and stores move 16 bytes.
// params: [M, N, K, strideA, strideB, batchBase, alpha (f32)] (a stride of 0 shares an operand across the batch)
//#include matmul_common

const BM = {{BM}}u;
const BN = {{BN}}u;
const BK = {{BK}}u;
const WGX = BN / 4u;
const NT = (BM / 4u) * (BN / 4u);
// tiles stored k-major: As[k * BM/4 + m/4] holds A[m..m+3][k]
var<workgroup> As: array<vec4<f32>, {{AS_LEN}}>;
var<workgroup> Bs: array<vec4<f32>, {{BS_LEN}}>;

fn put_a(k: u32, m: u32, v: f32) { As[k * (BM / 4u) + m / 4u][m % 4u] = v; }
fn put_b(k: u32, n: u32, v: f32) { Bs[k * (BN / 4u) + n / 4u][n % 4u] = v; }

fn load_a(t: u32, k0: u32, m0: u32, M: u32, K: u32, off: u32) {
//#if TRANS_A
  // A is [K, M]: rows of the tile run along m
//#if VEC_A
  for (var e = t; e < BK * BM / 4u; e += NT) {
    let kk = e / (BM / 4u);
    let c = e % (BM / 4u);
    let gk = k0 + kk;
    let gm = m0 + c * 4u;
    var v = vec4<f32>(0.0);
    if (gk < K && gm < M) { v = A[(off + gk * M + gm) / 4u]; }
    As[kk * (BM / 4u) + c] = v;
  }
//#else
  for (var e = t; e < BK * BM; e += NT) {
    let kk = e / BM;
    let mm = e % BM;
    let gk = k0 + kk;
    let gm = m0 + mm;
    var v = 0.0;
    if (gk < K && gm < M) { v = A[off + gk * M + gm]; }
    put_a(kk, mm, v);
  }
//#endif
//#else
  // A is [M, K]: rows of the tile run along k
//#if VEC_A
  for (var e = t; e < BK * BM / 4u; e += NT) {
    let mm = e / (BK / 4u);
    let c = e % (BK / 4u);
    let gm = m0 + mm;
    let gk = k0 + c * 4u;
    var v = vec4<f32>(0.0);
    if (gk < K && gm < M) { v = A[(off + gm * K + gk) / 4u]; }
    put_a(c * 4u, mm, v.x);
    put_a(c * 4u + 1u, mm, v.y);
    put_a(c * 4u + 2u, mm, v.z);
    put_a(c * 4u + 3u, mm, v.w);
  }
//#else
  for (var e = t; e < BK * BM; e += NT) {
    let mm = e / BK;
    let kk = e % BK;
    let gm = m0 + mm;
    let gk = k0 + kk;
    var v = 0.0;
    if (gk < K && gm < M) { v = A[off + gm * K + gk]; }
    put_a(kk, mm, v);
  }
//#endif
//#endif
}

fn load_b(t: u32, k0: u32, n0: u32, N: u32, K: u32, off: u32) {
//#if TRANS_B
  // B is [N, K]: rows of the tile run along k
//#if VEC_B
  for (var e = t; e < BK * BN / 4u; e += NT) {
    let nn = e / (BK / 4u);
    let c = e % (BK / 4u);
    let gn = n0 + nn;
    let gk = k0 + c * 4u;
    var v = vec4<f32>(0.0);
    if (gk < K && gn < N) { v = B[(off + gn * K + gk) / 4u]; }
    put_b(c * 4u, nn, v.x);
    put_b(c * 4u + 1u, nn, v.y);
    put_b(c * 4u + 2u, nn, v.z);
    put_b(c * 4u + 3u, nn, v.w);
  }
//#else
  for (var e = t; e < BK * BN; e += NT) {
    let nn = e / BK;
    let kk = e % BK;
    let gn = n0 + nn;
    let gk = k0 + kk;
    var v = 0.0;
    if (gk < K && gn < N) { v = B[off + gn * K + gk]; }
    put_b(kk, nn, v);
  }
//#endif
//#else
  // B is [K, N]: rows of the tile run along n
//#if VEC_B
  for (var e = t; e < BK * BN / 4u; e += NT) {
    let kk = e / (BN / 4u);
    let c = e % (BN / 4u);
    let gk = k0 + kk;
    let gn = n0 + c * 4u;
    var v = vec4<f32>(0.0);
    if (gk < K && gn < N) { v = B[(off + gk * N + gn) / 4u]; }
    Bs[kk * (BN / 4u) + c] = v;
  }
//#else
  for (var e = t; e < BK * BN; e += NT) {
    let kk = e / BN;
    let nn = e % BN;
    let gk = k0 + kk;
    let gn = n0 + nn;
    var v = 0.0;
    if (gk < K && gn < N) { v = B[off + gk * N + gn]; }
    put_b(kk, nn, v);
  }
//#endif
//#endif
}

@compute @workgroup_size({{WGX}}, {{WGY}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = pu(0u);
  let N = pu(1u);
  let K = pu(2u);
  let batch = pu(5u) + wid.z;
  let aOff = batch * pu(3u);
  let bOff = batch * pu(4u);
  let m0 = wid.y * BM;
  let n0 = wid.x * BN;
  let t = lid.y * WGX + lid.x;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < K; k0 += BK) {
    load_a(t, k0, m0, M, K, aOff);
    load_b(t, k0, n0, N, K, bOff);
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      let a = As[k * (BM / 4u) + lid.y];
      let b = Bs[k * (BN / 4u) + lid.x];
      acc0 += a.x * b;
      acc1 += a.y * b;
      acc2 += a.z * b;
      acc3 += a.w * b;
    }
    workgroupBarrier();
  }
  let gn = n0 + lid.x * 4u;
  if (gn >= N) { return; }
  var bias = vec4<f32>(0.0);
//#if BIAS
  for (var j = 0u; j < 4u; j++) { if (gn + j < N) { bias[j] = BIAS[gn + j]; } }
//#endif
  let row = m0 + lid.y * 4u;
  let cOff = batch * M * N;
  store_row(row, gn, M, N, cOff, acc0 + bias);
  store_row(row + 1u, gn, M, N, cOff, acc1 + bias);
  store_row(row + 2u, gn, M, N, cOff, acc2 + bias);
  store_row(row + 3u, gn, M, N, cOff, acc3 + bias);
}

fn store_row(gm: u32, gn: u32, M: u32, N: u32, cOff: u32, z: vec4<f32>) {
  if (gm >= M) { return; }
  let v = act(z, pf(6u));
//#if VEC_C
  C[(cOff + gm * N + gn) / 4u] = v;
//#else
  for (var j = 0u; j < 4u; j++) { if (gn + j < N) { C[cOff + gm * N + gn + j] = v[j]; } }
//#endif
}
