// Activation derivatives: out = dy * f'(.), with v the activation's output (tanh, sigmoid) or input (relu, leakyRelu).
// params: [n (in units of T), alpha]
alias T = {{T}};
@group(0) @binding(1) var<storage, read> DY: array<T>;
@group(0) @binding(2) var<storage, read> V: array<T>;
@group(0) @binding(3) var<storage, read_write> Y: array<T>;

fn op_tanhGrad(dy: T, y: T, a: f32) -> T { return dy * (T(1.0) - y * y); }
fn op_sigmoidGrad(dy: T, y: T, a: f32) -> T { return dy * y * (T(1.0) - y); }
fn op_reluGrad(dy: T, x: T, a: f32) -> T { return select(T(0.0), dy, x > T(0.0)); }
fn op_leakyReluGrad(dy: T, x: T, a: f32) -> T { return select(dy * a, dy, x > T(0.0)); }

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= pu(0u)) { return; }
  Y[i] = op_{{OP}}(DY[i], V[i], pf(1u));
}
