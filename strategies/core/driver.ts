/**
 * The harness side of the replication core: it feeds each host's pairing lifecycle its inputs
 * (network deliveries, timers, test-and-set answers, words from the stream) and carries the effects
 * out. The rules, in the order they apply:
 * 1. One input at a time: the effects of an input are all carried out, in the order the lifecycle
 *    returned them, before the next input (one a stream gives while an effect runs waits its turn).
 * 2. Nothing reaches a crashed host: no delivery, no timer, no test-and-set answer or retry, no
 *    stream call, and a stream's own sends and timers on a crashed host are dropped. So no role
 *    needs a crash guard.
 * 3. A host's lifecycle timers are one per name: setting one moves it.
 * The stream gets a `StreamPort` rather than the simulation and the network.
 */
import type { TimeNs } from '../../harness/sim/types.ts';
import type { StorageClient } from '../../harness/storage/client.ts';
import { testAndSetWithRetry } from '../shared/go-live.ts';
import { type PairingHeartbeat, decodePairingHeartbeat, encodePairingHeartbeat } from '../shared/pairing.ts';
import type { StrategyEvent } from '../types.ts';
import { PairingLifecycle } from './lifecycle.ts';
import type { PairingEffect, PairingInput, PairingOptions, PairingPool, PairingTimer, StreamCall } from './types.ts';

/** A timer the driver can cancel. */
export interface Cancellable {
  cancel(): void;
}

/**
 * The part of the world the driver uses: a `StrategyContext` is one, and so is the synchronous test
 * network of the role tests (sync-network.ts).
 */
export interface DriverWorld {
  readonly sim: { readonly nowNs: TimeNs; timer(delayNs: TimeNs, action: () => void): Cancellable };
  readonly network: {
    send(from: string, to: string, channel: string, bytes: Uint8Array): void;
    listen(host: string, channel: string, handler: (delivery: { readonly from: string; readonly bytes: Uint8Array }) => void): void;
    isCrashed(host: string): boolean;
    claimService(service: string, host: string): { readonly host: string };
  };
  storageClient(host: string): Pick<StorageClient, 'testAndSet'>;
  declare(event: StrategyEvent): void;
  readonly service: string;
  /** The service's test-and-set flag (pairing 0's). */
  readonly flag: string;
  readonly replicaHosts: readonly string[];
  readonly spareHosts: readonly string[];
}

/** A stream message's envelope, as the lifecycle routes it. */
export interface StreamEnvelope<Message> {
  readonly pairing: number;
  /** A new backup's first state: a spare that gets it adopts the pairing. */
  readonly firstState: boolean;
  readonly message: Message;
}

/**
 * A strategy's own heartbeat format: the core's fields (`PairingHeartbeat`) and what its stream adds
 * (vmft: the highest log sequence the backup received, which the primary's retransmission reads).
 * Without one, a heartbeat is the core's six bytes and carries nothing of the stream's.
 */
export interface HeartbeatFormat<Content> {
  encode(heartbeat: PairingHeartbeat, content: Content): Uint8Array;
  decode(bytes: Uint8Array): { readonly heartbeat: PairingHeartbeat; readonly content: Content };
}

/**
 * What a strategy plugs into the core for one host: its replication stream. The core calls
 * `call` for each `stream` effect (a primary ships, acknowledges and holds; a backup applies).
 * `Content` is what its heartbeats carry besides the core's fields (with a `HeartbeatFormat`).
 */
export interface HostStream<Message, Content = undefined> {
  /**
   * Pairing 0 starts: the host is its primary or backup. Called before its lifecycle starts (a
   * primary creates its machine here; a backup creates it and starts it here, as app-rsm's and
   * colo's do, or in `started`, as vmft's does, whose first ack needs the lifecycle's peer).
   */
  boot(role: 'primary' | 'backup'): void;
  /** Called right after the lifecycle started (a primary starts its machine here; so may a backup). */
  started?(): void;
  /** Carries out `call`; for `deliver`, `message` is the stream message the lifecycle routed here. */
  call(call: StreamCall, message: { readonly from: string; readonly message: Message } | undefined): void;
  /** With a `HeartbeatFormat`: the content of the heartbeat this host sends now. */
  heartbeatContent?(): Content;
  /** With a `HeartbeatFormat`: the content of the peer's heartbeat the lifecycle just routed here (`heartbeat-heard`). */
  heartbeatHeard?(content: Content): void;
}

/** What a stream may do to the world: all of it goes through the driver, so none reaches a crashed host. */
export interface StreamPort {
  readonly host: string;
  readonly nowNs: TimeNs;
  /** The host's lifecycle, to read (role, mode, pairing, peer). */
  readonly lifecycle: Pick<PairingLifecycle, 'role' | 'mode' | 'pairing' | 'peer'>;
  send(to: string, channel: string, bytes: Uint8Array): void;
  /** Runs `action` after `delayNs` unless the host crashed by then. */
  timer(delayNs: TimeNs, action: () => void): Cancellable;
  declare(event: StrategyEvent): void;
  /** A word from the stream to its lifecycle. */
  tell(input: Extract<PairingInput, { kind: 'go-live-ready' | 'first-state-sent' | 'first-state-acknowledged' | 'established-shown' }>): void;
}

