// tfjs-core with its cpu backend, every gradient and the chained Tensor methods, as one module: what
// test/deno.test.ts and test/browser-diffs.test.ts bundle (with vite) for the differential cases
// outside Node. (tfjs-core's own ESM files import without extensions, which Deno does not resolve,
// and its node bundle leaves the gradients and chained ops out.)
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

export * from '@tensorflow/tfjs-core';
