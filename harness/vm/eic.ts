/** EIC: routes the devices' level-triggered lines to harts (MEMORY-MAP.md, "EIC"). */
import { EIC_ENABLE, EIC_PENDING } from './memory-map.ts';

export class Eic {
  readonly enable: number[];

  constructor(
    hartCount: number,
    /** The current PENDING word, computed from the devices' lines. */
    private readonly pending: () => number,
  ) {
    this.enable = new Array<number>(hartCount).fill(0);
  }

  /** Whether MEIP of `hart` is set. */
  externalPending(hart: number): boolean {
    return (this.pending() & this.enable[hart]!) !== 0;
  }

  load(offset: number): number | undefined {
    if (offset === EIC_PENDING) return this.pending();
    const hart = (offset - EIC_ENABLE) >> 2;
    if (offset >= EIC_ENABLE && hart < this.enable.length) return this.enable[hart]!;
    return undefined;
  }

  store(offset: number, value: number): boolean {
    if (offset === EIC_PENDING) return true;
    const hart = (offset - EIC_ENABLE) >> 2;
    if (offset >= EIC_ENABLE && hart < this.enable.length) {
      this.enable[hart] = value >>> 0;
      return true;
    }
    return false;
  }
}
