// max or average pooling over the real taps of each window (taps in the padding are ignored), one
// invocation per output channel unit. MAX keeps the first maximal tap; ARG writes that tap's index
// ky * kW + kx instead (for pool_grad); AVG divides by the count of real taps (0 without any).
// Window params: window_common.wgsl.
//#include window_common
@group(0) @binding(1) var<storage, read> X: array<T>;
@group(0) @binding(2) var<storage, read_write> Y: array<T>;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  let w = win();
  if (i >= w.n) { return; }
  let px = pixel_of(i, w.outH, w.outW, w.cu);
  let b = px.b;
  let oy = px.y;
  let ox = px.x;
  let c = px.c;
  var acc = T(0.0);
  var arg = T(-1.0);
  var count = 0u;
  for (var ky = 0u; ky < w.kH; ky++) {
    let iy = i32(oy) * w.sH - w.padT + i32(ky) * w.dH;
    if (iy < 0 || iy >= w.inH) { continue; }
    for (var kx = 0u; kx < w.kW; kx++) {
      let ix = i32(ox) * w.sW - w.padL + i32(kx) * w.dW;
      if (ix < 0 || ix >= w.inW) { continue; }
      let v = X[input_at(w, b, iy, ix) + c];
//#if AVG
      acc += v;
//#else
      // strictly greater: the first maximal tap wins, lane by lane
      let more = v > acc;
      if (count == 0u) { acc = v; arg = T(f32(ky * w.kW + kx)); }
      else { acc = select(acc, v, more); arg = select(arg, T(f32(ky * w.kW + kx)), more); }
//#endif
      count++;
    }
  }
//#if AVG
  Y[i] = select(T(0.0), acc / f32(count), count > 0u);
//#else
//#if ARG
  Y[i] = arg;
//#else
  Y[i] = acc;
//#endif
//#endif
}
