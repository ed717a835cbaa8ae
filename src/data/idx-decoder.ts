/**
 * An IDX file decoded as its bytes arrive, chunk by chunk: the header is validated as soon as it is
 * complete (`onHeader`), then the values are handed over in pieces of exactly `pieceValues` (the last one
 * shorter), each with the flat index of its first value (`onValues`), however the chunks fall: the bytes
 * are gathered in one piece-sized buffer, so a value split between two chunks is whole in it, and a
 * consumer that uploads each piece (TensorFiller on wasm) allocates one size of block over and over. `end()`
 * checks the size, with the same errors as `parseIdx` (too short, truncated header, truncated, trailing
 * bytes); a truncated file is only known there, and its last partial piece is not handed over.
 *
 * ```ts
 * const d = new IdxDecoder("labels", { onHeader: (h) => console.log(h.shape), onValues: (v, at) => out.set(v, at) });
 * for await (const chunk of byteChunks(path, { op: "readIdx" })) d.push(chunk);
 * d.end();
 * ```
 */
import { checkFileSize, headerLength, newValues, parseHeader, readValues, shortFileError, type IdxHeader, type IdxValues } from "./idx-format.js";

export interface IdxDecoderHandlers {
  onHeader(header: IdxHeader): void;
  /**
   * `values` (host-endian) are the file's values from flat index `at` on. The array is the decoder's and is
   * overwritten by the next piece: copy what you keep.
   */
  onValues(values: IdxValues, at: number): void;
}

/** Values per piece handed to onValues (64 KiB as uint8, 256 KiB once converted to float32). */
const PIECE_VALUES = 1 << 16;

export class IdxDecoder {
  private head = new Uint8Array(0);
  private header: IdxHeader | null = null;
  /** The piece being gathered (pieceValues values, fewer when the file holds fewer) and its bytes so far. */
  private piece = new Uint8Array(0);
  private filled = 0;
  /** The piece's values, host-endian (for 1-byte types a view of `piece` itself). */
  private values: IdxValues | null = null;
  /** Flat index of the piece's first value. */
  private at = 0;
  /** Bytes seen in all, header included. */
  private total = 0;

  constructor(private readonly source: string, private readonly handlers: IdxDecoderHandlers, private readonly pieceValues = PIECE_VALUES) {}

  /** Feeds the next bytes of the file (the decoder keeps no reference to `chunk`). */
  push(chunk: Uint8Array): void {
    this.total += chunk.length;
    if (this.header === null) {
      // The magic number first (4 bytes), then the rest of the header it announces.
      while (chunk.length > 0 && this.header === null) {
        const need = this.head.length < 4 ? 4 : headerLength(this.head, this.source);
        const take = Math.min(chunk.length, need - this.head.length);
        const head = new Uint8Array(this.head.length + take);
        head.set(this.head);
        head.set(chunk.subarray(0, take), this.head.length);
        this.head = head;
        chunk = chunk.subarray(take);
        if (this.head.length >= 4 && this.head.length === headerLength(this.head, this.source)) {
          this.header = parseHeader(this.head, this.source);
          this.handlers.onHeader(this.header);
          const n = Math.min(this.pieceValues, this.header.count);
          this.piece = new Uint8Array(n * this.header.width);
          const t = this.header.type;
          this.values = t === "uint8" ? this.piece : t === "int8" ? new Int8Array(this.piece.buffer) : newValues(t, n);
        }
      }
      if (this.header === null) return;
    }
    const h = this.header;
    const w = h.width;
    while (chunk.length > 0 && this.at < h.count) {
      const take = Math.min(chunk.length, this.piece.length - this.filled);
      this.piece.set(chunk.subarray(0, take), this.filled);
      this.filled += take;
      chunk = chunk.subarray(take);
      if (this.filled === this.piece.length) {
        const n = this.filled / w;
        const values = w === 1 ? this.values!.subarray(0, n) : readValues(new DataView(this.piece.buffer), 0, n, h.type, this.values!);
        this.handlers.onValues(values, this.at);
        this.at += n;
        this.filled = 0;
        // The last piece is shorter: gather only the values that remain.
        const left = h.count - this.at;
        if (left > 0 && left < this.pieceValues) this.piece = this.piece.subarray(0, left * w);
      }
    }
    // Bytes past the last value are only counted (end() reports them).
  }

  /** Ends the file: throws if it was shorter or longer than its header says. */
  end(): void {
    if (this.header === null) throw shortFileError(this.total, this.head, this.source);
    checkFileSize(this.header, this.total, this.source);
  }
}
