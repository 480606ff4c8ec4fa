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
