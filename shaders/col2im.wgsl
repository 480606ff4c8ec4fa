// col2im, the adjoint of im2col: dx[b, y, x, c] = the sum of the cols entries im2col copied from it.
// A gather (no float atomics in WGSL): one invocation per input channel unit walks the taps
// (ky, kx) whose windows land on it. Window params: window_common.wgsl.
//#include window_common
@group(0) @binding(1) var<storage, read> COLS: array<T>;
@group(0) @binding(2) var<storage, read_write> Y: array<T>;

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
      let row = (b * w.outH + u32(oy)) * w.outW + u32(ox);
      acc += COLS[(row * w.kH * w.kW + ky * w.kW + kx) * w.cu + c];
    }
  }
  Y[i] = acc;
}