/** Options of the driver. */
export interface PairingDriverOptions<Message, Content = undefined> {
  /** The stream's channels (besides `heartbeat`, which the core owns). */
  readonly channels: readonly string[];
  /** Decodes a stream message on `channel`. */
  readonly decode: (channel: string, bytes: Uint8Array) => StreamEnvelope<Message>;
  /** The lifecycle's settings, the same for every host. */
  readonly settings: PairingSettings;
  /** The stream of `host`, given its port. */
  readonly stream: (port: StreamPort) => HostStream<Message, Content>;
  /**
   * The strategy's heartbeat format, if its heartbeats carry stream content; then every host's
   * stream must implement `heartbeatContent` and `heartbeatHeard`. Absent: the core's own heartbeat.
   */
  readonly heartbeat?: HeartbeatFormat<Content>;
  /** Test-and-set requests one decision took (for the strategy's figures). */
  readonly countTestAndSetAttempts?: (attempts: number) => void;
}

/** A lifecycle's options that do not depend on the host, the service or the run's spares. */
export type PairingSettings = Omit<PairingOptions, 'host' | 'serviceFlag' | 'pool'>;

/** The pairing parameters every replicating strategy declares (shared/pairing.ts), in ns. */
export interface PairingParameters {
  readonly heartbeatNs: TimeNs;
  readonly failureTimeoutNs: TimeNs;
  readonly testAndSetAttempts: number;
}

/**
 * A strategy's lifecycle settings from its pairing parameters: a new backup's first state is
 * resent every failure timeout (a spare that heard nothing for that long would suspect anyway),
 * at most `firstStateAttempts` times (a strategy without spares never sends one: pass 1).
 */
export function pairingSettings(parameters: PairingParameters, firstStateAttempts: number): PairingSettings {
  const { heartbeatNs, failureTimeoutNs, testAndSetAttempts } = parameters;
  return { heartbeatNs, failureTimeoutNs, testAndSetAttempts, firstStateRetryNs: failureTimeoutNs, firstStateAttempts };
}

/** The run-wide pool: `spares` brought up in the order given, pairings numbered 1, 2, ... */
function sparePool(spares: readonly string[]): PairingPool {
  const left = [...spares];
  let next = 1;
  return { takeSpare: () => left.shift(), newPairing: () => next++ };
}

interface QueuedInput<Message, Content> {
  readonly host: string;
  readonly input: PairingInput;
  readonly message?: { readonly from: string; readonly message: Message };
  /** The heartbeat content of a `heartbeat` input, with a heartbeat format. */
  readonly content?: Content;
}

interface DrivenHost<Message, Content> {
  readonly lifecycle: PairingLifecycle;
  readonly stream: HostStream<Message, Content>;
  readonly timers: Map<PairingTimer, Cancellable>;
}

export class PairingDriver<Message, Content = undefined> {
  private readonly hosts = new Map<string, DrivenHost<Message, Content>>();
  private readonly queue: QueuedInput<Message, Content>[] = [];
  private draining = false;

  constructor(
    private readonly context: DriverWorld,
    private readonly options: PairingDriverOptions<Message, Content>,
  ) {
    const pool = sparePool(context.spareHosts);
    for (const host of [...context.replicaHosts, ...context.spareHosts]) this.addHost(host, pool);
  }

  /**
   * Starts pairing 0 on the first two replica hosts: the primary (its stream boots, its lifecycle
   * claims the service and starts watching, its stream starts), then the backup.
   */
  start(): void {
    const [primary, backup] = this.context.replicaHosts;
    if (primary === undefined || backup === undefined) throw new Error(`a pairing needs two replica hosts, got ${this.context.replicaHosts.length}`);
    const primaryStream = this.driven(primary).stream;
    primaryStream.boot('primary');
    this.input(primary, { kind: 'boot-primary', backup });
    primaryStream.started?.();
    const backupStream = this.driven(backup).stream;
    backupStream.boot('backup');
    this.input(backup, { kind: 'boot-backup', primary });
    backupStream.started?.();
  }

  /** The lifecycle of `host`. */
  lifecycleOf(host: string): PairingLifecycle {
    return this.driven(host).lifecycle;
  }

  /** Gives `host`'s lifecycle an input (queued behind the one being carried out, if any). */
  input(host: string, input: PairingInput, message?: { readonly from: string; readonly message: Message }): void {
    this.enqueue(message === undefined ? { host, input } : { host, input, message });
  }

