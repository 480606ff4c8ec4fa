// The gradient of pool, one invocation per input channel unit, gathering from the windows whose taps
// land on it. MAX: WIN holds each window's winning tap (pool.wgsl's ARG pass) and the window's dy goes
// to that tap only; AVG: dy / (the window's count of real taps) goes to every real tap, the count being
// the rows times the columns of the window inside the image. Window params: window_common.wgsl.
//#include window_common
@group(0) @binding(1) var<storage, read> DY: array<T>;
//#if MAX
@group(0) @binding(2) var<storage, read> WIN: array<T>;
@group(0) @binding(3) var<storage, read_write> Y: array<T>;
//#else
@group(0) @binding(2) var<storage, read_write> Y: array<T>;
//#endif

// Taps k < size of a window starting at `start` (in steps of dil) that fall inside [0, extent).
fn inside(start: i32, size: u32, dil: i32, extent: i32) -> u32 {
  let first = select(0, (-start + dil - 1) / dil, start < 0);
  let last = min(i32(size) - 1, (extent - 1 - start) / dil);
  return u32(max(last - first + 1, 0));
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  let w = win();
  if (i >= w.n) { return; }
  let px = pixel_of(i, u32(w.inH), u32(w.inW), w.cu);
  let b = px.b;
  let y = i32(px.y);
  let x = i32(px.x);
  let c = px.c;
  var acc = T(0.0);
  for (var ky = 0u; ky < w.kH; ky++) {
    let oy = window_at(y, ky, w.padT, w.sH, w.dH, w.outH);
    if (oy < 0) { continue; }
    for (var kx = 0u; kx < w.kW; kx++) {
      let ox = window_at(x, kx, w.padL, w.sW, w.dW, w.outW);
      if (ox < 0) { continue; }
      let o = output_at(w, b, u32(oy), u32(ox)) + c;
//#if MAX
      acc += select(T(0.0), DY[o], WIN[o] == T(f32(ky * w.kW + kx)));
//#else
      let n = inside(oy * w.sH - w.padT, w.kH, w.dH, w.inH) * inside(ox * w.sW - w.padL, w.kW, w.dW, w.inW);
      acc += DY[o] / f32(n);
//#endif
    }
  }
  Y[i] = acc;
}
