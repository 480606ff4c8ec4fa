/**
 * The wasm backend's allocator: every tensor and every kernel's scratch is a block of the one
 * WebAssembly.Memory, handed out here. Blocks are whole multiples of 64 bytes (a cache line, and
 * room for the kernels' rule that a vector may run past a buffer's last element into its own
 * padding). Freed blocks are kept by address and size, merged with free neighbours, and reused
 * best-fit from size bins, so a training loop that allocates the same shapes every step settles
 * on a fixed footprint; a free block at the top of the heap lowers the top instead. The memory
 * grows (never shrinks) only when no free block fits, and never past its maximum: an allocation
 * that cannot fit throws before anything changes.
 */

export const BLOCK = 64;
const PAGE = 65536;

/** How the heap grows its memory: by whole pages, returning false when the maximum forbids it. */
export interface GrowableMemory {
  /** bytes the memory has now */
  readonly bytes: number;
  /** bytes it may ever have */
  readonly maxBytes: number;
  grow(pages: number): void;
}

export class Heap {
  /** first byte after the highest block ever handed out and not yet returned to the top */
  private top: number;
  private readonly freeByStart = new Map<number, number>();
  private readonly freeByEnd = new Map<number, number>();
  /** bins[b] holds free blocks of BLOCK * 2^b .. BLOCK * 2^(b+1) - 1 bytes */
  private readonly bins: Set<number>[] = [];
  private readonly sizes = new Map<number, number>();
  /** bytes in blocks handed out and not freed */
  liveBytes = 0;
  /** bytes in free blocks below the top */
  freeBytes = 0;

  constructor(private readonly memory: GrowableMemory, readonly base: number) {
    this.top = roundUp(base);
  }

  /** The most bytes the memory may grow to. */
  get maxBytes(): number {
    return this.memory.maxBytes;
  }

  /** Bytes between the heap's base and its top (live blocks and free blocks below the top). */
  get usedBytes(): number {
    return this.top - this.base;
  }

  /** The size in bytes of the live block at `ptr` (0 when there is none). */
  sizeOf(ptr: number): number {
    return this.sizes.get(ptr) ?? 0;
  }

  /**
   * Is there room for `bytes` more without passing the memory's maximum? Checked before any
   * allocation so that a failure changes nothing.
   */
  fits(bytes: number): boolean {
    const need = roundUp(Math.max(bytes, 1));
    if (this.findFree(need) !== null) return true;
    return this.top + need <= this.memory.maxBytes;
  }

  /**
   * A block of at least `bytes` (64-byte aligned). `what` names the request in the Error thrown
   * when the memory's maximum would be passed.
   */
  alloc(bytes: number, what: string): number {
    const need = roundUp(Math.max(bytes, 1));
    const hit = this.findFree(need);
    if (hit !== null) {
      const size = this.freeByStart.get(hit)!;
      this.unlinkFree(hit, size);
      if (size > need) this.linkFree(hit + need, size - need);
      return this.handOut(hit, need);
    }
    // Nothing free fits: extend the top. (No free block ever ends at the top: free() lowers it.)
    const start = this.top;
    const end = start + need;
    if (end > this.memory.maxBytes) {
      throw new Error(
        `${what}: ${bytes} bytes do not fit in the wasm backend's memory: ${this.liveBytes} bytes are in use, ` +
          `${this.freeBytes} free in blocks too small, and the memory may not grow past ${this.memory.maxBytes} bytes ` +
          `(dispose tensors you no longer need, or use a backend with more room)`,
      );
    }
    if (end > this.memory.bytes) {
      // Grow by at least an eighth of the memory, so a growing heap does not grow on every call.
      const want = Math.max(end, Math.min(this.memory.maxBytes, this.memory.bytes + this.memory.bytes / 8));
      this.memory.grow(Math.ceil((want - this.memory.bytes) / PAGE));
    }
    this.top = end;
    return this.handOut(start, need);
  }

  /** Return a block; freeing an address that is not a live block throws (a double free is a bug). */
  free(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`wasm heap: free of ${ptr}, which is not a live block`);
    this.sizes.delete(ptr);
    this.liveBytes -= size;
    let start = ptr, end = ptr + size;
    const before = this.freeByEnd.get(start);
    if (before !== undefined) {
      this.unlinkFree(before, start - before);
      start = before;
    }
    const afterSize = this.freeByStart.get(end);
    if (afterSize !== undefined) {
      this.unlinkFree(end, afterSize);
      end += afterSize;
    }
    if (end === this.top) this.top = start;
    else this.linkFree(start, end - start);
  }

  private handOut(ptr: number, size: number): number {
    this.sizes.set(ptr, size);
    this.liveBytes += size;
    return ptr;
  }

  /** The start of the smallest free block of at least `need` bytes in the first bin that has one. */
  private findFree(need: number): number | null {
    for (let b = binOf(need); b < this.bins.length; b++) {
      const bin = this.bins[b];
      if (!bin || bin.size === 0) continue;
      let best: number | null = null, bestSize = Infinity;
      for (const p of bin) {
        const s = this.freeByStart.get(p)!;
        if (s >= need && s < bestSize) {
          best = p;
          bestSize = s;
          if (s === need) break;
        }
      }
      if (best !== null) return best;
    }
    return null;
  }

  private linkFree(start: number, size: number): void {
    this.freeByStart.set(start, size);
    this.freeByEnd.set(start + size, start);
    const b = binOf(size);
    (this.bins[b] ??= new Set()).add(start);
    this.freeBytes += size;
  }

  private unlinkFree(start: number, size: number): void {
    this.freeByStart.delete(start);
    this.freeByEnd.delete(start + size);
    this.bins[binOf(size)]!.delete(start);
    this.freeBytes -= size;
  }
}

function roundUp(bytes: number): number {
  return Math.ceil(bytes / BLOCK) * BLOCK;
}

function binOf(size: number): number {
  return Math.floor(Math.log2(size / BLOCK));
}
