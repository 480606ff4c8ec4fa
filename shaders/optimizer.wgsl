// Fused, in-place parameter updates (formulas in src/backend/backend.ts, KernelAttrs.optimizer).
// params: [n, lr, momentum, rho, beta1, beta2, epsilon, lrT (adam's bias-corrected rate), nesterov]
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read_write> PARAM: array<f32>;
//#if STATE1
@group(0) @binding(3) var<storage, read_write> S1: array<f32>;
//#endif
//#if STATE2
@group(0) @binding(4) var<storage, read_write> S2: array<f32>;
//#endif

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let i = flat_id(wid, nwg, lidx);
  if (i >= pu(0u)) { return; }
  let lr = pf(1u);
  let g = G[i];
//#if SGD
  PARAM[i] = PARAM[i] - lr * g;
//#endif
//#if MOMENTUM
  let mom = pf(2u);
  let v = mom * S1[i] - lr * g;
  S1[i] = v;
  if (pu(8u) != 0u) { PARAM[i] = PARAM[i] + mom * v - lr * g; } else { PARAM[i] = PARAM[i] + v; }
//#endif
//#if RMSPROP
  let rho = pf(3u);
  let ms = rho * S1[i] + (1.0 - rho) * g * g;
  S1[i] = ms;
  PARAM[i] = PARAM[i] - lr * g / (sqrt(ms) + pf(6u));
//#endif
//#if ADAM
  let b1 = pf(4u);
  let b2 = pf(5u);
  let m = b1 * S1[i] + (1.0 - b1) * g;
  let v = b2 * S2[i] + (1.0 - b2) * g * g;
  S1[i] = m;
  S2[i] = v;
  PARAM[i] = PARAM[i] - pf(7u) * m / (sqrt(v) + pf(6u));
//#endif
}
