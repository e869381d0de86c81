/**
 * Guest RAM buffers kept between runs of one process. A run boots two to four machines of 2 or
 * 16 MiB each; allocated fresh, every one is external memory to V8, and V8 starts a full
 * mark-compact whenever external memory has grown by its limit (about 64 MiB) since the last one.
 * Measured on the load-curve experiment, 22 of 25 mark-compacts were started for "external memory
 * pressure", nearly all of it guest RAM. A buffer given back here when its run is over is handed to
 * the next machine of the same size instead, so RAM no longer drives full collections.
 *
 * Determinism: a buffer is zeroed when it is taken, so a machine starts from the same all-zero RAM
 * whether its buffer is new or recycled; nothing of an earlier run can leak into a later one.
 */

/** Bytes of idle buffers kept at most (enough for every machine of the largest run; more are dropped to V8). */
const POOL_LIMIT_BYTES = 256 * 1024 * 1024;

/** Idle buffers by size in bytes. */
const idle = new Map<number, ArrayBuffer[]>();
let idleBytes = 0;

/** A zeroed buffer of `bytes` for a machine's RAM: a recycled one if the pool holds one of that size. */
export function takeRam(bytes: number): ArrayBuffer {
  const buffer = idle.get(bytes)?.pop();
  if (buffer === undefined) return new ArrayBuffer(bytes);
  idleBytes -= bytes;
  new Uint8Array(buffer).fill(0);
  return buffer;
}

/**
 * Gives `buffer` back for a later machine, once nothing will use the machine that had it. The
 * backing store moves to a new ArrayBuffer (a transfer, no copy), which detaches `buffer`: every
 * view of the old machine reads as empty from now on instead of sharing RAM with the next run.
 */
export function recycleRam(buffer: ArrayBuffer): void {
  if (buffer.byteLength === 0 || idleBytes + buffer.byteLength > POOL_LIMIT_BYTES) return;
  const moved = structuredClone(buffer, { transfer: [buffer] });
  let buffers = idle.get(moved.byteLength);
  if (buffers === undefined) {
    buffers = [];
    idle.set(moved.byteLength, buffers);
  }
  buffers.push(moved);
  idleBytes += moved.byteLength;
}

/** Bytes held in idle buffers (for tests). */
export function idleRamBytes(): number {
  return idleBytes;
}
