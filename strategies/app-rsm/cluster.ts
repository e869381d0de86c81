/**
 * One run of the application-level RSM on the replication core (strategies/core): each host's
 * stream — its primary or backup role — and the run-wide pool of spares and pairing numbers. The
 * core owns the pairings: heartbeats, failure detection, test-and-set, promotion and bringing a
 * spare up as a new backup; this file only says what app-rsm does at each of those moments.
 */
import { PairingDriver, pairingSettings, type StreamEnvelope, type StreamPort } from '../core/driver.ts';
import { RoleSwitchingStream } from '../core/role-switching.ts';
import type { StreamCall } from '../core/types.ts';
import type { StrategyContext } from '../types.ts';
import { BackupRole } from './backup-role.ts';
import { AppRsmFigures } from './figures.ts';
import { CHANNEL_ACK, CHANNEL_REPLICATION, type OperationAck, type ReplicationMessage, decodeAck, decodeReplication } from './messages.ts';
import type { AppRsmOptions } from './parameters.ts';
import { PrimaryRole } from './primary-role.ts';

/** Which mechanisms a variant keeps (the registered mutant leaves one out). */
export interface AppRsmVariant {
  /** The output rule: a reply leaves only once the backup acknowledged its operation. */
  readonly replyAfterAck: boolean;
}

/** A message of app-rsm's stream: on `replication` operations or a first state, on `ack` an ack. */
type AppRsmMessage = ReplicationMessage | { readonly kind: 'ack'; readonly ack: OperationAck };

export class AppRsmCluster {
  readonly figures = new AppRsmFigures();
  private readonly driver: PairingDriver<AppRsmMessage>;

  constructor(
    readonly context: StrategyContext,
    readonly options: AppRsmOptions,
    readonly variant: AppRsmVariant,
  ) {
    this.driver = new PairingDriver<AppRsmMessage>(context, {
      channels: [CHANNEL_REPLICATION, CHANNEL_ACK],
      decode: (channel, bytes) => decodeMessage(channel, bytes),
      settings: pairingSettings(options, options.snapshotAttempts),
      stream: (port) => new AppRsmHost(this, port),
      countTestAndSetAttempts: (attempts) => (this.figures.testAndSetAttempts += attempts),
    });
  }

  /** Boots both replicas' guests, gives the service to the primary. */
  start(): void {
    this.driver.start();
  }

  /**
   * Whether operation `number` is a sync point: both replicas then digest their state right after
   * its reply (every `sync-every` operations: digesting the state is the harness's cost, not the
   * strategy's, and a digest per operation dominates a run's wall time).
   */
  isSyncPoint(number: number): boolean {
    return number % this.options.syncEvery === 0;
  }

  figuresReport(): Record<string, number | null> {
    return this.figures.report(this.context.sim.nowNs / 1e9);
  }
}

function decodeMessage(channel: string, bytes: Uint8Array): StreamEnvelope<AppRsmMessage> {
  if (channel === CHANNEL_ACK) {
    const ack = decodeAck(bytes);
    return { pairing: ack.pairing, firstState: false, message: { kind: 'ack', ack } };
  }
  const message = decodeReplication(bytes);
  if (message.kind === 'first-state') return { pairing: message.state.pairing, firstState: true, message };
  return { pairing: message.batch.pairing, firstState: false, message };
}

/** One host's stream: whichever role the host plays now. */
class AppRsmHost extends RoleSwitchingStream<AppRsmMessage, PrimaryRole, BackupRole> {
  constructor(
    private readonly cluster: AppRsmCluster,
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

  protected override adopt(call: Extract<StreamCall, { kind: 'adopt' }>, firstState: AppRsmMessage): BackupRole {
    if (firstState.kind !== 'first-state') throw new Error(`${this.port.host}: adopted pairing ${call.pairing} without a first state`);
    return BackupRole.adopt(this.cluster, this.port, firstState.state);
  }

  protected override promote(backup: BackupRole): PrimaryRole {
    const primary = PrimaryRole.promote(this.cluster, this.port, backup.vmHost, backup.live);
    this.cluster.figures.failovers++;
    return primary;
  }

  protected override deliver(message: AppRsmMessage): void {
    if (message.kind === 'ack') return this.primary?.onAck(message.ack);
    if (message.kind === 'operations') return this.backup?.onBatch(message.batch);
    this.backup?.onFirstState(message.state);
  }
}
