// Where an invocation of reduce, softmax or softmax_grad sits, in the layout reduce.wgsl describes:
// a workgroup holds WX lines x WY invocations per line. Pasted in by `//#include axis_lane`.
const WX = {{WX}}u;
const WY = {{WY}}u;

// line: the line invocation l works on; b: its place among the line's WY invocations; bs: the distance
// in l between two neighbours on one line (the workgroup trees step by it). size and inner are the
// [outer, size, inner] layout's (parameter words 1 and 2, in units of T), live says the line exists
// (parameter word 4 counts them), base is where the line starts (element k is at base + k * inner).
struct Lane { line: u32, b: u32, bs: u32, size: u32, inner: u32, live: bool, base: u32 }

fn lane(wid: vec3<u32>, nwg: vec3<u32>, l: u32) -> Lane {
  let first = (wid.y * nwg.x + wid.x) * WX;
//#if ALONG
  let line = first + l / WY;
  let b = l % WY;
  let bs = 1u;
//#else
  let line = first + l % WX;
  let b = l / WX;
  let bs = WX;
//#endif
  let size = pu(1u);
  let inner = pu(2u);
  return Lane(line, b, bs, size, inner, line < pu(4u), (line / inner) * size * inner + line % inner);
}
