/**
 * A tiny synchronous world for role tests without a VM, in the manner of etcd raft's test network:
 * a virtual clock with timers, a network that delivers each message after a fixed latency and can
 * drop, cut, duplicate and isolate, a crash switch per host, and a test-and-set storage a host can
 * be cut off from. It satisfies `DriverWorld`, so the real driver and lifecycle run on it.
 */
import type { TimeNs } from '../../harness/sim/types.ts';
import type { StorageResult } from '../../harness/storage/types.ts';
import type { StrategyEvent } from '../types.ts';
import type { Cancellable, DriverWorld } from './driver.ts';

/** One-way latency of every message, and the storage's answer time. */
export const SYNC_LATENCY_NS = 100_000;
/** How long a test-and-set waits before it times out, as the storage client's 50 ms timeout. */
export const SYNC_STORAGE_TIMEOUT_NS = 50_000_000;

interface Scheduled {
  readonly atNs: TimeNs;
  readonly order: number;
  action: (() => void) | undefined;
}

/** A message as the test sees it (for `drop` and `duplicate` predicates). */
export interface SyncMessage {
  readonly from: string;
  readonly to: string;
  readonly channel: string;
  readonly bytes: Uint8Array;
}

type Handler = (delivery: { readonly from: string; readonly bytes: Uint8Array }) => void;

export class SyncNetwork implements DriverWorld {
  readonly declared: Array<StrategyEvent & { readonly atNs: TimeNs }> = [];
  readonly sent: SyncMessage[] = [];
  private currentNs: TimeNs = 0;
  private order = 0;
  private readonly queue: Scheduled[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly crashedHosts = new Set<string>();
  private readonly cuts = new Set<string>();
  private readonly isolated = new Set<string>();
  private readonly flags = new Map<string, string>();
  private readonly drops: Array<(message: SyncMessage) => boolean> = [];
  private readonly duplicates: Array<(message: SyncMessage) => boolean> = [];
  serviceOwner: string | undefined;

  readonly sim: DriverWorld['sim'];
  readonly network = {
    send: (from: string, to: string, channel: string, bytes: Uint8Array) => this.send({ from, to, channel, bytes }),
    listen: (host: string, channel: string, handler: Handler) => {
      this.handlers.set(`${host}/${channel}`, handler);
    },
    isCrashed: (host: string) => this.crashedHosts.has(host),
    claimService: (_service: string, host: string) => {
      this.serviceOwner = host;
      return { host };
    },
  };
  readonly service = 'service';
  readonly flag = 'flag';
  constructor(
    readonly replicaHosts: readonly string[],
    readonly spareHosts: readonly string[],
  ) {
    const world = this;
    this.sim = {
      get nowNs(): TimeNs {
        return world.currentNs;
      },
      timer: (delayNs: TimeNs, action: () => void): Cancellable => world.at(world.currentNs + delayNs, action),
    };
  }

  get nowNs(): TimeNs {
    return this.currentNs;
  }

  storageClient(host: string) {
    return {
      testAndSet: (flag: string, done: (result: StorageResult<boolean>) => void) => {
        if (this.isolated.has(host)) return void this.at(this.currentNs + SYNC_STORAGE_TIMEOUT_NS, () => done({ state: 'timeout' }));
        // The storage decides when the request reaches it, and the answer takes one more latency.
        this.at(this.currentNs + SYNC_LATENCY_NS, () => {
          const owner = this.flags.get(flag) ?? host;
          this.flags.set(flag, owner);
          this.at(this.currentNs + SYNC_LATENCY_NS, () => done({ state: 'ok', value: owner === host }));
        });
      },
    };
  }

  /** The host that holds `flag`, if any asked it. */
  flagOwner(flag: string): string | undefined {
    return this.flags.get(flag);
  }

  declare(event: StrategyEvent): void {
    this.declared.push({ ...event, atNs: this.currentNs });
  }

  // ----- faults --------------------------------------------------------------------------------

  crash(host: string): void {
    this.crashedHosts.add(host);
  }
  /** Cuts the link between `a` and `b`, both ways. */
  cut(a: string, b: string): void {
    this.cuts.add(`${a}|${b}`).add(`${b}|${a}`);
  }
  heal(): void {
    this.cuts.clear();
    this.isolated.clear();
  }
  /** Cuts `host` off from every other host and from the storage. */
  isolate(host: string): void {
    this.isolated.add(host);
  }
  /** Drops the next message that `match` accepts. */
  dropNext(match: (message: SyncMessage) => boolean): void {
    this.drops.push(match);
  }
  /** Delivers the next message that `match` accepts twice. */
  duplicateNext(match: (message: SyncMessage) => boolean): void {
    this.duplicates.push(match);
  }

  // ----- running -------------------------------------------------------------------------------

  /** Runs every event due up to `untilNs`, in time order (ties in the order scheduled). */
  runUntil(untilNs: TimeNs): void {
    for (;;) {
      let next = -1;
      for (let index = 0; index < this.queue.length; index++) {
        const event = this.queue[index]!;
        if (event.atNs > untilNs) continue;
        const best = this.queue[next];
        if (best === undefined || event.atNs < best.atNs || (event.atNs === best.atNs && event.order < best.order)) next = index;
      }
      if (next < 0) break;
      const [event] = this.queue.splice(next, 1);
      this.currentNs = event!.atNs;
      event!.action?.();
    }
    this.currentNs = untilNs;
  }

  runFor(durationNs: TimeNs): void {
    this.runUntil(this.currentNs + durationNs);
  }

  /** The events declared, as `kind@host` (the story a test reads). */
  story(): string[] {
    return this.declared.map((event) => `${event.kind}@${event.host}`);
  }

  private at(atNs: TimeNs, action: () => void): Cancellable {
    const event: Scheduled = { atNs, order: this.order++, action };
    this.queue.push(event);
    return { cancel: () => (event.action = undefined) };
  }

  private send(message: SyncMessage): void {
    if (this.crashedHosts.has(message.from)) return;
    this.sent.push(message);
    const blocked = this.cuts.has(`${message.from}|${message.to}`) || this.isolated.has(message.from) || this.isolated.has(message.to);
    const drop = this.drops.findIndex((match) => match(message));
    if (drop >= 0) {
      this.drops.splice(drop, 1);
      return;
    }
    if (blocked) return;
    const duplicate = this.duplicates.findIndex((match) => match(message));
    const copies = duplicate >= 0 ? 2 : 1;
    if (duplicate >= 0) this.duplicates.splice(duplicate, 1);
    for (let copy = 0; copy < copies; copy++) {
      this.at(this.currentNs + SYNC_LATENCY_NS, () => {
        if (this.crashedHosts.has(message.to)) return;
        this.handlers.get(`${message.to}/${message.channel}`)?.({ from: message.from, bytes: message.bytes });
      });
    }
  }
}
