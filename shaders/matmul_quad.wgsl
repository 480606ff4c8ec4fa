enable subgroups;
// `ok` below is the same in all four invocations of a quad, which the uniformity analysis cannot see.
diagnostic(off, subgroup_uniformity);
// Batched matmul C = act(op(A) @ op(B) + bias) for adapters that run shaders on the CPU (SwiftShader,
// llvmpipe), straight from storage like matmul_direct.wgsl but with the rows shared inside a quad.
// On such a driver every storage load costs about the same whatever the lanes fetch (a masked,
// bounds-checked gather), while a quad operation is a register shuffle. So the four invocations of a
// quad compute the same 16 rows of C (8 columns each, interleaved so a quad covers 32 neighbouring
// columns): per k each invocation loads 4 of the 16 A values and quadBroadcast hands them round, so
// an invocation makes 12 loads for 128 multiply-adds instead of 24 (16x8 alone) or 16 for 64 (8x8).
// The k loop is deliberately not unrolled: on these drivers a larger loop body costs more than it saves.
// Requires quads of consecutive local invocations (checked at run time: otherwise each invocation
// computes its outputs on its own, slowly but correctly).
// params: [M, N, K, strideA, strideB, batchBase, alpha (f32)]
//#include matmul_common

@compute @workgroup_size({{WGX}}, {{WGY}})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) lidx: u32,
        @builtin(subgroup_invocation_id) sid: u32) {
  let M = pu(0u);
  let N = pu(1u);
  let K = pu(2u);
  let batch = pu(5u) + wid.z;
  let aOff = batch * pu(3u);
  let bOff = batch * pu(4u);
  let m = gid.y * 16u;
  // columns n + 4j (j < 8): the quad's four invocations interleave, so each load is 4 neighbouring floats
  let n = wid.x * ({{WGX}}u * 8u) + (lid.x / 4u) * 32u + lid.x % 4u;
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
  // The quad shares m only if it is four consecutive invocations of one row of the workgroup (WGX is a
  // multiple of 4); every lane checks and the quad agrees, so the branch below is uniform per quad.
  let mine = select(0u, 1u, quadBroadcast(lidx, 0u) == (lidx & ~3u));
  let ok = (quadBroadcast(mine, 0u) & quadBroadcast(mine, 1u) & quadBroadcast(mine, 2u) & quadBroadcast(mine, 3u)) == 1u;
  var acc: array<vec4<f32>, 32>;
  if (ok) {
    let q = sid & 3u;
    // this invocation loads rows m + q + 4t (t < 4); edge rows and columns are clamped, their results dropped
    let ra0 = aOff + min(m + q, M - 1u) * aRow;
    let ra1 = aOff + min(m + q + 4u, M - 1u) * aRow;
    let ra2 = aOff + min(m + q + 8u, M - 1u) * aRow;
    let ra3 = aOff + min(m + q + 12u, M - 1u) * aRow;
    let rb0 = bOff + min(n, N - 1u) * bCol;
    let rb1 = bOff + min(n + 4u, N - 1u) * bCol;
    let rb2 = bOff + min(n + 8u, N - 1u) * bCol;
    let rb3 = bOff + min(n + 12u, N - 1u) * bCol;
    let rb4 = bOff + min(n + 16u, N - 1u) * bCol;
    let rb5 = bOff + min(n + 20u, N - 1u) * bCol;
    let rb6 = bOff + min(n + 24u, N - 1u) * bCol;
    let rb7 = bOff + min(n + 28u, N - 1u) * bCol;
    var c0a = vec4<f32>(0.0); var c0b = vec4<f32>(0.0);
    var c1a = vec4<f32>(0.0); var c1b = vec4<f32>(0.0);
    var c2a = vec4<f32>(0.0); var c2b = vec4<f32>(0.0);
    var c3a = vec4<f32>(0.0); var c3b = vec4<f32>(0.0);
    var c4a = vec4<f32>(0.0); var c4b = vec4<f32>(0.0);
    var c5a = vec4<f32>(0.0); var c5b = vec4<f32>(0.0);
    var c6a = vec4<f32>(0.0); var c6b = vec4<f32>(0.0);
    var c7a = vec4<f32>(0.0); var c7b = vec4<f32>(0.0);
    var c8a = vec4<f32>(0.0); var c8b = vec4<f32>(0.0);
    var c9a = vec4<f32>(0.0); var c9b = vec4<f32>(0.0);
    var c10a = vec4<f32>(0.0); var c10b = vec4<f32>(0.0);
    var c11a = vec4<f32>(0.0); var c11b = vec4<f32>(0.0);
    var c12a = vec4<f32>(0.0); var c12b = vec4<f32>(0.0);
    var c13a = vec4<f32>(0.0); var c13b = vec4<f32>(0.0);
    var c14a = vec4<f32>(0.0); var c14b = vec4<f32>(0.0);
    var c15a = vec4<f32>(0.0); var c15b = vec4<f32>(0.0);
    for (var k = 0u; k < K; k++) {
      let ka = k * aK;
      let kb = k * bK;
      let b0 = vec4<f32>(B[rb0 + kb], B[rb1 + kb], B[rb2 + kb], B[rb3 + kb]);
      let b1 = vec4<f32>(B[rb4 + kb], B[rb5 + kb], B[rb6 + kb], B[rb7 + kb]);
      let l0 = A[ra0 + ka];
      let l1 = A[ra1 + ka];
      let l2 = A[ra2 + ka];
      let l3 = A[ra3 + ka];
      { let a = quadBroadcast(l0, 0u); c0a += a * b0; c0b += a * b1; }
      { let a = quadBroadcast(l0, 1u); c1a += a * b0; c1b += a * b1; }
      { let a = quadBroadcast(l0, 2u); c2a += a * b0; c2b += a * b1; }
      { let a = quadBroadcast(l0, 3u); c3a += a * b0; c3b += a * b1; }
      { let a = quadBroadcast(l1, 0u); c4a += a * b0; c4b += a * b1; }
      { let a = quadBroadcast(l1, 1u); c5a += a * b0; c5b += a * b1; }
      { let a = quadBroadcast(l1, 2u); c6a += a * b0; c6b += a * b1; }
      { let a = quadBroadcast(l1, 3u); c7a += a * b0; c7b += a * b1; }
      { let a = quadBroadcast(l2, 0u); c8a += a * b0; c8b += a * b1; }
      { let a = quadBroadcast(l2, 1u); c9a += a * b0; c9b += a * b1; }
      { let a = quadBroadcast(l2, 2u); c10a += a * b0; c10b += a * b1; }
      { let a = quadBroadcast(l2, 3u); c11a += a * b0; c11b += a * b1; }
      { let a = quadBroadcast(l3, 0u); c12a += a * b0; c12b += a * b1; }
      { let a = quadBroadcast(l3, 1u); c13a += a * b0; c13b += a * b1; }
      { let a = quadBroadcast(l3, 2u); c14a += a * b0; c14b += a * b1; }
      { let a = quadBroadcast(l3, 3u); c15a += a * b0; c15b += a * b1; }
    }
    acc[0] = c0a; acc[1] = c0b; acc[2] = c1a; acc[3] = c1b;
    acc[4] = c2a; acc[5] = c2b; acc[6] = c3a; acc[7] = c3b;
    acc[8] = c4a; acc[9] = c4b; acc[10] = c5a; acc[11] = c5b;
    acc[12] = c6a; acc[13] = c6b; acc[14] = c7a; acc[15] = c7b;
    acc[16] = c8a; acc[17] = c8b; acc[18] = c9a; acc[19] = c9b;
    acc[20] = c10a; acc[21] = c10b; acc[22] = c11a; acc[23] = c11b;
    acc[24] = c12a; acc[25] = c12b; acc[26] = c13a; acc[27] = c13b;
    acc[28] = c14a; acc[29] = c14b; acc[30] = c15a; acc[31] = c15b;
  } else {
    // quads are not laid out as assumed: each output on its own (never taken on SwiftShader or llvmpipe)
    for (var i = 0u; i < 16u; i++) {
      let ra = aOff + min(m + i, M - 1u) * aRow;
      for (var j = 0u; j < 8u; j++) {
        let rb = bOff + min(n + 4u * j, N - 1u) * bCol;
        var s = 0.0;
        for (var k = 0u; k < K; k++) { s += A[ra + k * aK] * B[rb + k * bK]; }
        acc[i * 2u + j / 4u][j % 4u] = s;
      }
    }
  }
  // Rows and columns in a loop rather than unrolled: on CPU drivers the size of the whole shader
  // slows its hot loop, so the epilogue stays small.
  let alpha = pf(6u);
  let cOff = batch * M * N;
  var bias0 = vec4<f32>(0.0);
  var bias1 = vec4<f32>(0.0);
//#if BIAS
  for (var j = 0u; j < 4u; j++) {
    bias0[j] = BIAS[min(n + 4u * j, N - 1u)];
    bias1[j] = BIAS[min(n + 4u * (j + 4u), N - 1u)];
  }
//#endif
  for (var i = 0u; i < 16u; i++) {
    if (m + i >= M) { break; }
    let lo = act(acc[2u * i] + bias0, alpha);
    let hi = act(acc[2u * i + 1u] + bias1, alpha);
    let row = cOff + (m + i) * N;
    for (var j = 0u; j < 4u; j++) {
      if (n + 4u * j < N) { C[row + n + 4u * j] = lo[j]; }
      if (n + 4u * (j + 4u) < N) { C[row + n + 4u * (j + 4u)] = hi[j]; }
    }
  }
}
