/** What the devices may use of the machine: RAM for DMA, the platform, harts and output notes. */
import type { Hart } from './hart.ts';
import type { Memory } from './memory.ts';
import type { OutputKind, Platform } from './types.ts';

export interface DeviceHost {
  readonly memory: Memory;
  readonly platform: Platform;
  readonly harts: readonly Hart[];
  /** Records that the instruction being executed produced an output, so the run stops after it. */
  noteOutput(kind: OutputKind): void;
  /** DMA wrote RAM bytes [offset, offset+length): LR reservations on them break. */
  dmaWritten(offset: number, length: number): void;
}
