// Bindings and the fused activation shared by the matmul kernels (matmul, matmul_direct, matmul_quad),
// pasted in by `//#include matmul_common`. A_T / B_T / C_T are f32 or vec4<f32> (only the tiled kernel
// binds vec4 operands); BIAS adds a binding before C.
@group(0) @binding(1) var<storage, read> A: array<{{A_T}}>;
@group(0) @binding(2) var<storage, read> B: array<{{B_T}}>;
//#if BIAS
@group(0) @binding(3) var<storage, read> BIAS: array<f32>;
//#endif
@group(0) @binding({{C_BINDING}}) var<storage, read_write> C: array<{{C_T}}>;

fn act(v: vec4<f32>, alpha: f32) -> vec4<f32> {
//#if ACT_linear
  return v;
//#endif
//#if ACT_relu
  return max(v, vec4<f32>(0.0));
//#endif
//#if ACT_sigmoid
  return vec4<f32>(1.0) / (vec4<f32>(1.0) + exp(-v));
//#endif
//#if ACT_tanh
  return tanh(clamp(v, vec4<f32>(-15.0), vec4<f32>(15.0)));
//#endif
//#if ACT_leakyRelu
  return select(v * alpha, v, v > vec4<f32>(0.0));
//#endif
//#if ACT_step
  return select(vec4<f32>(0.0), vec4<f32>(1.0), v > vec4<f32>(0.0));
//#endif
}
