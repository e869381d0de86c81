/**
 * Little-endian binary encoding for messages at the network boundary. Every protocol in ftbench
 * (storage, replication logs, checkpoints, heartbeats) encodes with `ByteWriter` before sending and
 * decodes with `ByteReader` after receiving, so the sizes the network measures are real sizes.
 */

/** A message that cannot be decoded: truncated, or a field out of range. */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Appends fields to a growing buffer. */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(initialCapacity = 64) {
    this.buffer = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buffer.buffer);
  }

  u8(value: number): this {
    checkInteger('u8', value, 0xff);
    this.reserve(1);
    this.buffer[this.length++] = value;
    return this;
  }

  u16(value: number): this {
    checkInteger('u16', value, 0xffff);
    this.reserve(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
    return this;
  }

  u32(value: number): this {
    checkInteger('u32', value, 0xffff_ffff);
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
    return this;
  }

  /** A non-negative safe integer in 8 bytes (instruction counts, virtual times, sequence numbers). */
  u64(value: number): this {
    checkInteger('u64', value, Number.MAX_SAFE_INTEGER);
    this.reserve(8);
    this.view.setUint32(this.length, value % 0x1_0000_0000, true);
    this.view.setUint32(this.length + 4, Math.floor(value / 0x1_0000_0000), true);
    this.length += 8;
    return this;
  }

  bool(value: boolean): this {
    return this.u8(value ? 1 : 0);
  }

  /** Bytes with a u32 length prefix. */
  bytes(value: Uint8Array): this {
    this.u32(value.length);
    return this.raw(value);
  }

  /** Bytes without a length prefix (the reader must know the length). */
  raw(value: Uint8Array): this {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** UTF-8 text with a u32 length prefix. */
  string(value: string): this {
    return this.bytes(textEncoder.encode(value));
  }

  /** The encoded message (a copy trimmed to its length). */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}

/** Reads fields in order; any read past the end throws `DecodeError`. */
export class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly buffer: Uint8Array) {
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  u8(): number {
    this.need(1, 'u8');
    return this.buffer[this.offset++]!;
  }

  u16(): number {
    this.need(2, 'u16');
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }

  u32(): number {
    this.need(4, 'u32');
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  u64(): number {
    this.need(8, 'u64');
    const low = this.view.getUint32(this.offset, true);
    const high = this.view.getUint32(this.offset + 4, true);
    this.offset += 8;
    const value = high * 0x1_0000_0000 + low;
    if (!Number.isSafeInteger(value)) throw new DecodeError(`u64 at offset ${this.offset - 8} exceeds 2^53 - 1`);
    return value;
  }

  bool(): boolean {
    const value = this.u8();
    if (value > 1) throw new DecodeError(`bool at offset ${this.offset - 1} is ${value}, expected 0 or 1`);
    return value === 1;
  }

  /** Length-prefixed bytes, as a copy. */
  bytes(): Uint8Array {
    return this.raw(this.u32());
  }

  /** `length` bytes, as a copy. */
  raw(length: number): Uint8Array {
    this.need(length, 'bytes');
    const value = this.buffer.slice(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  string(): string {
    try {
      return textDecoder.decode(this.bytes());
    } catch (error) {
      if (error instanceof DecodeError) throw error;
      throw new DecodeError(`string before offset ${this.offset} is not valid UTF-8`);
    }
  }

  /** Asserts that the whole message was read: trailing bytes mean the two sides disagree on the format. */
  end(): void {
    if (this.remaining !== 0) throw new DecodeError(`${this.remaining} unexpected trailing bytes at offset ${this.offset}`);
  }

  private need(count: number, what: string): void {
    if (this.offset + count > this.buffer.length) {
      throw new DecodeError(`truncated message: ${what} needs ${count} bytes at offset ${this.offset}, ${this.remaining} left`);
    }
  }
}

function checkInteger(what: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${what} out of range: ${value} (expected 0 to ${max})`);
}
