// Window geometry shared by the conv and pool kernels (im2col, col2im, pool, pool_grad), NHWC.
// T is one channel unit: f32, or vec4<f32> when the channel count is a multiple of 4 (CU units
// per pixel). params, at fixed places of the uniform (src/backend/webgpu/window.ts):
//   [n, batch, inH, inW], [inC, outH, outW, kH], [kW, strideH, strideW, dilationH], [dilationW, padTop, padLeft, CU]
// Output pixel (oy, ox) reads taps (oy * strideH - padTop + ky * dilationH, ox * strideW - padLeft + kx * dilationW).
alias T = {{T}};

struct Win {
  n: u32, batch: u32, inH: i32, inW: i32,
  outH: u32, outW: u32, kH: u32, kW: u32,
  sH: i32, sW: i32, dH: i32, dW: i32,
  padT: i32, padL: i32, cu: u32,
}

fn win() -> Win {
  let a = P.v[0];
  let b = P.v[1];
  let c = P.v[2];
  let d = P.v[3];
  return Win(a.x, a.y, i32(a.z), i32(a.w), b.y, b.z, b.w, c.x, i32(c.y), i32(c.z), i32(c.w), i32(d.x), i32(d.y), i32(d.z), d.w);
}

// The output position along one axis whose tap k lands on input position p, or -1 when none does.
fn window_at(p: i32, k: u32, pad: i32, stride: i32, dil: i32, outSize: u32) -> i32 {
  let t = p + pad - i32(k) * dil;
  if (t < 0 || t % stride != 0) { return -1; }
  let o = t / stride;
  return select(-1, o, o < i32(outSize));
}

// Where invocation i of a per-pixel kernel sits: channel unit c of pixel (y, x) of image b, over a
// grid of h x w pixels (the input's for col2im and pool_grad, the output's for pool).
struct Pixel { b: u32, y: u32, x: u32, c: u32 }

fn pixel_of(i: u32, h: u32, w: u32, cu: u32) -> Pixel {
  let p = i / cu;
  let q = p / w;
  return Pixel(q / h, q % h, p % w, i % cu);
}

// The first channel unit of input pixel (iy, ix) of image b.
fn input_at(w: Win, b: u32, iy: i32, ix: i32) -> u32 {
  return ((b * u32(w.inH) + u32(iy)) * u32(w.inW) + u32(ix)) * w.cu;
}

// The first channel unit of output pixel (oy, ox) of image b.
fn output_at(w: Win, b: u32, oy: u32, ox: u32) -> u32 {
  return ((b * w.outH + oy) * w.outW + ox) * w.cu;
}
