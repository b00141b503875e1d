/**
 * `ByteQueue`: the receive buffer shared by the framing receivers. Incoming chunks are kept as they
 * arrive (no copy-on-append); reading copies only when the bytes asked for span several chunks, and
 * returns a view when they lie in one chunk (like ws's receiver). Searching resumes where the last
 * search stopped, and small chunks are copied into a shared tail block, so a long line arriving
 * byte by byte costs linear, not quadratic, time.
 * Tests: test/protocols/byte-queue.test.ts.
 */

const EMPTY = Buffer.alloc(0);
/** Chunks shorter than this are copied into the tail block instead of being kept by reference. */
const SMALL_CHUNK = 256;
const TAIL_BLOCK = 4096;

/** A view of `data` as a Buffer, without copying. */
export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Index of the first chunk still holding unread bytes. */
  private first = 0;
  /** Bytes already consumed from `chunks[first]`. */
  private head = 0;
  private size = 0;
  /** The block small chunks are copied into; bytes below `tailUsed` are never rewritten. */
  private tail: Buffer | null = null;
  private tailUsed = 0;
  /** True when the last chunk is a view of `tail` ending at `tailUsed` (so it can grow in place). */
  private tailOpen = false;

  /** Unread bytes. */
  get length(): number {
    return this.size;
  }

  /** Appends a chunk (large chunks are kept by reference: do not modify them afterwards). */
  push(data: Uint8Array): void {
    const n = data.byteLength;
    if (n === 0) return;
    this.size += n;
    if (n >= SMALL_CHUNK) {
      this.chunks.push(asBuffer(data));
      this.tailOpen = false;
      return;
    }
    if (this.tail === null || this.tailUsed + n > this.tail.length) {
      this.tail = Buffer.allocUnsafe(TAIL_BLOCK);
      this.tailUsed = 0;
      this.tailOpen = false;
    }
    const tail = this.tail;
    tail.set(data, this.tailUsed);
    if (this.tailOpen) {
      const last = this.chunks.length - 1;
      const view = this.chunks[last] as Buffer;
      this.chunks[last] = tail.subarray(view.byteOffset - tail.byteOffset, this.tailUsed + n);
    } else {
      this.chunks.push(tail.subarray(this.tailUsed, this.tailUsed + n));
      this.tailOpen = true;
    }
    this.tailUsed += n;
  }

  /** The byte at `index` (0 = the first unread byte); undefined past the end. */
  byteAt(index: number): number | undefined {
    if (index < 0 || index >= this.size) return undefined;
    let i = index + this.head;
    for (let c = this.first; c < this.chunks.length; c++) {
      const chunk = this.chunks[c] as Buffer;
      if (i < chunk.length) return chunk[i];
      i -= chunk.length;
    }
    return undefined;
  }

  /** Reads an unsigned big-endian integer of `bytes` (1..4) bytes at `index`, without consuming. */
  readUIntBE(index: number, bytes: number): number | undefined {
    if (index + bytes > this.size) return undefined;
    let value = 0;
    for (let k = 0; k < bytes; k++) value = value * 256 + (this.byteAt(index + k) as number);
    return value;
  }

  /**
   * The index of the first occurrence of `pattern` at or after `from`, or -1. A match may span
   * chunks.
   */
  indexOf(pattern: Uint8Array, from = 0): number {
    const m = pattern.length;
    if (m === 0) return Math.min(Math.max(from, 0), this.size);
    let base = 0; // index (in unread bytes) of the current chunk's first unread byte
    for (let c = this.first; c < this.chunks.length; c++) {
      const chunk = this.chunks[c] as Buffer;
      const start = c === this.first ? this.head : 0;
      const len = chunk.length - start;
      if (base + len > from) {
        const local = Math.max(0, from - base);
        const hit = chunk.indexOf(pattern, start + local);
        // A hit inside this chunk that starts before any spanning candidate is the answer.
        const spanFrom = Math.max(local, len - m + 1);
        if (hit !== -1 && hit - start < spanFrom) return base + hit - start;
        for (let i = spanFrom; i < len; i++) {
          if (this.matchesAt(base + i, pattern)) return base + i;
        }
      }
      base += len;
    }
    return -1;
  }

  /** Removes and returns the first `n` bytes (a view when they lie in one chunk). */
  take(n: number): Buffer {
    if (n <= 0) return EMPTY;
    if (n > this.size) throw new RangeError(`ByteQueue.take(${n}) with ${this.size} bytes`);
    const chunk = this.chunks[this.first] as Buffer;
    if (chunk.length - this.head >= n) {
      const out = chunk.subarray(this.head, this.head + n);
      this.skip(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const current = this.chunks[this.first] as Buffer;
      const avail = current.length - this.head;
      const count = Math.min(avail, n - written);
      current.copy(out, written, this.head, this.head + count);
      written += count;
      this.skip(count);
    }
    return out;
  }

  /** Discards the first `n` bytes. */
  skip(n: number): void {
    let left = Math.min(n, this.size);
    this.size -= left;
    while (left > 0) {
      const chunk = this.chunks[this.first] as Buffer;
      const avail = chunk.length - this.head;
      if (left < avail) {
        this.head += left;
        left = 0;
      } else {
        left -= avail;
        this.first += 1;
        this.head = 0;
      }
    }
    this.compact();
  }

  /** Removes and returns everything. */
  drain(): Buffer {
    return this.take(this.size);
  }

  private matchesAt(index: number, pattern: Uint8Array): boolean {
    if (index + pattern.length > this.size) return false;
    for (let k = 0; k < pattern.length; k++) {
      if (this.byteAt(index + k) !== pattern[k]) return false;
    }
    return true;
  }

  private compact(): void {
    if (this.size === 0) {
      this.chunks = [];
      this.first = 0;
      this.head = 0;
      this.tailOpen = false;
    } else if (this.first > 32 && this.first * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }
}
