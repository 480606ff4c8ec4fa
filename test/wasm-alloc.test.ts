/**
 * The wasm backend's allocator (src/backend/wasm/alloc.ts) on a fake memory: 64-byte blocks, reuse
 * of freed blocks best-fit, merging of free neighbours, the top lowered when its block is freed,
 * growth only when nothing fits, and a refusal past the maximum that changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { Heap } from '../src/backend/wasm/alloc.js';

function fakeMemory(bytes: number, maxBytes: number): { bytes: number; maxBytes: number; grow(pages: number): void; grows: number } {
  return {
    bytes, maxBytes, grows: 0,
    grow(pages) { this.bytes += pages * 65536; this.grows++; if (this.bytes > this.maxBytes) throw new Error('grown past the maximum'); },
  };
}

describe('wasm heap', () => {
  it('hands out 64-byte aligned blocks rounded up to 64 bytes, from the base up', () => {
    const h = new Heap(fakeMemory(65536, 65536 * 4), 1000);
    const a = h.alloc(1, 'a'), b = h.alloc(100, 'b'), c = h.alloc(64, 'c');
    expect([a, b, c]).toEqual([1024, 1088, 1216]);
    expect([h.sizeOf(a), h.sizeOf(b), h.sizeOf(c)]).toEqual([64, 128, 64]);
    expect(h.liveBytes).toBe(256);
    expect(h.usedBytes).toBe(1280 - 1000);
  });

  it('reuses freed blocks best-fit and merges free neighbours', () => {
    const h = new Heap(fakeMemory(65536, 65536 * 4), 0);
    const blocks = [640, 64, 256, 64, 1024, 64].map((n, i) => h.alloc(n, `b${i}`));
    h.free(blocks[0]!); // 640 free at 0
    h.free(blocks[2]!); // 256 free at 704
    h.free(blocks[4]!); // 1024 free at 1024
    expect(h.freeBytes).toBe(640 + 256 + 1024);
    // 200 bytes -> 256: the exact 256 block, not the first or the largest
    expect(h.alloc(200, 'x')).toBe(blocks[2]);
    // 600 -> 640 at 0
    expect(h.alloc(600, 'y')).toBe(0);
    // freeing 64 at 640 next to nothing free stays a lone free block; freeing its neighbours merges
    h.free(blocks[1]!);
    h.free(0);
    expect(h.freeBytes).toBe(704 + 1024);
    expect(h.alloc(700, 'z')).toBe(0); // the merged 704 bytes
  });

  it('lowers the top when the highest block is freed, merging with free blocks below it', () => {
    const h = new Heap(fakeMemory(65536, 65536 * 4), 0);
    const a = h.alloc(64, 'a'), b = h.alloc(64, 'b'), c = h.alloc(64, 'c');
    h.free(b);
    expect(h.usedBytes).toBe(192);
    h.free(c);
    expect(h.usedBytes).toBe(64);
    expect(h.freeBytes).toBe(0);
    h.free(a);
    expect(h.usedBytes).toBe(0);
    expect(() => h.free(a)).toThrow(/free of 0, which is not a live block/);
  });

  it('grows the memory by whole pages, at least an eighth at a time, only when nothing fits', () => {
    const mem = fakeMemory(8 * 65536, 64 * 65536);
    const h = new Heap(mem, 0);
    const a = h.alloc(8 * 65536, 'a');
    expect(mem.grows).toBe(0);
    h.alloc(100, 'b');
    expect([mem.grows, mem.bytes]).toEqual([1, 9 * 65536]);
    h.free(a);
    h.alloc(65536, 'c'); // fits in a's block: no growth
    expect(mem.grows).toBe(1);
  });

  it('refuses a block past the maximum with an Error naming the request, the use and the limit, changing nothing', () => {
    const mem = fakeMemory(65536, 4 * 65536);
    const h = new Heap(mem, 0);
    h.alloc(3 * 65536, 'a');
    const before = { live: h.liveBytes, used: h.usedBytes, bytes: mem.bytes };
    expect(h.fits(65536)).toBe(true);
    expect(h.fits(65537)).toBe(false);
    expect(() => h.alloc(65537, 'matmul (packed B)')).toThrow(/^matmul \(packed B\): 65537 bytes do not fit in the wasm backend's memory: 196608 bytes are in use, 0 free in blocks too small, and the memory may not grow past 262144 bytes/);
    expect({ live: h.liveBytes, used: h.usedBytes, bytes: mem.bytes }).toEqual(before);
    expect(h.alloc(65536, 'last')).toBe(3 * 65536);
  });
});
