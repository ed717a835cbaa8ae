/**
 * The allocator of the wasm backend: 16-byte aligned blocks in one WebAssembly.Memory, owned by TypeScript
 * (the kernels never allocate). Two kinds of block:
 * - small (≤ 64 KiB): rounded up to size classes (16-byte steps up to 256 bytes, then 8 classes per power
 *   of two, so at most 12.5 % waste); a freed block goes on its class's free list and the next request of
 *   that class reuses it — O(1), which matters for the many tiny tensors of small models. A class with an
 *   empty list carves its blocks from a slab (32 blocks, 64 KiB to 1 MiB) that it takes like a large block
 *   and keeps: small blocks sit together instead of between large ones, where they would stop freed large
 *   neighbours from merging;
 * - large (> 64 KiB): rounded up to 4 KiB only (≤ 6 % waste, 0.5 % at 800 KB), taken best-fit from the free
 *   ranges and split; a freed block is merged with free neighbours, and a free range that reaches the top
 *   of the heap lowers the top. So a large block freed once serves any later large request that fits —
 *   another shape, a partial batch, a training set's upload pieces — instead of waiting for its own class.
 * Training loops allocate the same shapes every step, so after the first steps they run entirely from
 * freed memory and the high-water mark (`stats().highWater`, the bytes the process has touched) stops
 * growing. WebAssembly memory never shrinks; the high-water mark is what RSS follows.
 */

/** Bytes actually reserved for a request of `bytes`. */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return Math.max(16, (bytes + 15) & ~15);
  if (bytes > SMALL_MAX) return Math.ceil(bytes / LARGE_STEP) * LARGE_STEP;
  // floor(log2(bytes − 1)) = 31 − clz32(bytes − 1), exactly (bytes < 2³²: wasm32 memory ends at 4 GiB).
  const step = 2 ** (28 - Math.clz32(bytes - 1));
  return Math.ceil(bytes / step) * step;
}

/** Largest small block: blocks above this are large (exact 4 KiB multiples, coalesced). */
export const SMALL_MAX = 65536;
const LARGE_STEP = 4096;
const PAGE = 65536;
/** Blocks per slab of a small class, and the slab size bounds. */
const SLAB_BLOCKS = 32;
const SLAB_MIN = 65536;
const SLAB_MAX = 1 << 20;

export interface HeapStats {
  /** Pages of the WebAssembly.Memory (64 KiB each). */
  pages: number;
  /** Bytes in live blocks (by size class). */
  bytesInUse: number;
  /** Bytes in freed blocks waiting for reuse. */
  bytesFree: number;
  /** Live blocks. */
  blocks: number;
  /** Highest address ever handed out (bytes): the part of the memory the process has touched. */
  highWater: number;
}

export class WasmHeap {
  private top: number;
  private maxTop: number;
  private readonly freeLists = new Map<number, number[]>();
  /** Per small class, the part of its current slab not yet carved: [next, end). */
  private readonly slabs = new Map<number, { next: number; end: number }>();
  /** Free large ranges: start → bytes, and end → start (for merging with the range before a freed block). */
  private readonly rangeAt = new Map<number, number>();
  private readonly rangeEnding = new Map<number, number>();
  private inUse = 0;
  private freeBytes = 0;
  private live = 0;

  constructor(readonly memory: WebAssembly.Memory, base: number) {
    this.top = (base + 15) & ~15;
    this.maxTop = this.top;
  }

  /** A 16-byte aligned block of at least `bytes` bytes (contents undefined). */
  alloc(bytes: number): number {
    const cls = sizeClass(bytes);
    if (cls <= SMALL_MAX) {
      const list = this.freeLists.get(cls);
      if (list !== undefined && list.length > 0) {
        this.freeBytes -= cls;
        this.taken(cls);
        return list.pop()!;
      }
      let slab = this.slabs.get(cls);
      if (slab === undefined || slab.next + cls > slab.end) {
        const size = Math.min(SLAB_MAX, Math.max(SLAB_MIN, cls * SLAB_BLOCKS));
        const at = this.large(size, bytes);
        slab = { next: at, end: at + size };
        this.slabs.set(cls, slab);
      }
      const ptr = slab.next;
      slab.next += cls;
      this.taken(cls);
      return ptr;
    }
    const ptr = this.large(cls, bytes);
    this.taken(cls);
    return ptr;
  }

