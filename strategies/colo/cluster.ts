/**
 * One run of the COLO strategy on the replication core (strategies/core): each host's stream — its
 * primary or backup role — routed forwarded frames, output digests, checkpoints, comparison
 * answers and acks. The core owns the pairing: heartbeats, failure detection, test-and-set and
 * promotion. There is one pairing and no re-protection (no spares): after a failover the new
 * primary runs alone.
 */
import { type HostStream, PairingDriver, pairingSettings, type StreamEnvelope, type StreamPort } from '../core/driver.ts';
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

  constructor(
    readonly context: StrategyContext,
    readonly options: ColoOptions,
    readonly variant: ColoVariant,
  ) {
    this.driver = new PairingDriver<ColoMessage>(context, {
      channels: [CHANNEL_REPLICATION, CHANNEL_ACK],
      decode: (channel, bytes): StreamEnvelope<ColoMessage> => {
        const message = channel === CHANNEL_ACK ? decodeAck(bytes) : decodeReplication(bytes);
        return { pairing: message.pairing, firstState: false, message };
      },
      // colo declares no spare, so no first state is ever sent (one attempt, never used).
      settings: pairingSettings(options, 1),
      stream: (port) => new ColoHost(this, port),
      countTestAndSetAttempts: (attempts) => (this.figures.testAndSetAttempts += attempts),
    });
  }

  /** Boots both replicas' guests from the same image, gives the service to the primary. */
  start(): void {
    this.driver.start();
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

  boot(role: 'primary' | 'backup'): void {
    if (role === 'primary') this.primary = PrimaryRole.boot(this.cluster, this.port);
    else this.backup = BackupRole.boot(this.cluster, this.port);
  }

  /** The initial primary's guest and its ticks start once its lifecycle watches the backup. */
  started(): void {
    this.primary?.start();
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
      case 'reprotected':
        // Re-protection is done: colo keeps no figure of it.
        return;
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
