// The gradient of softmax / logSoftmax along the middle axis of [outer, size, inner]:
//   softmax: dx = y * (dy - sum(dy * y))      logSoftmax: dx = dy - exp(y) * sum(dy)
// The row sum is a workgroup reduction, laid out as in reduce.wgsl.
// params: [outer, size, inner]
@group(0) @binding(1) var<storage, read> DY: array<f32>;
@group(0) @binding(2) var<storage, read> YV: array<f32>;
@group(0) @binding(3) var<storage, read_write> DX: array<f32>;

const WX = {{WX}}u;
const WY = {{WY}}u;
var<workgroup> sv: array<f32, {{WXY}}>;

@compute @workgroup_size({{WX}}, {{WY}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let outer = pu(0u);
  let size = pu(1u);
  let inner = pu(2u);
  let p = wid.z * nwg.y + wid.y;
  let q = wid.x * WX + lid.x;
  let live = p < outer && q < inner;
  let base = p * size * inner + q;
  var acc = 0.0;
  if (live) {
    for (var k = lid.y; k < size; k += WY) {
      let j = base + k * inner;
//#if LOG
      acc += DY[j];
//#else
      acc += DY[j] * YV[j];
//#endif
    }
  }
  let slot = lid.y * WX + lid.x;
  sv[slot] = acc;
  workgroupBarrier();
  for (var stride = WY / 2u; stride > 0u; stride = stride / 2u) {
    if (lid.y < stride) { sv[slot] = sv[slot] + sv[slot + stride * WX]; }
    workgroupBarrier();
  }
  let total = sv[lid.x];
  if (live) {
    for (var k = lid.y; k < size; k += WY) {
      let j = base + k * inner;
//#if LOG
      DX[j] = DY[j] - exp(YV[j]) * total;
//#else
      DX[j] = YV[j] * (DY[j] - total);
//#endif
    }
  }
}
