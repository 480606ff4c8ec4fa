// Where an invocation of reduce, softmax or softmax_grad sits, in the layout reduce.wgsl describes:
// a workgroup holds WX lines x WY invocations per line. Pasted in by `//#include axis_lane`.
const WX = {{WX}}u;
const WY = {{WY}}u;

// line: the line invocation l works on; b: its place among the line's WY invocations; bs: the distance
// in l between two neighbours on one line (the workgroup trees step by it).
struct Lane { line: u32, b: u32, bs: u32 }

fn lane(wid: vec3<u32>, nwg: vec3<u32>, l: u32) -> Lane {
  let first = (wid.y * nwg.x + wid.x) * WX;
//#if ALONG
  return Lane(first + l / WY, l % WY, 1u);
//#else
  return Lane(first + l % WX, l / WX, WX);
//#endif
}
