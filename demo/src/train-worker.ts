/**
 * The MNIST page's dedicated worker: the engine, its model and the wasm pool's calling thread live
 * here (where Atomics.wait may block, and the pool's threads start from this worker), so the kernels
 * that run synchronously inside each op never hold the page's frames.
 */
import { createTrainer } from './trainer.js';
import type { FromEngine, ToEngine } from './train-protocol.js';

const scope = self as unknown as { postMessage(m: FromEngine, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ToEngine>) => void) | null };
const handle = createTrainer((m, transfer) => scope.postMessage(m, transfer ?? []));
scope.onmessage = (e) => { void handle(e.data); };
