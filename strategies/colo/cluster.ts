/**
 * One run of the COLO strategy on the replication core (strategies/core): each host's stream — its
 * primary or backup role — routed forwarded frames, output digests, checkpoints, comparison
 * answers and acks. The core owns the pairing: heartbeats, failure detection, test-and-set and
 * promotion. There is one pairing and no re-protection (no spares): after a failover the new
 * primary runs alone.
 */
import { PairingDriver, pairingSettings, type StreamEnvelope, type StreamPort } from '../core/driver.ts';
import { RoleSwitchingStream } from '../core/role-switching.ts';
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

/** One host's stream: whichever role the host plays now (colo has no spares: it never adopts a pairing). */
class ColoHost extends RoleSwitchingStream<ColoMessage, PrimaryRole, BackupRole> {
  constructor(
    private readonly cluster: ColoCluster,
    port: StreamPort,
  ) {
    super(port);
  }

  protected override bootPrimary(): PrimaryRole {
    return PrimaryRole.boot(this.cluster, this.port);
  }

  protected override bootBackup(): BackupRole {
    return BackupRole.boot(this.cluster, this.port);
  }

  protected override promote(backup: BackupRole): PrimaryRole {
    const primary = PrimaryRole.promote(this.cluster, this.port, backup.vmHost, backup.live);
    this.cluster.figures.failovers++;
    return primary;
  }

  protected override deliver(message: ColoMessage): void {
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
