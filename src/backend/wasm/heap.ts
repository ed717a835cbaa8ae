/**
 * The allocator of the wasm backend: 16-byte aligned blocks in one WebAssembly.Memory, owned by TypeScript
 * (the kernels never allocate). Sizes are rounded up to size classes (16-byte steps up to 256 bytes, then 8
 * classes per power of two, so at most 12.5% waste); a freed block goes on its class's free list and the
 * next request of that class reuses it. Training loops allocate the same shapes every step, so after the
 * first step they run entirely from the free lists and memory stops growing. Blocks are never coalesced.
 */

/** Bytes actually reserved for a request of `bytes` (its size class). */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return Math.max(16, (bytes + 15) & ~15);
  // floor(log2(bytes − 1)) = 31 − clz32(bytes − 1), exactly (bytes < 2³²: wasm32 memory ends at 4 GiB).
  const step = 2 ** (28 - Math.clz32(bytes - 1));
  return Math.ceil(bytes / step) * step;
}

const PAGE = 65536;

export interface HeapStats {
  /** Pages of the WebAssembly.Memory (64 KiB each). */
  pages: number;
  /** Bytes in live blocks (by size class). */
  bytesInUse: number;
  /** Bytes in freed blocks waiting for reuse. */
  bytesFree: number;
  /** Live blocks. */
  blocks: number;
}

export class WasmHeap {
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  private inUse = 0;
  private freeBytes = 0;
  private live = 0;

  constructor(readonly memory: WebAssembly.Memory, base: number) {
    this.top = (base + 15) & ~15;
  }

  /** A 16-byte aligned block of at least `bytes` bytes (contents undefined). */
  alloc(bytes: number): number {
    const cls = sizeClass(bytes);
    this.inUse += cls;
    this.live++;
    const list = this.freeLists.get(cls);
    if (list !== undefined && list.length > 0) {
      this.freeBytes -= cls;
      return list.pop()!;
    }
    const ptr = this.top;
    const end = ptr + cls;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // Grow by at least a quarter of the current size so repeated growth stays amortized O(1).
      const need = Math.ceil((end - have) / PAGE);
      const pages = Math.max(need, Math.ceil(have / PAGE / 4));
      try {
        this.memory.grow(pages);
      } catch {
        try {
          this.memory.grow(need);
        } catch {
          this.inUse -= cls;
          this.live--;
          throw new RangeError(
            `wasm backend: cannot grow WebAssembly memory to ${((end / 2 ** 20) | 0)} MiB for a ${bytes}-byte tensor ` +
              `(${(this.inUse / 2 ** 20).toFixed(1)} MiB live; WebAssembly memory ends at 4 GiB). Tensors still ` +
              `referenced keep their storage: drop references you no longer need, or call tensor.dispose(). ` +
              `(Outside Node, storage of unreferenced tensors is freed only when the event loop turns.)`,
          );
        }
      }
    }
    this.top = end;
    return ptr;
  }

  /** Returns a block from `alloc(bytes)` to its free list. */
  free(ptr: number, bytes: number): void {
    const cls = sizeClass(bytes);
    let list = this.freeLists.get(cls);
    if (list === undefined) this.freeLists.set(cls, (list = []));
    list.push(ptr);
    this.inUse -= cls;
    this.freeBytes += cls;
    this.live--;
  }

  /** Bytes in live blocks. */
  get liveBytes(): number {
    return this.inUse;
  }

  stats(): HeapStats {
    return { pages: this.memory.buffer.byteLength / PAGE, bytesInUse: this.inUse, bytesFree: this.freeBytes, blocks: this.live };
  }
}
