/**
 * One run of the COLO strategy on the replication core (strategies/core): each host's stream — its
 * primary or backup role — routed forwarded frames, output digests, checkpoints, comparison
 * answers and acks. The core owns the pairing: heartbeats, failure detection, test-and-set and
 * promotion. There is one pairing and no re-protection (no spares): after a failover the new
 * primary runs alone.
 */
import { type HostStream, PairingDriver, type StreamEnvelope, type StreamPort } from '../core/driver.ts';
import type { StreamCall } from '../core/types.ts';
import type { StrategyContext } from '../types.ts';
import { BackupRole } from './backup-role.ts';
import { ColoFigures } from './figures.ts';
import { type AckMessage, CHANNEL_ACK, CHANNEL_REPLICATION, type ReplicationMessage, decodeAck, decodeReplication } from './messages.ts';
import type { ColoOptions } from './parameters.ts';
import { PrimaryRole } from './primary-role.ts';

/** Which mechanisms a variant keeps (the registered mutant leaves one out). */
export interface ColoVariant {
  /** Output comparison: an output leaves only once the backup matched it with its own (or a checkpoint covered it). */
  readonly compare: boolean;
}

type ColoMessage = ReplicationMessage | AckMessage;

export class ColoCluster {
  readonly figures = new ColoFigures();
  private readonly driver: PairingDriver<ColoMessage>;
  private readonly hosts = new Map<string, ColoHost>();

  constructor(
    readonly context: StrategyContext,
    readonly options: ColoOptions,
    readonly variant: ColoVariant,
  ) {
    const spares = [...context.spareHosts];
    let nextPairing = 1;
    const pool = { takeSpare: () => spares.shift(), newPairing: () => nextPairing++ };
    this.driver = new PairingDriver<ColoMessage>(context, {
      channels: [CHANNEL_REPLICATION, CHANNEL_ACK],
      decode: (channel, bytes): StreamEnvelope<ColoMessage> => {
        const message = channel === CHANNEL_ACK ? decodeAck(bytes) : decodeReplication(bytes);
        return { pairing: message.pairing, firstState: false, message };
      },
      lifecycle: (host) => ({
        host,
        serviceFlag: context.flag,
        heartbeatNs: options.heartbeatNs,
        failureTimeoutNs: options.failureTimeoutNs,
        testAndSetAttempts: options.testAndSetAttempts,
        // No spares: never brought up (colo declares `spares: 0`); the bound is the lifecycle's default shape.
        firstStateRetryNs: options.failureTimeoutNs,
        firstStateAttempts: 1,
        pool,
      }),
      stream: (port) => {
        const host = new ColoHost(this, port);
        this.hosts.set(port.host, host);
        return host;
      },
      countTestAndSetAttempts: (attempts) => (this.figures.testAndSetAttempts += attempts),
    });
  }

  /** Boots both replicas' guests from the same image, gives the service to the primary. */
  start(): void {
    const [primaryHost, backupHost] = this.context.replicaHosts;
    if (primaryHost === undefined || backupHost === undefined) throw new Error('colo needs two replica hosts');
    const primary = this.hosts.get(primaryHost)!.bootPrimary();
    this.driver.input(primaryHost, { kind: 'boot-primary', backup: backupHost });
    primary.start();
    this.hosts.get(backupHost)!.bootBackup();
    this.driver.input(backupHost, { kind: 'boot-backup', primary: primaryHost });
  }

  figuresReport(): Record<string, number | null> {
    return this.figures.report(this.context.sim.nowNs / 1e9);
  }
}

/** One host's stream: whichever role the host plays now. */
class ColoHost implements HostStream<ColoMessage> {
  private primary: PrimaryRole | undefined;
  private backup: BackupRole | undefined;

  constructor(
    private readonly cluster: ColoCluster,
    private readonly port: StreamPort,
  ) {}

  bootPrimary(): PrimaryRole {
    this.primary = PrimaryRole.boot(this.cluster, this.port);
    return this.primary;
  }

  bootBackup(): void {
    this.backup = BackupRole.boot(this.cluster, this.port);
  }

  call(call: StreamCall, delivery: { readonly from: string; readonly message: ColoMessage } | undefined): void {
    switch (call.kind) {
      case 'deliver':
        return this.deliver(delivery!.message);
      case 'prepare-go-live':
        return this.backup!.prepareGoLive();
      case 'promote': {
        const backup = this.backup!;
        backup.promoted();
        this.backup = undefined;
        this.primary = PrimaryRole.promote(this.cluster, this.port, backup.vmHost, backup.live);
        this.cluster.figures.failovers++;
        return;
      }
      case 'backup-suspected':
        return this.primary!.backupSuspected();
      case 'go-alone':
        return this.primary!.goAlone();
      case 'halt':
        this.primary?.halt();
        this.backup?.halt();
        return;
      case 'adopt':
      case 'bring-up':
      case 'resend-first-state':
        throw new Error(`colo has no spares, yet the core asked ${this.port.host} to ${call.kind}`);
    }
  }

  private deliver(message: ColoMessage): void {
    switch (message.type) {
      case 'forward':
        return this.backup?.onForward(message);
      case 'compare':
        return this.backup?.onCompare(message);
      case 'checkpoint':
        return this.backup?.onCheckpoint(message);
      case 'compared':
        return this.primary?.onCompared(message);
      case 'checkpoint-ack':
        return this.primary?.onCheckpointAck(message);
    }
  }
}
