// The counter-based generator of src/backend/random.ts in u32 arithmetic: element i depends only on
// (seed, i), so every backend and every thread split draws the same numbers.
// params: [n, seed, a (f32), b (f32)]; uniform: a + (b - a) * u; normal: a + b * z.
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;

fn hash32(v: u32) -> u32 {
  var x = v;
  x = x ^ (x >> 16u);
  x = x * 0x7feb352du;
  x = x ^ (x >> 15u);
  x = x * 0x846ca68bu;
  x = x ^ (x >> 16u);
  return x;
}

fn bits(seed: u32, i: u32, s: u32) -> u32 {
  let key = hash32(seed ^ 0x9e3779b9u);
  return hash32(key + hash32(2u * i + s));
}

const TWO_M24 = 5.9604644775390625e-8;

// log and cos of our own: the built-ins may be far less accurate than the cpu's Math.log/Math.cos
// (Vulkan allows cos an absolute error of 2^-11), and every backend must draw the same numbers.
fn log_acc(x: f32) -> f32 {
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); log(m) = 2 atanh(s), s = (m - 1) / (m + 1)
  let b = bitcast<u32>(x);
  var e = i32((b >> 23u) & 0xffu) - 127;
  var m = bitcast<f32>((b & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356) { m = m * 0.5; e = e + 1; }
  let s = (m - 1.0) / (m + 1.0);
  let s2 = s * s;
  let series = s * (2.0 + s2 * (0.6666666667 + s2 * (0.4 + s2 * (0.2857142857 + s2 * (0.2222222222 + s2 * 0.1818181818)))));
  return f32(e) * 0.693147180559945 + series;
}

fn cos_acc(x: f32) -> f32 {
  // quadrant k and remainder r in [-pi/4, pi/4], pi/2 split in two parts for an exact-ish reduction
  let k = round(x * 0.636619772);
  let r = (x - k * 1.5707963705062866) + k * 4.371139000186243e-8;
  let r2 = r * r;
  let c = 1.0 + r2 * (-0.5 + r2 * (0.041666666667 + r2 * (-0.0013888888889 + r2 * (2.4801587302e-5 + r2 * -2.7557319224e-7))));
  let sn = r * (1.0 + r2 * (-0.16666666667 + r2 * (0.0083333333333 + r2 * (-1.9841269841e-4 + r2 * 2.7557319224e-6))));
  let q = u32(i32(k) & 3);
  if (q == 0u) { return c; }
  if (q == 1u) { return -sn; }
  if (q == 2u) { return -c; }
  return sn;
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= pu(0u)) { return; }
  let seed = pu(1u);
  let a = pf(2u);
  let b = pf(3u);
//#if NORMAL
  let u1 = f32((bits(seed, i, 0u) >> 8u) + 1u) * TWO_M24;
  let u2 = f32(bits(seed, i, 1u) >> 8u) * TWO_M24;
  let r = sqrt(-2.0 * log_acc(u1));
  Y[i] = a + b * (r * cos_acc(6.2831855 * u2));
//#else
  Y[i] = a + (b - a) * (f32(bits(seed, i, 0u) >> 8u) * TWO_M24);
//#endif
}
