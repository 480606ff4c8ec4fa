// Broadcasting binary arithmetic and comparisons (comparisons give 1 or 0).
// MODE_SAME: equal sizes, T may be vec4<f32>.  MODE_SCALAR_A / MODE_SCALAR_B: one side has one element.
// MODE_STRIDED: any rank R (after merging dims on the host): each side has its own strides (0 = broadcast).
// T may be vec4<f32> here too: then the innermost dim counts vec4s, and a side whose innermost
// stride is 0 reads one float (TA or TB = f32, indexed in floats) and splats it.
// params: [n (units of T), R, 0, 0], then outShape, aStrides and bStrides, each padded to Q vec4s.
// Up to rank 8 (Q = 2) the index arithmetic is unrolled with every size read at a constant place:
// a loop reading the uniform at a computed index ran about 5x slower on SwiftShader.
alias T = {{T}};
@group(0) @binding(1) var<storage, read> A: array<{{TA}}>;
@group(0) @binding(2) var<storage, read> B: array<{{TB}}>;
@group(0) @binding(3) var<storage, read_write> Y: array<T>;

// With INT, T is i32 or vec4<i32>: + - * wrap as two's complement, as WGSL defines for i32.
fn op_add(a: T, b: T) -> T { return a + b; }
fn op_sub(a: T, b: T) -> T { return a - b; }
fn op_mul(a: T, b: T) -> T { return a * b; }
fn op_div(a: T, b: T) -> T { return a / b; }
// NaN in a wins, as in the cpu reference.
fn op_max(a: T, b: T) -> T { return select(b, a, (a >= b) | (a != a)); }
fn op_min(a: T, b: T) -> T { return select(b, a, (a <= b) | (a != a)); }
//#if INT
fn op_equal(a: T, b: T) -> T { return select(T(0), T(1), a == b); }
fn op_notEqual(a: T, b: T) -> T { return select(T(0), T(1), a != b); }
fn op_less(a: T, b: T) -> T { return select(T(0), T(1), a < b); }
fn op_lessEqual(a: T, b: T) -> T { return select(T(0), T(1), a <= b); }
fn op_greater(a: T, b: T) -> T { return select(T(0), T(1), a > b); }
fn op_greaterEqual(a: T, b: T) -> T { return select(T(0), T(1), a >= b); }
// Floor division and floor mod from WGSL's truncating ones (which give a for a / 0 and wrap
// -2^31 / -1); x / 0 and x mod 0 give 0, as the cpu reference.
fn op_floorDiv(a: T, b: T) -> T {
  let q = a / b;
  let r = a - q * b;
  let fix = (r != T(0)) & ((r < T(0)) != (b < T(0)));
  return select(select(q, q - T(1), fix), T(0), b == T(0));
}
fn op_mod(a: T, b: T) -> T {
  let r = a - (a / b) * b;
  let fix = (r != T(0)) & ((r < T(0)) != (b < T(0)));
  return select(select(r, r + b, fix), T(0), b == T(0));
}
fn op_bitwiseAnd(a: T, b: T) -> T { return a & b; }
//#else
fn op_floorDiv(a: T, b: T) -> T { return floor(a / b); }
// Floor mod: the divisor's sign, as TensorFlow.js's.
fn op_mod(a: T, b: T) -> T { return a - b * floor(a / b); }
fn op_atan2(a: T, b: T) -> T { return select(atan2(a, b), T(0.0), (a == T(0.0)) & (b == T(0.0))); }
// pow for negative bases with whole exponents (the hardware pow is only defined for a >= 0),
// and x^0 = 1 everywhere.
fn op_pow(a: T, b: T) -> T {
  let r = pow(abs(a), b);
  let whole = round(b) == b;
  let odd = whole & (abs(b - T(2.0) * floor(b * T(0.5))) == T(1.0));
  var y = select(r, -r, (a < T(0.0)) & odd);
  y = select(y, sqrt(-T(1.0) - abs(a)), (a < T(0.0)) & !whole);
  return select(y, T(1.0), b == T(0.0));
}
fn op_equal(a: T, b: T) -> T { return select(T(0.0), T(1.0), a == b); }
fn op_notEqual(a: T, b: T) -> T { return select(T(0.0), T(1.0), a != b); }
fn op_less(a: T, b: T) -> T { return select(T(0.0), T(1.0), a < b); }
fn op_lessEqual(a: T, b: T) -> T { return select(T(0.0), T(1.0), a <= b); }
fn op_greater(a: T, b: T) -> T { return select(T(0.0), T(1.0), a > b); }
fn op_greaterEqual(a: T, b: T) -> T { return select(T(0.0), T(1.0), a >= b); }
//#endif

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= pu(0u)) { return; }
//#if MODE_SAME
  Y[i] = op_{{OP}}(A[i], B[i]);
//#endif
//#if MODE_SCALAR_A
  Y[i] = op_{{OP}}(T(A[0]), B[i]);
//#endif
//#if MODE_SCALAR_B
  Y[i] = op_{{OP}}(A[i], T(B[0]));
//#endif
//#if MODE_STRIDED
  var rem = i;
  var ia = 0u;
  var ib = 0u;
//#if GENERIC
  for (var d = {{R}}u - 1u; d > 0u; d--) {
    let s = P.v[1u + d / 4u][d % 4u];
    let c = rem % s;
    rem = rem / s;
    ia += c * P.v[1u + {{Q}}u + d / 4u][d % 4u];
    ib += c * P.v[1u + 2u * {{Q}}u + d / 4u][d % 4u];
  }
  ia += rem * P.v[1u + {{Q}}u].x;
  ib += rem * P.v[1u + 2u * {{Q}}u].x;
//#else
//#if D7
  { let s = P.v[2].w; let c = rem % s; rem = rem / s; ia += c * P.v[4].w; ib += c * P.v[6].w; }
//#endif
//#if D6
  { let s = P.v[2].z; let c = rem % s; rem = rem / s; ia += c * P.v[4].z; ib += c * P.v[6].z; }
//#endif
//#if D5
  { let s = P.v[2].y; let c = rem % s; rem = rem / s; ia += c * P.v[4].y; ib += c * P.v[6].y; }
//#endif
//#if D4
  { let s = P.v[2].x; let c = rem % s; rem = rem / s; ia += c * P.v[4].x; ib += c * P.v[6].x; }
//#endif
//#if D3
  { let s = P.v[1].w; let c = rem % s; rem = rem / s; ia += c * P.v[3].w; ib += c * P.v[5].w; }
//#endif
//#if D2
  { let s = P.v[1].z; let c = rem % s; rem = rem / s; ia += c * P.v[3].z; ib += c * P.v[5].z; }
//#endif
//#if D1
  { let s = P.v[1].y; let c = rem % s; rem = rem / s; ia += c * P.v[3].y; ib += c * P.v[5].y; }
//#endif
  ia += rem * P.v[3].x;
  ib += rem * P.v[5].x;
//#endif
  Y[i] = op_{{OP}}(T(A[ia]), T(B[ib]));
//#endif
}
