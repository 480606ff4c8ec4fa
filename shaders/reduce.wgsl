// Reductions along the middle axis of [outer, size, inner]: sum, max, min, argmax, and prod (OP_SUM
// with MUL: the sum's layout with * for +, init 1).
//
// Layout (the same in softmax.wgsl and softmax_grad.wgsl; planned in src/backend/webgpu/axis.ts):
// sizes are in units of T (f32, or vec4<f32>). A "line" is one (outer, inner) position; its `size`
// units lie `inner` apart. A workgroup holds WX lines x WY invocations per line; each invocation
// folds a strided share of its line, then the WY partial results meet in workgroup memory (a tree).
// ALONG (inner == 1): a line's invocations are neighbours, so they read neighbouring memory, and with
// vec4 the 4 lanes of a unit belong to the same line (folded together before the tree). Otherwise
// neighbouring invocations take neighbouring lines (coalesced across them) and the 4 lanes of a vec4
// are 4 neighbouring lines. TREE is off when WY = 1: no workgroup memory and no barrier, which CPU
// adapters pay for dearly.
// SPLIT: each line is cut into `chunks` pieces of `chunk` units (a line index then runs over
// [outer, chunks, inner]) and Y gets one partial result per piece, for a second pass to combine: a
// whole-tensor reduction then spreads over many workgroups instead of one. argmax partials are
// pairs: values at Y[i], their indices (as f32 bits) at Y[lines + i]; PAIRS reads such pairs back.
// params: [outer, size, inner, init (f32: 0, -inf or +inf), lines, chunk, chunks]
alias T = {{T}};
alias U = {{U}};
alias R = {{R}};
alias RU = {{RU}};
@group(0) @binding(1) var<storage, read> X: array<T>;
@group(0) @binding(2) var<storage, read_write> Y: array<{{OUT_T}}>;

//#include axis_lane
const NONE = 0xffffffffu;
//#if TREE
var<workgroup> sv: array<R, {{WXY}}>;
//#if !OP_SUM
var<workgroup> si: array<RU, {{WXY}}>;
//#endif
//#endif

// Does (v, i) beat (a, ai)? argmax keeps the first index among ties; max/min/argmax let NaN win,
// as the cpu reference does. One form per shape of operand: f32 and vec4<f32> (componentwise).
// NaN is found from the bits: drivers may fold x != x to false.
fn better1(v: f32, i: u32, a: f32, ai: u32) -> bool {
  let nv = (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
  let na = (bitcast<u32>(a) & 0x7fffffffu) > 0x7f800000u;
//#if OP_SUM
  return false;
//#endif
//#if OP_MAX
  return (v > a) | (nv & !na);
//#endif
//#if OP_MIN
  return (v < a) | (nv & !na);
//#endif
//#if OP_ARGMAX
  return (v > a) | (nv & !na) | ((v == a) & (i < ai)) | (nv & na & (i < ai));
//#endif
}
fn better4(v: vec4<f32>, i: vec4<u32>, a: vec4<f32>, ai: vec4<u32>) -> vec4<bool> {
  let nv = (bitcast<vec4<u32>>(v) & vec4<u32>(0x7fffffffu)) > vec4<u32>(0x7f800000u);
  let na = (bitcast<vec4<u32>>(a) & vec4<u32>(0x7fffffffu)) > vec4<u32>(0x7f800000u);
//#if OP_SUM
  return vec4<bool>(false);
//#endif
//#if OP_MAX
  return (v > a) | (nv & !na);
//#endif
//#if OP_MIN
  return (v < a) | (nv & !na);
//#endif
//#if OP_ARGMAX
  return (v > a) | (nv & !na) | ((v == a) & (i < ai)) | (nv & na & (i < ai));
//#endif
}

@compute @workgroup_size({{WXY}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  let ln = lane(wid, nwg, l);
  let size = ln.size;
  let inner = ln.inner;
  let line = ln.line;
  let b = ln.b;
  let bs = ln.bs;
  let live = ln.live;
  let lines = pu(4u);
//#if SPLIT
  let chunk = pu(5u);
  let chunks = pu(6u);
  let piece = (line / inner) % chunks;
  let base = (line / (inner * chunks)) * size * inner + line % inner;
  let k0 = piece * chunk;
  let k1 = min(size, k0 + chunk);
//#else
  let base = ln.base;
  let k0 = 0u;
  let k1 = size;
//#endif
  var acc = T(pf(3u));
  var ai = U(NONE);
  if (live) {
    for (var k = k0 + b; k < k1; k += WY) {
      let j = base + k * inner;
      let v = X[j];
//#if OP_SUM
//#if MUL
      acc *= v;
//#else
      acc += v;
//#endif
//#else
//#if PAIRS
      let i = bitcast<U>(X[lines * size + j]);
//#else
      let i = U(k);
//#endif
      let w = {{BT}}(v, i, acc, ai) | (ai == U(NONE));
      acc = select(acc, v, w);
      ai = select(ai, i, w);
//#endif
    }
  }
  // The lanes of a vec4 along the line fold into one result (element index 4k + lane).
//#if FOLD
//#if OP_SUM
//#if MUL
  var r = (acc.x * acc.y) * (acc.z * acc.w);
//#else
  var r = (acc.x + acc.y) + (acc.z + acc.w);
//#endif
  var ri = NONE;
//#else
  let e = select(ai * 4u + vec4<u32>(0u, 1u, 2u, 3u), ai, ai == vec4<u32>(NONE));
  var r = acc.x;
  var ri = e.x;
  for (var c = 1u; c < 4u; c++) {
    if (e[c] != NONE && (ri == NONE || better1(acc[c], e[c], r, ri))) { r = acc[c]; ri = e[c]; }
  }
//#endif
//#else
  var r = acc;
  var ri = ai;
//#endif
//#if TREE
  sv[l] = r;
//#if !OP_SUM
  si[l] = ri;
//#endif
  workgroupBarrier();
  for (var s = WY / 2u; s > 0u; s = s / 2u) {
    if (b < s) {
      let o = l + s * bs;
//#if OP_SUM
//#if MUL
      sv[l] = sv[l] * sv[o];
//#else
      sv[l] = sv[l] + sv[o];
//#endif
//#else
      let w = (si[o] != RU(NONE)) & ((si[l] == RU(NONE)) | {{BR}}(sv[o], si[o], sv[l], si[l]));
      sv[l] = select(sv[l], sv[o], w);
      si[l] = select(si[l], si[o], w);
//#endif
    }
    workgroupBarrier();
  }
  r = sv[l];
//#if !OP_SUM
  ri = si[l];
//#endif
//#endif
  if (live && b == 0u) {
//#if OP_ARGMAX
//#if SPLIT
    Y[line] = r;
    Y[lines + line] = bitcast<R>(ri);
//#else
    Y[line] = {{OUT_T}}(select(ri, RU(0u), ri == RU(NONE)));
//#endif
//#else
    Y[line] = r;
//#endif
  }
}
