// Batched matmul C = act(op(A) @ op(B) + bias) without workgroup memory: each invocation computes an
// 8 x 8 block of C straight from storage (16 loads feed 64 multiply-adds per k). Chosen for adapters
// that run shaders on the CPU (SwiftShader, lavapipe), where workgroup memory is ordinary memory and
// barriers cost more than they save; GPUs get the tiled kernel in matmul.wgsl (see matmul.ts).
// Transposes are strides: element (r, k) of op(A) is A[r * aRow + k * aK]. Edge rows and columns are
// clamped to the last valid one when loading (no branch in the loop) and skipped when storing.
// An invocation's 8 columns are interleaved with its G neighbours' (column = base + lane + G * j), so
// neighbouring invocations touch neighbouring floats of B and C: one vector load on a SIMD CPU driver
// (which runs G = 4 invocations per SIMD group), coalesced access on a GPU.
// params: [M, N, K, strideA, strideB, batchBase, alpha (f32)]
//#include matmul_common

fn store_row(gm: u32, n: u32, G: u32, M: u32, N: u32, cOff: u32, lo: vec4<f32>, hi: vec4<f32>) {
  if (gm >= M) { return; }
  let alpha = pf(6u);
  let a = act(lo, alpha);
  let b = act(hi, alpha);
  for (var j = 0u; j < 4u; j++) {
    let c0 = n + j * G;
    if (c0 < N) { C[cOff + gm * N + c0] = a[j]; }
    let c1 = n + (j + 4u) * G;
    if (c1 < N) { C[cOff + gm * N + c1] = b[j]; }
  }
}

@compute @workgroup_size({{WGX}}, {{WGY}})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = pu(0u);
  let N = pu(1u);
  let K = pu(2u);
  let batch = pu(5u) + wid.z;
  let aOff = batch * pu(3u);
  let bOff = batch * pu(4u);
  let m = gid.y * 8u;
  let G = min({{WGX}}u, 4u);
  let n = wid.x * ({{WGX}}u * 8u) + (lid.x / G) * (8u * G) + lid.x % G;
  if (m >= M || n >= N) { return; }
//#if TRANS_A
  let aRow = 1u;
  let aK = M;
//#else
  let aRow = K;
  let aK = 1u;
//#endif
//#if TRANS_B
  let bCol = K;
  let bK = 1u;
//#else
  let bCol = 1u;
  let bK = N;
//#endif
  let ra0 = aOff + min(m + 0u, M - 1u) * aRow;
  let ra1 = aOff + min(m + 1u, M - 1u) * aRow;
  let ra2 = aOff + min(m + 2u, M - 1u) * aRow;
  let ra3 = aOff + min(m + 3u, M - 1u) * aRow;
  let ra4 = aOff + min(m + 4u, M - 1u) * aRow;
  let ra5 = aOff + min(m + 5u, M - 1u) * aRow;
  let ra6 = aOff + min(m + 6u, M - 1u) * aRow;
  let ra7 = aOff + min(m + 7u, M - 1u) * aRow;
  let rb0 = bOff + min(n + 0u * G, N - 1u) * bCol;
  let rb1 = bOff + min(n + 1u * G, N - 1u) * bCol;
  let rb2 = bOff + min(n + 2u * G, N - 1u) * bCol;
  let rb3 = bOff + min(n + 3u * G, N - 1u) * bCol;
  let rb4 = bOff + min(n + 4u * G, N - 1u) * bCol;
  let rb5 = bOff + min(n + 5u * G, N - 1u) * bCol;
  let rb6 = bOff + min(n + 6u * G, N - 1u) * bCol;
  let rb7 = bOff + min(n + 7u * G, N - 1u) * bCol;
  var c0a = vec4<f32>(0.0);
  var c0b = vec4<f32>(0.0);
  var c1a = vec4<f32>(0.0);
  var c1b = vec4<f32>(0.0);
  var c2a = vec4<f32>(0.0);
  var c2b = vec4<f32>(0.0);
  var c3a = vec4<f32>(0.0);
  var c3b = vec4<f32>(0.0);
  var c4a = vec4<f32>(0.0);
  var c4b = vec4<f32>(0.0);
  var c5a = vec4<f32>(0.0);
  var c5b = vec4<f32>(0.0);
  var c6a = vec4<f32>(0.0);
  var c6b = vec4<f32>(0.0);
  var c7a = vec4<f32>(0.0);
  var c7b = vec4<f32>(0.0);
  for (var k = 0u; k < K; k++) {
    let ka = k * aK;
    let kb = k * bK;
    let b0 = vec4<f32>(B[rb0 + kb], B[rb1 + kb], B[rb2 + kb], B[rb3 + kb]);
    let b1 = vec4<f32>(B[rb4 + kb], B[rb5 + kb], B[rb6 + kb], B[rb7 + kb]);
    let a0 = A[ra0 + ka];
    let a1 = A[ra1 + ka];
    let a2 = A[ra2 + ka];
    let a3 = A[ra3 + ka];
    let a4 = A[ra4 + ka];
    let a5 = A[ra5 + ka];
    let a6 = A[ra6 + ka];
    let a7 = A[ra7 + ka];
    c0a += a0 * b0;
    c0b += a0 * b1;
    c1a += a1 * b0;
    c1b += a1 * b1;
    c2a += a2 * b0;
    c2b += a2 * b1;
    c3a += a3 * b0;
    c3b += a3 * b1;
    c4a += a4 * b0;
    c4b += a4 * b1;
    c5a += a5 * b0;
    c5b += a5 * b1;
    c6a += a6 * b0;
    c6b += a6 * b1;
    c7a += a7 * b0;
    c7b += a7 * b1;
  }
  var bias0 = vec4<f32>(0.0);
  var bias1 = vec4<f32>(0.0);
//#if BIAS
  for (var j = 0u; j < 4u; j++) {
    bias0[j] = BIAS[min(n + j * G, N - 1u)];
    bias1[j] = BIAS[min(n + (j + 4u) * G, N - 1u)];
  }
//#endif
  let cOff = batch * M * N;
  store_row(m + 0u, n, G, M, N, cOff, c0a + bias0, c0b + bias1);
  store_row(m + 1u, n, G, M, N, cOff, c1a + bias0, c1b + bias1);
  store_row(m + 2u, n, G, M, N, cOff, c2a + bias0, c2b + bias1);
  store_row(m + 3u, n, G, M, N, cOff, c3a + bias0, c3b + bias1);
  store_row(m + 4u, n, G, M, N, cOff, c4a + bias0, c4b + bias1);
  store_row(m + 5u, n, G, M, N, cOff, c5a + bias0, c5b + bias1);
  store_row(m + 6u, n, G, M, N, cOff, c6a + bias0, c6b + bias1);
  store_row(m + 7u, n, G, M, N, cOff, c7a + bias0, c7b + bias1);
}
