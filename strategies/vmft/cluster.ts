/**
 * One VM-FT run on the replication core (strategies/core): each host's stream — its primary or
 * backup role — and the run-wide pool of spares and pairing numbers. The core owns the pairings:
 * heartbeats (in vmft's format, which also carries what the backup received), failure detection,
 * test-and-set, promotion and bringing a spare up as a new backup; this file only says what
 * deterministic replay does at each of those moments.
 */
import { PairingDriver, pairingSettings, type StreamEnvelope, type StreamPort } from '../core/driver.ts';
import { RoleSwitchingStream } from '../core/role-switching.ts';
import type { StreamCall } from '../core/types.ts';
import type { StrategyContext } from '../types.ts';
import { BackupRole } from './backup-role.ts';
import { VmftFigures } from './figures.ts';
import { CHANNEL_ACK, CHANNEL_REPLICATION, HEARTBEAT_FORMAT, type HeartbeatContent, type LogAck, type ReplicationMessage, decodeAck, decodeReplication } from './messages.ts';
import type { VmftOptions } from './parameters.ts';
import { PrimaryRole } from './primary-role.ts';

/** Which mechanisms a variant keeps (the registered mutants leave one out). */
export interface VmftVariant {
  /** The output rule: outputs wait for the backup's ack of the log up to them. */
  readonly outputRule: boolean;
  /** Going live (or on alone) only if test-and-set on the shared storage returns true. */
  readonly testAndSet: boolean;
  /**
   * A lie (mutant only): outputs leave once the log entries behind them are sent, not acknowledged,
   * and the primary itself declares that the backup holds what it sent.
   */
  readonly releaseOnSend?: boolean;
}

/** A message of vmft's stream: on `replication` a log batch or a new backup's snapshot, on `ack` an ack. */
type VmftMessage = ReplicationMessage | ({ readonly type: 'ack' } & LogAck);

export class VmftCluster {
  readonly figures = new VmftFigures();
  private readonly driver: PairingDriver<VmftMessage, HeartbeatContent>;

  constructor(
    readonly context: StrategyContext,
    readonly options: VmftOptions,
    readonly variant: VmftVariant,
  ) {
    this.driver = new PairingDriver<VmftMessage, HeartbeatContent>(context, {
      channels: [CHANNEL_REPLICATION, CHANNEL_ACK],
      decode: (channel, bytes) => decodeMessage(channel, bytes),
      settings: {
        ...pairingSettings(options, options.snapshotAttempts),
        backupGraceNs: options.backupGraceNs,
        // The snapshot leaves only after the copy pause: its bounded sends count from then.
        firstStateCountedFromSend: true,
        goLiveWithoutTestAndSet: !variant.testAndSet,
      },
      stream: (port) => new VmftHost(this, port),
      heartbeat: HEARTBEAT_FORMAT,
      countTestAndSetAttempts: (attempts) => (this.figures.testAndSetAttempts += attempts),
    });
  }

  /** Boots the primary and the backup from the image, and gives the service to the primary. */
  start(): void {
    this.driver.start();
  }

  figuresReport(): Record<string, number | null> {
    return this.figures.report(this.context.sim.nowNs / 1e9);
  }
}

/** A snapshot is a new backup's first state: a spare that gets one adopts its pairing. */
function decodeMessage(channel: string, bytes: Uint8Array): StreamEnvelope<VmftMessage> {
  if (channel === CHANNEL_ACK) {
    const ack = decodeAck(bytes);
    return { pairing: ack.pairing, firstState: false, message: { type: 'ack', ...ack } };
  }
  const message = decodeReplication(bytes);
  return { pairing: message.pairing, firstState: message.type === 'snapshot', message };
}

/**
 * One host's stream: whichever role the host plays now. Its heartbeats carry what the backup
 * received (`HeartbeatContent`), which the primary's retransmission reads.
 */
class VmftHost extends RoleSwitchingStream<VmftMessage, PrimaryRole, BackupRole, HeartbeatContent> {
  constructor(
    private readonly cluster: VmftCluster,
    port: StreamPort,
  ) {
    super(port);
  }

  protected override bootPrimary(): PrimaryRole {
    return PrimaryRole.boot(this.cluster, this.port);
  }

  /** Booted from the image like the primary; its guest waits for the log. */
  protected override bootBackup(): BackupRole {
    const { context } = this.cluster;
    return BackupRole.create(this.cluster, this.port, (platform) => context.bootMachine(platform), { retired: 0, pendingDisk: [], timerCompare: [] });
  }

  /** Re-protection, on the spare: restore the primary's machine and follow its log from there. */
  protected override adopt(call: Extract<StreamCall, { kind: 'adopt' }>, firstState: VmftMessage): BackupRole {
    if (firstState.type !== 'snapshot') throw new Error(`${this.port.host}: adopted pairing ${call.pairing} from a ${firstState.type} message`);
    const { context } = this.cluster;
    const { snapshot } = firstState;
    const retired = snapshot.harts.reduce((sum, hart) => sum + hart.retired, 0);
    const timerCompare = snapshot.devices.timerCompare.map(([low, high], hart) => [hart, high * 2 ** 32 + low] as const);
    return BackupRole.create(this.cluster, this.port, (platform) => context.restoreMachine(platform, snapshot), { retired, pendingDisk: firstState.pendingDisk, timerCompare });
  }

  /** The backup won: its machine and replay state become the primary's. */
  protected override promote(backup: BackupRole): PrimaryRole {
    this.cluster.figures.failovers++;
    return PrimaryRole.promote(this.cluster, this.port, backup.vmHost, backup.policy);
  }

  protected override deliver(message: VmftMessage): void {
    if (message.type === 'ack') return this.primary?.onAck(message);
    if (message.type === 'log') return this.backup?.onLog(message);
    this.backup?.onSnapshot();
  }

  heartbeatContent(): HeartbeatContent {
    return { receivedSequence: this.backup?.receivedSequence ?? 0 };
  }

  heartbeatHeard(content: HeartbeatContent): void {
    this.primary?.onBackupHeartbeat(content);
  }
}
