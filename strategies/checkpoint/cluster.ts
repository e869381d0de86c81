/**
 * One run of the checkpoint strategy on the replication core (strategies/core): each host's
 * stream — its primary or backup role — and the run-wide pool of spares and pairing numbers. The
 * core owns the pairings: heartbeats, failure detection, test-and-set, promotion and bringing a
 * spare up as a new backup; this file only says what checkpointing does at each of those moments.
 */
import { PairingDriver, pairingSettings, type StreamEnvelope, type StreamPort } from '../core/driver.ts';
import { RoleSwitchingStream } from '../core/role-switching.ts';
import type { StrategyContext } from '../types.ts';
import { BackupRole } from './backup-role.ts';
import { CheckpointFigures } from './figures.ts';
import { CHANNEL_ACK, CHANNEL_REPLICATION, type CheckpointAck, type CheckpointMessage, decodeAck, decodeCheckpoint } from './messages.ts';
import type { CheckpointOptions } from './parameters.ts';
import { PrimaryRole } from './primary-role.ts';

/** Which mechanisms a variant keeps (the registered mutant leaves one out). */
export interface CheckpointVariant {
  /** Output buffering: an output leaves only once the checkpoint that covers it is acknowledged. */
  readonly outputBuffering: boolean;
}

/** A message of checkpoint's stream: on `replication` a checkpoint, on `ack` an ack. */
type CheckpointStreamMessage = { readonly kind: 'checkpoint'; readonly checkpoint: CheckpointMessage } | { readonly kind: 'ack'; readonly ack: CheckpointAck };

export class CheckpointCluster {
  readonly figures = new CheckpointFigures();
  private readonly driver: PairingDriver<CheckpointStreamMessage>;

  constructor(
    readonly context: StrategyContext,
    readonly options: CheckpointOptions,
    readonly variant: CheckpointVariant,
  ) {
    this.driver = new PairingDriver<CheckpointStreamMessage>(context, {
      channels: [CHANNEL_REPLICATION, CHANNEL_ACK],
      decode: (channel, bytes) => decodeMessage(channel, bytes),
      settings: pairingSettings(options, options.snapshotAttempts),
      stream: (port) => new CheckpointHost(this, port),
      countTestAndSetAttempts: (attempts) => (this.figures.testAndSetAttempts += attempts),
    });
  }

  /** Boots the primary, starts the (machine-less until the first checkpoint) backup, gives the service to the primary. */
  start(): void {
    this.driver.start();
  }

  figuresReport(): Record<string, number | null> {
    return this.figures.report(this.context.sim.nowNs / 1e9);
  }
}

/** A checkpoint's first of a pairing (always the full machine) is a new backup's first state. */
function decodeMessage(channel: string, bytes: Uint8Array): StreamEnvelope<CheckpointStreamMessage> {
  if (channel === CHANNEL_ACK) {
    const ack = decodeAck(bytes);
    return { pairing: ack.pairing, firstState: false, message: { kind: 'ack', ack } };
  }
  const checkpoint = decodeCheckpoint(bytes);
  return { pairing: checkpoint.pairing, firstState: checkpoint.sequence === 1, message: { kind: 'checkpoint', checkpoint } };
}

/**
 * One host's stream: whichever role the host plays now. A backup has nothing to finish before it
 * goes live: the last applied checkpoint is all there is to go live from.
 */
class CheckpointHost extends RoleSwitchingStream<CheckpointStreamMessage, PrimaryRole, BackupRole> {
  constructor(
    private readonly cluster: CheckpointCluster,
    port: StreamPort,
  ) {
    super(port);
  }

  protected override bootPrimary(): PrimaryRole {
    return PrimaryRole.boot(this.cluster, this.port);
  }

  /** Machine-less until the first checkpoint arrives. */
  protected override bootBackup(): BackupRole {
    return new BackupRole(this.cluster, this.port);
  }

  /** Machine-less too: the first checkpoint, delivered next, is the whole machine. */
  protected override adopt(): BackupRole {
    return new BackupRole(this.cluster, this.port);
  }

  protected override promote(backup: BackupRole): PrimaryRole {
    const primary = PrimaryRole.promote(this.cluster, this.port, backup);
    this.cluster.figures.failovers++;
    return primary;
  }

  protected override deliver(message: CheckpointStreamMessage): void {
    if (message.kind === 'ack') return this.primary?.onAck(message.ack);
    this.backup?.onCheckpoint(message.checkpoint);
  }
}
