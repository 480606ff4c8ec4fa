// The gradient of softmax / logSoftmax along the middle axis of [outer, size, inner]:
//   softmax: dx = y * (dy - sum(dy * y))      logSoftmax: dx = dy - exp(y) * sum(dy)
// The line sum folds vec4 lanes and meets in a workgroup tree; layout (WX, WY, ALONG, FOLD, TREE, T)
// as in reduce.wgsl.
// params: [outer, size, inner, 0, lines]
alias T = {{T}};
alias R = {{R}};
@group(0) @binding(1) var<storage, read> DY: array<T>;
@group(0) @binding(2) var<storage, read> YV: array<T>;
@group(0) @binding(3) var<storage, read_write> DX: array<T>;

//#include axis_lane
//#if TREE
var<workgroup> sv: array<R, {{WXY}}>;
//#endif

@compute @workgroup_size({{WXY}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  let ln = lane(wid, nwg, l);
  let size = ln.size;
  let inner = ln.inner;
  let line = ln.line;
  let b = ln.b;
  let bs = ln.bs;
  let live = ln.live;
  let base = ln.base;
  var acc = T(0.0);
  if (live) {
    for (var k = b; k < size; k += WY) {
      let j = base + k * inner;
//#if LOG
      acc += DY[j];
//#else
      acc += DY[j] * YV[j];
//#endif
    }
  }
//#if FOLD
  var total = (acc.x + acc.y) + (acc.z + acc.w);
//#else
  var total = acc;
//#endif
//#if TREE
  sv[l] = total;
  workgroupBarrier();
  for (var h = WY / 2u; h > 0u; h = h / 2u) {
    if (b < h) { sv[l] = sv[l] + sv[l + h * bs]; }
    workgroupBarrier();
  }
  total = sv[l - b * bs];
//#endif
  if (live) {
    let t = T(total);
    for (var k = b; k < size; k += WY) {
      let j = base + k * inner;
//#if LOG
      DX[j] = DY[j] - exp(YV[j]) * t;
//#else
      DX[j] = YV[j] * (DY[j] - t);
//#endif
    }
  }
}
