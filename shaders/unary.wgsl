// Unary math and activations, elementwise. T is f32, or vec4<f32> when the size is a multiple of 4;
// with INT, i32 or vec4<i32> (neg, abs and sign only).
// params: [n (in units of T), alpha]
alias T = {{T}};
alias U = {{U}};
alias B = {{B}};
@group(0) @binding(1) var<storage, read> X: array<T>;
@group(0) @binding(2) var<storage, read_write> Y: array<T>;

//#if !INT
fn op_neg(x: T, a: f32) -> T { return -x; }
fn op_exp(x: T, a: f32) -> T { return exp(x); }
fn op_log(x: T, a: f32) -> T { return log(x); }
fn op_sqrt(x: T, a: f32) -> T { return sqrt(x); }
fn op_abs(x: T, a: f32) -> T { return abs(x); }
fn op_sign(x: T, a: f32) -> T { return sign(x); }
// tanh(15) already rounds to 1 in f32; clamping keeps drivers that use exp from producing inf/inf.
fn op_tanh(x: T, a: f32) -> T { return tanh(clamp(x, T(-15.0), T(15.0))); }
fn op_sigmoid(x: T, a: f32) -> T { return T(1.0) / (T(1.0) + exp(-x)); }
// NaN by its bits: WGSL lets a compiler assume no NaN, so x != x may fold to false.
fn is_nan(x: T) -> B { return (bitcast<U>(x) & U(0x7fffffffu)) > U(0x7f800000u); }
// NaN passes through relu and step, as in TensorFlow.js; step's alpha is its value at x <= 0.
fn op_relu(x: T, a: f32) -> T { return select(T(0.0), x, (x > T(0.0)) | is_nan(x)); }
fn op_leakyRelu(x: T, a: f32) -> T { return select(x * a, x, x > T(0.0)); }
fn op_step(x: T, a: f32) -> T { return select(select(T(a), T(1.0), x > T(0.0)), x, is_nan(x)); }
fn op_ceil(x: T, a: f32) -> T { return ceil(x); }
fn op_floor(x: T, a: f32) -> T { return floor(x); }
// WGSL's round takes ties to even, as TensorFlow.js.
fn op_round(x: T, a: f32) -> T { return round(x); }
// sin and cos of our own (WGSL promises only 2^-11 absolute, which SwiftShader uses): x = j pi/2 + r,
// |r| <= pi/4, then Cephes's single-precision polynomials, as the wasm kernels.
fn sincos(x: T, shift: f32) -> T {
  let j = round(x * T(0.63661977236758134));
  let r = ((x - j * T(1.5703125)) - j * T(4.837512969970703125e-4)) - j * T(7.54978995489188216e-8);
  let q = j + T(shift);
  let z = r * r;
  let s = ((z * T(-1.9515295891e-4) + T(8.3321608736e-3)) * z + T(-1.6666654611e-1)) * z * r + r;
  let c = z * z * ((z * T(2.443315711809948e-5) + T(-1.388731625493765e-3)) * z + T(4.166664568298827e-2)) - z * T(0.5) + T(1.0);
  let h = q - T(4.0) * floor(q * T(0.25)); // q mod 4, in 0..3
  let y = select(s, c, (h == T(1.0)) | (h == T(3.0)));
  return select(y, -y, h >= T(2.0));
}
fn op_sin(x: T, a: f32) -> T { return sincos(x, 0.0); }
fn op_cos(x: T, a: f32) -> T { return sincos(x, 1.0); }
fn op_tan(x: T, a: f32) -> T { return sincos(x, 0.0) / sincos(x, 1.0); }
// asin x = atan(x / sqrt(1 - x^2)): the built-in asin and acos are looser than atan on SwiftShader.
fn op_asin(x: T, a: f32) -> T { return atan(x / sqrt(T(1.0) - x * x)); }
fn op_acos(x: T, a: f32) -> T { return T(1.5707963267948966) - atan(x / sqrt(T(1.0) - x * x)); }
fn op_atan(x: T, a: f32) -> T { return atan(x); }
fn op_sinh(x: T, a: f32) -> T { return sinh(x); }
fn op_cosh(x: T, a: f32) -> T { return cosh(x); }
fn op_asinh(x: T, a: f32) -> T { return asinh(x); }
fn op_acosh(x: T, a: f32) -> T { return acosh(x); }
fn op_atanh(x: T, a: f32) -> T { return atanh(x); }
// Abramowitz and Stegun 7.1.26, as the cpu reference and TensorFlow.js.
fn op_erf(x: T, a: f32) -> T {
  let v = abs(x);
  let t = T(1.0) / (T(1.0) + T(0.3275911) * v);
  let p = t * (T(0.254829592) + t * (T(-0.284496736) + t * (T(1.421413741) + t * (T(-1.453152027) + t * T(1.061405429)))));
  return sign(x) * (T(1.0) - p * exp(-v * v));
}
fn op_expm1(x: T, a: f32) -> T {
  let s = x * (T(1.0) + x * (T(0.5) + x * (T(1.0 / 6.0) + x * T(1.0 / 24.0))));
  return select(exp(x) - T(1.0), s, abs(x) < T(1e-2));
}
// log(u) * x / (u - 1) with u = 1 + x rounded: exact where u rounds to 1.
fn op_log1p(x: T, a: f32) -> T {
  let u = T(1.0) + x;
  let d = u - T(1.0);
  return select(log(u) * x / d, x, d == T(0.0));
}
fn op_isNaN(x: T, a: f32) -> T { return select(T(0.0), T(1.0), is_nan(x)); }
fn op_isInf(x: T, a: f32) -> T { return select(T(0.0), T(1.0), (bitcast<U>(x) & U(0x7fffffffu)) == U(0x7f800000u)); }
fn op_isFinite(x: T, a: f32) -> T { return select(T(0.0), T(1.0), (bitcast<U>(x) & U(0x7f800000u)) != U(0x7f800000u)); }
//#else
// int32: exact, wrapping (-(-2^31) and abs(-2^31) stay -2^31, as in TensorFlow.js).
fn op_neg(x: T, a: f32) -> T { return -x; }
fn op_abs(x: T, a: f32) -> T { return select(x, -x, x < T(0)); }
fn op_sign(x: T, a: f32) -> T { return select(T(0), T(1), x > T(0)) - select(T(0), T(1), x < T(0)); }
//#endif

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= pu(0u)) { return; }
  Y[i] = op_{{OP}}(X[i], pf(1u));
}
