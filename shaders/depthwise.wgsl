// depthwise: the depthwise kernel's three passes over NHWC images, filter [kH, kW, C, M]: output
// channel c * M + q sums x[tap, c] * f[tap, c, q] over the window. T is a vec4 of channels when M is
// 1 and C a multiple of 4, else one channel (CU units per input pixel). A gather in each pass (no
// float atomics in WGSL), one invocation per element written:
//   FORWARD     A = x, B = filter, Y = y        one invocation per output channel unit
//   INPUT_GRAD  A = dy, B = filter, Y = dx      walks the windows that read its input pixel
//   FILTER_GRAD A = x, B = dy, Y = dfilter      sums over every output pixel of the batch
// Window params: window_common.wgsl, then [M, -, -, -].
//#include window_common
@group(0) @binding(1) var<storage, read> A: array<T>;
@group(0) @binding(2) var<storage, read> B: array<T>;
@group(0) @binding(3) var<storage, read_write> Y: array<T>;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  let w = win();
  let M = P.v[4].x;
  if (i >= w.n) { return; }
  var acc = T(0.0);
//#if FORWARD
  let ou = i % (w.cu * M);
  let p = i / (w.cu * M);
  let ox = p % w.outW;
  let oy = (p / w.outW) % w.outH;
  let b = p / (w.outW * w.outH);
  let c = ou / M;
  let q = ou % M;
  for (var ky = 0u; ky < w.kH; ky++) {
    let iy = i32(oy) * w.sH - w.padT + i32(ky) * w.dH;
    if (iy < 0 || iy >= w.inH) { continue; }
    for (var kx = 0u; kx < w.kW; kx++) {
      let ix = i32(ox) * w.sW - w.padL + i32(kx) * w.dW;
      if (ix < 0 || ix >= w.inW) { continue; }
      acc += A[input_at(w, b, iy, ix) + c] * B[((ky * w.kW + kx) * w.cu + c) * M + q];
    }
  }
//#endif
//#if INPUT_GRAD
  let px = pixel_of(i, u32(w.inH), u32(w.inW), w.cu);
  for (var ky = 0u; ky < w.kH; ky++) {
    let oy = window_at(i32(px.y), ky, w.padT, w.sH, w.dH, w.outH);
    if (oy < 0) { continue; }
    for (var kx = 0u; kx < w.kW; kx++) {
      let ox = window_at(i32(px.x), kx, w.padL, w.sW, w.dW, w.outW);
      if (ox < 0) { continue; }
      let d = output_at(w, px.b, u32(oy), u32(ox)) * M + px.c * M;
      let f = ((ky * w.kW + kx) * w.cu + px.c) * M;
      for (var q = 0u; q < M; q++) { acc += A[d + q] * B[f + q]; }
    }
  }
//#endif
//#if FILTER_GRAD
  let ou = i % (w.cu * M);
  let tap = i / (w.cu * M);
  let ky = tap / w.kW;
  let kx = tap % w.kW;
  let c = ou / M;
  for (var b = 0u; b < w.batch; b++) {
    for (var oy = 0u; oy < w.outH; oy++) {
      let iy = i32(oy) * w.sH - w.padT + i32(ky) * w.dH;
      if (iy < 0 || iy >= w.inH) { continue; }
      for (var ox = 0u; ox < w.outW; ox++) {
        let ix = i32(ox) * w.sW - w.padL + i32(kx) * w.dW;
        if (ix < 0 || ix >= w.inW) { continue; }
        acc += A[input_at(w, b, iy, ix) + c] * B[output_at(w, b, oy, ox) * M + ou];
      }
    }
  }
//#endif
  Y[i] = acc;
}
