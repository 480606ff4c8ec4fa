// im2col: cols[row, (ky * kW + kx) * inC + c] = x[b, iy, ix, c] (0 where the tap is in the padding),
// one invocation per (output pixel, tap), copying that tap's CU channel units. Window params: window_common.wgsl.
//#include window_common
@group(0) @binding(1) var<storage, read> X: array<T>;
@group(0) @binding(2) var<storage, read_write> Y: array<T>;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  let w = win();
  if (i >= w.n) { return; }
  let taps = w.kH * w.kW;
  let t = i % taps;
  let row = i / taps;
  let ox = row % w.outW;
  let r = row / w.outW;
  let oy = r % w.outH;
  let b = r / w.outH;
  let iy = i32(oy) * w.sH - w.padT + i32(t / w.kW) * w.dH;
  let ix = i32(ox) * w.sW - w.padL + i32(t % w.kW) * w.dW;
  let dst = i * w.cu;
  if (iy < 0 || iy >= w.inH || ix < 0 || ix >= w.inW) {
    for (var c = 0u; c < w.cu; c++) { Y[dst + c] = T(0.0); }
    return;
  }
  let src = input_at(w, b, iy, ix);
  for (var c = 0u; c < w.cu; c++) { Y[dst + c] = X[src + c]; }
}
