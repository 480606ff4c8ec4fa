// Prepended to every kernel. Templates: //#include NAME pastes shaders/NAME.wgsl, a name in double
// braces is replaced, and //#if NAME, //#if !NAME, //#else, //#endif select lines, by
// src/backend/webgpu/template.ts.
// Sizes travel in a uniform of NP vec4<u32> words (one 256-byte slot per dispatch), so one
// compiled variant serves every shape; structure (op, rank, tile, vec4 or not) is compiled in.
struct Params { v: array<vec4<u32>, {{NP}}> }
@group(0) @binding(0) var<uniform> P: Params;

fn pu(i: u32) -> u32 { return P.v[i / 4u][i % 4u]; }
fn pf(i: u32) -> f32 { return bitcast<f32>(pu(i)); }

// A flat invocation index for 1-D work dispatched as a 2-D grid (the grid's x side is capped).
fn flat_id(wid: vec3<u32>, nwg: vec3<u32>, lidx: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * {{WG}}u + lidx;
}