  /** Returns a block from `alloc(bytes)`. */
  free(ptr: number, bytes: number): void {
    const cls = sizeClass(bytes);
    this.inUse -= cls;
    this.live--;
    if (cls <= SMALL_MAX) {
      let list = this.freeLists.get(cls);
      if (list === undefined) this.freeLists.set(cls, (list = []));
      list.push(ptr);
      this.freeBytes += cls;
      return;
    }
    let start = ptr, end = ptr + cls;
    const before = this.rangeEnding.get(start);
    if (before !== undefined) {
      this.removeRange(before);
      start = before;
    }
    const after = this.rangeAt.get(end);
    if (after !== undefined) {
      this.removeRange(end);
      end += after;
    }
    if (end === this.top) {
      this.top = start; // the free range at the top goes back to the bump pointer
      return;
    }
    this.addRange(start, end - start);
  }

  /** Bytes in live blocks. */
  get liveBytes(): number {
    return this.inUse;
  }

  stats(): HeapStats {
    return { pages: this.memory.buffer.byteLength / PAGE, bytesInUse: this.inUse, bytesFree: this.freeBytes, blocks: this.live, highWater: this.maxTop };
  }

  private taken(cls: number): void {
    this.inUse += cls;
    this.live++;
  }

  /** `size` bytes (a 4 KiB multiple) from the best-fitting free range, else from the top (growing the memory). */
  private large(size: number, bytes: number): number {
    if (this.rangeAt.size > 0) {
      const ptr = this.takeRange(size);
      if (ptr >= 0) return ptr;
    }
    const ptr = this.top;
    this.ensure(ptr + size, bytes);
    this.top = ptr + size;
    if (this.top > this.maxTop) this.maxTop = this.top;
    return ptr;
  }

  /** The best-fitting free range for `cls` bytes (split; the rest stays free), or -1. */
  private takeRange(cls: number): number {
    let best = -1, bestSize = Infinity;
    for (const [start, size] of this.rangeAt) {
      if (size >= cls && size < bestSize) {
        best = start;
        bestSize = size;
        if (size === cls) break;
      }
    }
    if (best < 0) return -1;
    this.removeRange(best);
    if (bestSize > cls) this.addRange(best + cls, bestSize - cls);
    return best;
  }

  private addRange(start: number, size: number): void {
    this.rangeAt.set(start, size);
    this.rangeEnding.set(start + size, start);
    this.freeBytes += size;
  }

  private removeRange(start: number): void {
    const size = this.rangeAt.get(start)!;
    this.rangeAt.delete(start);
    this.rangeEnding.delete(start + size);
    this.freeBytes -= size;
  }

  /** Grows the memory to hold `end` bytes (by at least a quarter, so repeated growth stays amortized O(1)). */
  private ensure(end: number, bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const need = Math.ceil((end - have) / PAGE);
    const pages = Math.max(need, Math.ceil(have / PAGE / 4));
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(need);
      } catch {
        throw new RangeError(
          `wasm backend: cannot grow WebAssembly memory to ${((end / 2 ** 20) | 0)} MiB for a ${bytes}-byte tensor ` +
            `(${(this.inUse / 2 ** 20).toFixed(1)} MiB live; WebAssembly memory ends at 4 GiB). Tensors still ` +
            `referenced keep their storage: drop references you no longer need, or call tensor.dispose(). ` +
            `(Outside Node, storage of unreferenced tensors is freed only when the event loop turns.)`,
        );
      }
    }
  }
}
