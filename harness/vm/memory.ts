/**
 * Guest RAM: one ArrayBuffer seen through typed-array views, split into PAGE_SIZE pages with one
 * flag byte each. Every write path (stores, AMOs, DMA, loading) sets both flags of the page it
 * touches with a single byte store, which keeps dirty tracking exact and cheap in the hot loop.
 */
import { Hash64, hashWordsInto } from './hash.ts';
import { PAGE_SHIFT, PAGE_SIZE, RAM_BASE } from './memory-map.ts';
import { recycleRam, takeRam } from './ram-pool.ts';
import type { PageImage } from './types.ts';

/** Page flag: written since the last `markClean` (the checkpoint delta). */
export const PAGE_DIRTY = 1;
/** Page flag: the cached digest of the page is out of date. */
export const PAGE_STALE = 2;
/** What every write stores into the page's flag byte. */
export const PAGE_WRITTEN = PAGE_DIRTY | PAGE_STALE;

/** Maps a guest address to its RAM byte offset, or -1 when [address, address+length) is not RAM. */
export function ramOffset(address: number, length: number, ramBytes: number): number {
  const offset = (address - RAM_BASE) >>> 0;
  if (offset >= ramBytes || length > ramBytes - offset) return -1;
  return offset;
}

export class Memory {
  readonly ramBytes: number;
  readonly pageCount: number;
  readonly buffer: ArrayBuffer;
  readonly words: Int32Array;
  readonly halfwords: Int16Array;
  readonly unsignedHalfwords: Uint16Array;
  readonly bytes: Int8Array;
  readonly unsignedBytes: Uint8Array;
  /**
   * Per-page flags (dirty, digest stale). Every write to RAM stores the whole byte, never or-ing
   * bits in: the block compiler keeps its own bit here, and a write must clear it.
   */
  readonly pageFlags: Uint8Array;
  /** Two hash lanes per page, valid while the page's PAGE_STALE flag is clear. */
  private readonly pageHashes: Int32Array;

