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

/**
 * Bound on sync points waiting for their second replica: a point is forgotten once two replicas
 * agreed on it, so only points one replica has not reached yet are kept, and a long run cannot
 * grow this without limit. Points beyond the bound are counted in `dropped`, never silently lost.
 */
export const MAX_SYNC_POINTS = 100_000;

export class DivergenceChecker {
  private readonly points = new Map<number, SyncDigest[]>();
  /** The first sync point at which digests differed, if any. */
  firstDivergence: { readonly point: number; readonly digests: readonly SyncDigest[] } | undefined;
  /** Sync points not recorded because too many were waiting. */
  dropped = 0;
  /** Sync points at which two replicas were compared. */
  compared = 0;
  private anyDiverged = false;
  /** The first replica whose execution parted from the one it replays (the host stopped it), if any. */
  firstReplayDivergence: { readonly host: string; readonly message: string; readonly retired: number; readonly timeNs: number } | undefined;
  replayDivergences = 0;

  constructor(private readonly stateRanges: readonly ElfSymbol[]) {}

  /**
   * Digest of the application state of `machine` now. It is built on the memory's per-page hash
   * cache: a page of state unwritten since the previous digest is not read again, so a sync point
   * costs in proportion to the pages the guest wrote, not to the size of its state.
   */
  stateDigest(machine: Machine): string {
    const hash = new Hash64();
    for (const range of this.stateRanges) machine.hashMemoryInto(hash, range.address, range.size);
    return hash.finish();
  }

  /** Records that `host`'s guest stopped reproducing the execution it replays. */
  recordReplayDivergence(host: string, message: string, retired: number, timeNs: number): void {
    this.replayDivergences++;
    this.firstReplayDivergence ??= { host, message, retired, timeNs };
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
    if (digests.length < 2) return;
    this.compared++;
    if (digests.some((entry) => entry.digest !== digests![0]!.digest)) {
      this.anyDiverged = true;
      this.firstDivergence ??= { point, digests: [...digests] };
    }
    // Two replicas have been compared here; a primary-backup pairing declares each point twice.
    this.points.delete(point);
  }

  /** true: some point differed; false: points were compared and all agreed; null: nothing to compare. */
  verdict(): CheckValue {
    if (this.anyDiverged || this.replayDivergences > 0) return true;
    return this.compared > 0 ? false : null;
  }
}
