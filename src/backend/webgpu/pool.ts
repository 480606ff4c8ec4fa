/**
 * GPU buffers recycled by size class. Creating and destroying buffers is slow on every driver, and a
 * training step allocates the same sizes again and again, so freed buffers wait here for reuse,
 * up to a cap in bytes beyond which they are destroyed.
 */

/** Round a byte count up to its class: at least 256, then powers of two in quarter steps (<= 25% waste). */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const p = 2 ** Math.floor(Math.log2(bytes));
  if (p === bytes) return p;
  const step = p / 4;
  return Math.ceil(bytes / step) * step;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  /** bytes of buffers waiting in the pool */
  pooledBytes = 0;
  /** bytes of every live buffer this pool created (handed out or waiting) */
  allocatedBytes = 0;
  buffers = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
    private readonly label: string,
    public capBytes: number,
    /** The adapter's maxBufferSize: a class never rounds a request beyond it. */
    private readonly maxBufferSize = Infinity,
  ) {}

  /** A buffer of at least `bytes`; its class size is `buffer.size`. */
  acquire(bytes: number): GPUBuffer {
    // Near the limit, rounding up to the class could ask for more than the adapter allows.
    const cls = Math.max(bytes, Math.min(sizeClass(bytes), Math.floor(this.maxBufferSize / 4) * 4));
    const list = this.free.get(cls);
    const hit = list?.pop();
    if (hit) {
      this.pooledBytes -= cls;
      return hit;
    }
    const buffer = this.device.createBuffer({ size: cls, usage: this.usage, label: this.label });
    this.allocatedBytes += cls;
    this.buffers++;
    return buffer;
  }

  /** Give a buffer back; it is kept for reuse while the pool is under its cap. */
  release(buffer: GPUBuffer): void {
    const cls = buffer.size;
    if (this.pooledBytes + cls > this.capBytes) {
      this.destroy(buffer);
      return;
    }
    let list = this.free.get(cls);
    if (!list) this.free.set(cls, (list = []));
    list.push(buffer);
    this.pooledBytes += cls;
  }

  /** Destroy a buffer instead of pooling it. */
  destroy(buffer: GPUBuffer): void {
    this.allocatedBytes -= buffer.size;
    this.buffers--;
    buffer.destroy();
  }

  /** Destroy every pooled buffer (buffers handed out stay valid). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) this.destroy(b);
    this.free.clear();
    this.pooledBytes = 0;
  }
}