  constructor(ramBytes: number) {
    if (!Number.isInteger(ramBytes) || ramBytes <= 0 || ramBytes % PAGE_SIZE !== 0) {
      throw new RangeError(`RAM size must be a positive multiple of ${PAGE_SIZE} bytes, got ${ramBytes}`);
    }
    if (ramBytes > 0x8000_0000) throw new RangeError(`RAM size must be at most 2 GiB, got ${ramBytes}`);
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
      throw new Error('the VM core needs a little-endian host: its typed-array views mirror guest RAM');
    }
    this.ramBytes = ramBytes;
    this.pageCount = ramBytes >>> PAGE_SHIFT;
    this.buffer = takeRam(ramBytes);
    this.words = new Int32Array(this.buffer);
    this.halfwords = new Int16Array(this.buffer);
    this.unsignedHalfwords = new Uint16Array(this.buffer);
    this.bytes = new Int8Array(this.buffer);
    this.unsignedBytes = new Uint8Array(this.buffer);
    this.pageFlags = new Uint8Array(this.pageCount).fill(PAGE_STALE);
    this.pageHashes = new Int32Array(this.pageCount * 2);
  }

  /**
   * Hands this RAM to a later machine (ram-pool.ts): only once the machine will never run or be
   * read again. Its views are detached, so a stray use reads an empty RAM rather than another run's.
   */
  recycle(): void {
    recycleRam(this.buffer);
  }

  /** Copies `data` into RAM at byte offset `offset` (DMA, loading), marking the pages written. */
  write(offset: number, data: Uint8Array): void {
    if (offset < 0 || offset + data.length > this.ramBytes) {
      throw new RangeError(`RAM write of ${data.length} bytes at offset ${offset} is outside RAM`);
    }
    this.unsignedBytes.set(data, offset);
    this.markWritten(offset, data.length);
  }

  /** Zeroes `length` bytes at `offset` (bss), marking the pages written. */
  zero(offset: number, length: number): void {
    this.unsignedBytes.fill(0, offset, offset + length);
    this.markWritten(offset, length);
  }

  /** A copy of `length` bytes at `offset`. */
  read(offset: number, length: number): Uint8Array {
    return this.unsignedBytes.slice(offset, offset + length);
  }

  /** Marks every page overlapping [offset, offset+length) written. */
  markWritten(offset: number, length: number): void {
    if (length <= 0) return;
    const last = (offset + length - 1) >>> PAGE_SHIFT;
    for (let page = offset >>> PAGE_SHIFT; page <= last; page++) this.pageFlags[page] = PAGE_WRITTEN;
  }

  /** Starts a new dirty interval: no page is dirty afterwards. */
  markClean(): void {
    const flags = this.pageFlags;
    for (let page = 0; page < flags.length; page++) flags[page]! &= ~PAGE_DIRTY;
  }

  /** Indexes of the pages written since the last mark, ascending. */
  dirtyPages(): number[] {
    const dirty: number[] = [];
    const flags = this.pageFlags;
    for (let page = 0; page < flags.length; page++) if ((flags[page]! & PAGE_DIRTY) !== 0) dirty.push(page);
    return dirty;
  }

  /** The 64-bit digest of one page (16 hex digits). */
  pageDigest(page: number): string {
    if (!(page >= 0 && page < this.pageCount)) throw new RangeError(`no RAM page ${page}`);
    this.refreshPageHash(page);
    return new Hash64().word(this.pageHashes[2 * page]!).word(this.pageHashes[2 * page + 1]!).finish();
  }

  /** Mixes every page's hash into `hash`, rehashing only pages written since they were last hashed. */
  hashInto(hash: Hash64): void {
    for (let page = 0; page < this.pageCount; page++) {
      this.refreshPageHash(page);
      hash.word(this.pageHashes[2 * page]!).word(this.pageHashes[2 * page + 1]!);
    }
  }

  /**
   * Mixes the contents of [offset, offset+length) into `hash`: whole pages through their cached
   * hashes (so only pages written since they were last hashed are read again, which keeps a state
   * digest at every sync point cheap for megabytes of state), the partial pages at either end
   * word by word and byte by byte. Equal contents give equal hashes whatever the page flags.
   */
  hashRangeInto(hash: Hash64, offset: number, length: number): void {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.ramBytes)) {
      throw new RangeError(`RAM range of ${length} bytes at offset ${offset} is outside RAM`);
    }
    hash.word(length);
    const end = offset + length;
    let at = offset;
    while (at < end) {
      const page = at >>> PAGE_SHIFT;
      const pageStart = page << PAGE_SHIFT;
      const pageEnd = Math.min(end, pageStart + PAGE_SIZE);
      if (at === pageStart && pageEnd === pageStart + PAGE_SIZE) {
        this.refreshPageHash(page);
        hash.word(this.pageHashes[2 * page]!).word(this.pageHashes[2 * page + 1]!);
      } else {
        this.hashPiece(hash, at, pageEnd);
      }
      at = pageEnd;
    }
  }

  /** Part of one page: its aligned words, then its leading and trailing odd bytes. */
  private hashPiece(hash: Hash64, start: number, end: number): void {
    const firstWord = (start + 3) & ~3;
    const lastWord = end & ~3;
    const bytes = this.unsignedBytes;
    for (let at = start; at < Math.min(firstWord, end); at++) hash.word(bytes[at]!);
    for (let index = firstWord >>> 2; index < lastWord >>> 2; index++) hash.word(this.words[index]!);
    for (let at = Math.max(lastWord, firstWord); at < end; at++) hash.word(bytes[at]!);
  }

  private refreshPageHash(page: number): void {
    if ((this.pageFlags[page]! & PAGE_STALE) === 0) return;
    hashWordsInto(this.words, page << (PAGE_SHIFT - 2), PAGE_SIZE >>> 2, this.pageHashes, 2 * page);
    this.pageFlags[page]! &= ~PAGE_STALE;
  }

  /** A copy of one page. */
  pageImage(page: number): PageImage {
    return { index: page, bytes: this.read(page << PAGE_SHIFT, PAGE_SIZE) };
  }

  /** Whether a page holds only zero bytes (full snapshots leave those out). */
  isZeroPage(page: number): boolean {
    const start = page << (PAGE_SHIFT - 2);
    const end = start + (PAGE_SIZE >>> 2);
    for (let index = start; index < end; index++) if (this.words[index] !== 0) return false;
    return true;
  }

  /** Writes one page image back (restore); the page counts as written. */
  restorePage(image: PageImage): void {
    if (!(image.index >= 0 && image.index < this.pageCount)) throw new RangeError(`no RAM page ${image.index}`);
    if (image.bytes.length !== PAGE_SIZE) throw new RangeError(`page image must be ${PAGE_SIZE} bytes`);
    this.write(image.index << PAGE_SHIFT, image.bytes);
  }

  /** Zeroes all of RAM (before restoring a full snapshot). */
  clear(): void {
    this.unsignedBytes.fill(0);
    this.pageFlags.fill(PAGE_WRITTEN);
  }
}
