// Reductions along the middle axis of [outer, size, inner]: sum, max, min, argmax.
// A workgroup is WX (along inner) x WY (along size) invocations; each invocation folds a strided
// share of `size`, then the WY partial results are combined in workgroup memory (a tree).
// WX = 1 gives one workgroup per row (the contiguous case); the grid's y and z cover `outer`.
// params: [outer, size, inner, init (f32: 0, -inf or +inf)]
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<{{OUT_T}}>;

const WX = {{WX}}u;
const WY = {{WY}}u;
var<workgroup> sv: array<f32, {{WXY}}>;
var<workgroup> si: array<u32, {{WXY}}>;

// Combine (v, i) into slot (a, ai): returns the winner. argmax keeps the first index among ties;
// max/min/argmax let NaN win, as the cpu reference does.
fn better(v: f32, i: u32, a: f32, ai: u32) -> bool {
//#if OP_SUM
  return false;
//#endif
//#if OP_MAX
  return v > a || (v != v && a == a);
//#endif
//#if OP_MIN
  return v < a || (v != v && a == a);
//#endif
//#if OP_ARGMAX
  return v > a || (v != v && a == a) || (v == a && i < ai) || (v != v && a != a && i < ai);
//#endif
}

@compute @workgroup_size({{WX}}, {{WY}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let outer = pu(0u);
  let size = pu(1u);
  let inner = pu(2u);
  let p = wid.z * nwg.y + wid.y;
  let q = wid.x * WX + lid.x;
  let live = p < outer && q < inner;
  var acc = pf(3u);
  var ai = 0xffffffffu;
  if (live) {
    let base = p * size * inner + q;
    for (var s = lid.y; s < size; s += WY) {
      let v = X[base + s * inner];
//#if OP_SUM
      acc += v;
//#else
      if (better(v, s, acc, ai) || ai == 0xffffffffu) { acc = v; ai = s; }
//#endif
    }
  }
  let slot = lid.y * WX + lid.x;
  sv[slot] = acc;
  si[slot] = ai;
  workgroupBarrier();
  for (var stride = WY / 2u; stride > 0u; stride = stride / 2u) {
    if (lid.y < stride) {
      let o = slot + stride * WX;
//#if OP_SUM
      sv[slot] = sv[slot] + sv[o];
//#else
      if (si[o] != 0xffffffffu && (si[slot] == 0xffffffffu || better(sv[o], si[o], sv[slot], si[slot]))) {
        sv[slot] = sv[o];
        si[slot] = si[o];
      }
//#endif
    }
    workgroupBarrier();
  }
  if (live && lid.y == 0u) {
//#if OP_ARGMAX
    Y[p * inner + q] = i32(select(si[slot], 0u, si[slot] == 0xffffffffu));
//#else
    Y[p * inner + q] = sv[slot];
//#endif
  }
}
