/**
 * The divergence checker: replicas that declare the same sync point must hold the same
 * application state there. The digests are taken by the harness, from outside the strategy, over
 * the memory of the workload's state symbols (the service's data and its duplicate table).
 */
import type { CheckValue } from './types.ts';
import type { Machine } from '../vm/machine.ts';
import { Hash64 } from '../vm/hash.ts';
import type { ElfSymbol } from '../vm/symbols.ts';

/** One state digest at a sync point. */
export interface SyncDigest {
  readonly host: string;
  readonly timeNs: number;
  readonly digest: string;
}

/** Bound on remembered sync points, so that a long run cannot grow this without limit. */
export const MAX_SYNC_POINTS = 100_000;

export class DivergenceChecker {
  private readonly points = new Map<number, SyncDigest[]>();
  /** The first sync point at which digests differed, if any. */
  firstDivergence: { readonly point: number; readonly digests: readonly SyncDigest[] } | undefined;
  private dropped = 0;

  constructor(private readonly stateRanges: readonly ElfSymbol[]) {}

  /** Digest of the application state of `machine` now. */
  stateDigest(machine: Machine): string {
    const hash = new Hash64();
    for (const range of this.stateRanges) {
      const bytes = machine.readMemory(range.address, range.size);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      hash.word(range.size);
      for (let offset = 0; offset + 4 <= bytes.length; offset += 4) hash.word(view.getInt32(offset, true));
      for (let offset = bytes.length & ~3; offset < bytes.length; offset++) hash.word(bytes[offset]!);
    }
    return hash.finish();
  }

  /** Records the state of `host` at `point`. */
  record(point: number, host: string, timeNs: number, machine: Machine): void {
    let digests = this.points.get(point);
    if (digests === undefined) {
      if (this.points.size >= MAX_SYNC_POINTS) {
        this.dropped++;
        return;
      }
      digests = [];
      this.points.set(point, digests);
    }
    digests.push({ host, timeNs, digest: this.stateDigest(machine) });
    if (this.firstDivergence === undefined && digests.some((entry) => entry.digest !== digests![0]!.digest)) {
      this.firstDivergence = { point, digests: [...digests] };
    }
  }

  /** true: some point differed; false: points were compared and all agreed; null: nothing to compare. */
  verdict(): CheckValue {
    if (this.firstDivergence !== undefined) return true;
    for (const digests of this.points.values()) if (digests.length > 1) return false;
    return null;
  }

  /** Sync points at which at least two replicas were compared. */
  get comparedPoints(): number {
    let count = 0;
    for (const digests of this.points.values()) if (digests.length > 1) count++;
    return count;
  }
}