  private enqueue(queued: QueuedInput<Message, Content>): void {
    this.queue.push(queued);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) this.run(next);
    } finally {
      this.draining = false;
    }
  }

  private crashed(host: string): boolean {
    return this.context.network.isCrashed(host);
  }

  private driven(host: string): DrivenHost<Message, Content> {
    const driven = this.hosts.get(host);
    if (driven === undefined) throw new Error(`pairing driver: ${host} is not a replica or spare host`);
    return driven;
  }

  private addHost(host: string, pool: PairingPool): void {
    const lifecycle = new PairingLifecycle({ ...this.options.settings, host, serviceFlag: this.context.flag, pool });
    const stream = this.options.stream(this.port(host, lifecycle));
    if (this.options.heartbeat !== undefined && (stream.heartbeatContent === undefined || stream.heartbeatHeard === undefined)) throw new Error(`pairing driver: ${host}'s stream has a heartbeat format but no heartbeatContent or heartbeatHeard`);
    this.hosts.set(host, { lifecycle, stream, timers: new Map() });
    const { network } = this.context;
    network.listen(host, 'heartbeat', (delivery) => this.onHeartbeatDelivery(host, delivery));
    for (const channel of this.options.channels) network.listen(host, channel, (delivery) => this.onStreamDelivery(host, channel, delivery));
  }

  private onHeartbeatDelivery(host: string, delivery: { readonly from: string; readonly bytes: Uint8Array }): void {
    const format = this.options.heartbeat;
    if (format === undefined) return this.input(host, { kind: 'heartbeat', from: delivery.from, heartbeat: decodePairingHeartbeat(delivery.bytes) });
    const { heartbeat, content } = format.decode(delivery.bytes);
    this.enqueue({ host, input: { kind: 'heartbeat', from: delivery.from, heartbeat }, content });
  }

  private encodeHeartbeat(stream: HostStream<Message, Content>, heartbeat: PairingHeartbeat): Uint8Array {
    const format = this.options.heartbeat;
    return format === undefined ? encodePairingHeartbeat(heartbeat) : format.encode(heartbeat, stream.heartbeatContent!());
  }

  private onStreamDelivery(host: string, channel: string, delivery: { readonly from: string; readonly bytes: Uint8Array }): void {
    const envelope = this.options.decode(channel, delivery.bytes);
    this.input(host, { kind: 'stream-message', from: delivery.from, pairing: envelope.pairing, firstState: envelope.firstState }, { from: delivery.from, message: envelope.message });
  }

  private port(host: string, lifecycle: PairingLifecycle): StreamPort {
    const { context } = this;
    return {
      host,
      get nowNs() {
        return context.sim.nowNs;
      },
      lifecycle,
      send: (to, channel, bytes) => {
        if (!this.crashed(host)) context.network.send(host, to, channel, bytes);
      },
      timer: (delayNs, action) => context.sim.timer(delayNs, () => {
        if (!this.crashed(host)) action();
      }),
      declare: (event) => context.declare(event),
      tell: (input) => this.input(host, input),
    };
  }

  /**
   * `host`'s storage client as the go-live retries use it: the storage client's timeouts are timers
   * that outlive a crash, so a host that crashed while it asked would go on asking (sends the
   * network drops) and its attempts would count in the strategy's figures. A crashed host asks
   * nothing more, and its pending decision ends there: no answer, no count.
   */
  private liveStorageClient(host: string): Pick<StorageClient, 'testAndSet'> {
    const client = this.context.storageClient(host);
    return {
      testAndSet: (flag, done) => client.testAndSet(flag, (result) => {
        if (!this.crashed(host)) done(result);
      }),
    };
  }

  private run(queued: QueuedInput<Message, Content>): void {
    if (this.crashed(queued.host)) return;
    const driven = this.driven(queued.host);
    const effects = driven.lifecycle.step(queued.input, this.context.sim.nowNs);
    for (const effect of effects) {
      if (this.crashed(queued.host)) return;
      this.carryOut(queued, driven, effect);
    }
  }

  private carryOut(queued: QueuedInput<Message, Content>, driven: DrivenHost<Message, Content>, effect: PairingEffect): void {
    const { context } = this;
    const { host } = queued;
    switch (effect.kind) {
      case 'send-heartbeat':
        return context.network.send(host, effect.to, 'heartbeat', this.encodeHeartbeat(driven.stream, effect.heartbeat));
      case 'set-timer': {
        driven.timers.get(effect.name)?.cancel();
        const name = effect.name;
        driven.timers.set(name, context.sim.timer(effect.delayNs, () => {
          driven.timers.delete(name);
          this.input(host, { kind: 'timer', name });
        }));
        return;
      }
      case 'cancel-timer':
        driven.timers.get(effect.name)?.cancel();
        driven.timers.delete(effect.name);
        return;
      case 'ask-test-and-set':
        return testAndSetWithRetry(this.liveStorageClient(host), effect.flag, effect.attempts, (outcome) => {
          this.options.countTestAndSetAttempts?.(outcome.attempts);
          this.input(host, { kind: 'test-and-set', outcome });
        });
      case 'declare':
        return context.declare(effect.event);
      case 'claim-service': {
        const claim = context.network.claimService(context.service, host);
        if (claim.host !== host) throw new Error(`service ${context.service} claimed for ${claim.host}, expected ${host}`);
        return;
      }
      case 'stream':
        if (effect.call.kind === 'heartbeat-heard') {
          if (this.options.heartbeat !== undefined) driven.stream.heartbeatHeard!(queued.content as Content);
          return;
        }
        return driven.stream.call(effect.call, effect.call.kind === 'deliver' || effect.call.kind === 'adopt' ? queued.message : undefined);
    }
  }
}
