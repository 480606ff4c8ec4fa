// softmax / logSoftmax along the middle axis of [outer, size, inner], in one dispatch.
// Layout as in reduce.wgsl. Each invocation keeps an online (max, sum of exp(x - max)) over its
// share of the row; the shares are merged in workgroup memory; then each invocation writes its share.
// The max is subtracted before exp, so logits of any magnitude are safe.
// params: [outer, size, inner, -inf (f32)]
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;

const WX = {{WX}}u;
const WY = {{WY}}u;
var<workgroup> sm: array<f32, {{WXY}}>;
var<workgroup> ss: array<f32, {{WXY}}>;

@compute @workgroup_size({{WX}}, {{WY}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let outer = pu(0u);
  let size = pu(1u);
  let inner = pu(2u);
  let ninf = pf(3u);
  let p = wid.z * nwg.y + wid.y;
  let q = wid.x * WX + lid.x;
  let live = p < outer && q < inner;
  let base = p * size * inner + q;
  var m = ninf;
  var s = 0.0;
  if (live) {
    for (var k = lid.y; k < size; k += WY) {
      let v = X[base + k * inner];
      if (v > m) { s = s * exp(m - v) + 1.0; m = v; }
      else if (v > ninf) { s += exp(v - m); }
    }
  }
  let slot = lid.y * WX + lid.x;
  sm[slot] = m;
  ss[slot] = s;
  workgroupBarrier();
  for (var stride = WY / 2u; stride > 0u; stride = stride / 2u) {
    if (lid.y < stride) {
      let o = slot + stride * WX;
      let m1 = sm[slot];
      let s1 = ss[slot];
      let m2 = sm[o];
      let s2 = ss[o];
      if (s2 > 0.0) {
        if (s1 > 0.0) {
          let mm = max(m1, m2);
          sm[slot] = mm;
          ss[slot] = s1 * exp(m1 - mm) + s2 * exp(m2 - mm);
        } else {
          sm[slot] = m2;
          ss[slot] = s2;
        }
      }
    }
    workgroupBarrier();
  }
  let rm = sm[lid.x];
  let rs = ss[lid.x];
  if (live) {
//#if LOG
    // (x - max) - log(sum), not x - (max + log(sum)): the latter loses digits for large logits
    let ls = log(rs);
//#endif
    for (var k = lid.y; k < size; k += WY) {
      let j = base + k * inner;
//#if LOG
      Y[j] = (X[j] - rm) - ls;
//#else
      Y[j] = exp(X[j] - rm) / rs;
//#endif
    }
  }
}
