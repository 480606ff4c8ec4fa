// softmax / logSoftmax along the middle axis of [outer, size, inner], in one dispatch and one pass
// over the input for the statistics: each invocation keeps an online (max, sum of exp(x - max)) over
// its share of a line, one exp per element; the shares merge (vec4 lanes, then the workgroup tree),
// and each invocation writes its share. The max is subtracted before exp, so logits of any
// magnitude are safe. Layout (WX, WY, ALONG, FOLD, TREE, T) as in reduce.wgsl.
// params: [outer, size, inner, -inf (f32), lines]
alias T = {{T}};
alias R = {{R}};
@group(0) @binding(1) var<storage, read> X: array<T>;
@group(0) @binding(2) var<storage, read_write> Y: array<T>;

//#include axis_lane
//#if TREE
var<workgroup> sm: array<R, {{WXY}}>;
var<workgroup> ss: array<R, {{WXY}}>;
//#endif

struct Stats { m: R, s: R }

// Two (max, sum) pairs as one. A share with no elements (s = 0) adds nothing, which also keeps
// exp(-inf - -inf) out.
fn merge(m1: R, s1: R, m2: R, s2: R) -> Stats {
  let mm = max(m1, m2);
  let t1 = select(s1 * exp(m1 - mm), R(0.0), s1 == R(0.0));
  let t2 = select(s2 * exp(m2 - mm), R(0.0), s2 == R(0.0));
  return Stats(mm, t1 + t2);
}

@compute @workgroup_size({{WXY}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  let ninf = pf(3u);
  let ln = lane(wid, nwg, l);
  let size = ln.size;
  let inner = ln.inner;
  let line = ln.line;
  let b = ln.b;
  let bs = ln.bs;
  let live = ln.live;
  let base = ln.base;
  var m = T(ninf);
  var s = T(0.0);
  if (live) {
    for (var k = b; k < size; k += WY) {
      let v = X[base + k * inner];
      // A new max rescales the sum by exp(m - v); otherwise exp(v - m) joins it: one exp either way.
      let big = v > m;
      let e = exp(select(v - m, m - v, big));
      s = select(s + select(e, T(0.0), v == T(ninf)), s * e + T(1.0), big);
      m = select(m, v, big);
    }
  }
//#if FOLD
  var st = merge(m.x, s.x, m.y, s.y);
  st = merge(st.m, st.s, m.z, s.z);
  st = merge(st.m, st.s, m.w, s.w);
//#else
  var st = Stats(m, s);
//#endif
//#if TREE
  sm[l] = st.m;
  ss[l] = st.s;
  workgroupBarrier();
  for (var h = WY / 2u; h > 0u; h = h / 2u) {
    if (b < h) {
      let o = l + h * bs;
      let r = merge(sm[l], ss[l], sm[o], ss[o]);
      sm[l] = r.m;
      ss[l] = r.s;
    }
    workgroupBarrier();
  }
  st = Stats(sm[l - b * bs], ss[l - b * bs]);
//#endif
  if (live) {
    let rm = T(st.m);
//#if LOG
    // (x - max) - log(sum), not x - (max + log(sum)): the latter loses digits for large logits
    let ls = T(log(st.s));
//#else
    let inv = T(1.0 / st.s);
//#endif
    for (var k = b; k < size; k += WY) {
      let j = base + k * inner;
//#if LOG
      Y[j] = (X[j] - rm) - ls;
//#else
      Y[j] = exp(X[j] - rm) * inv;
//#endif
    }
  }
}
