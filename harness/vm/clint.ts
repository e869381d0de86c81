/**
 * CLINT (SiFive layout): per-hart software-interrupt bits and timer compare registers, and mtime.
 * mtime is read from the platform on every access; the timer interrupt itself is an input the host
 * raises (MEMORY-MAP.md, "CLINT").
 */
import { CLINT_MSIP, CLINT_MTIME, CLINT_MTIMECMP } from './memory-map.ts';
import type { DeviceHost } from './device-host.ts';

const NEVER = 0xffff_ffff;

export class Clint {
  readonly softwarePending: number[];
  readonly compareLow: number[];
  readonly compareHigh: number[];

  constructor(private readonly host: DeviceHost) {
    const count = host.harts.length;
    this.softwarePending = new Array<number>(count).fill(0);
    this.compareLow = new Array<number>(count).fill(NEVER);
    this.compareHigh = new Array<number>(count).fill(NEVER);
  }

  /** Register value at `offset`, or undefined for no register (an access fault). */
  load(offset: number): number | undefined {
    const count = this.host.harts.length;
    if (offset < CLINT_MSIP + 4 * count) return this.softwarePending[offset >>> 2]!;
    const compare = offset - CLINT_MTIMECMP;
    if (compare >= 0 && compare < 8 * count) {
      const hart = compare >>> 3;
      return (compare & 4) === 0 ? this.compareLow[hart]! : this.compareHigh[hart]!;
    }
    if (offset === CLINT_MTIME) return this.host.platform.readTime() >>> 0;
    if (offset === CLINT_MTIME + 4) return Math.floor(this.host.platform.readTime() / 0x1_0000_0000) >>> 0;
    return undefined;
  }

  /** Writes a register; false for no register. mtime ignores writes (it is the host's clock). */
  store(offset: number, value: number): boolean {
    const count = this.host.harts.length;
    if (offset < CLINT_MSIP + 4 * count) {
      this.softwarePending[offset >>> 2] = value & 1;
      return true;
    }
    const compare = offset - CLINT_MTIMECMP;
    if (compare >= 0 && compare < 8 * count) {
      const hart = compare >>> 3;
      if ((compare & 4) === 0) this.compareLow[hart] = value >>> 0;
      else this.compareHigh[hart] = value >>> 0;
      this.host.harts[hart]!.timerPending = false;
      this.host.platform.timerCompareChanged(hart, this.compareHigh[hart]! * 0x1_0000_0000 + this.compareLow[hart]!);
      this.host.noteOutput('timer-compare');
      return true;
    }
    return offset === CLINT_MTIME || offset === CLINT_MTIME + 4;
  }
}
