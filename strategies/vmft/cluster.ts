/**
 * One VM-FT run: the replicas' roles by host, the network listeners that route replication, ack
 * and heartbeat messages to them, and the transitions between roles (a backup promoted to primary,
 * a spare brought up as a new backup). Every host listens once, for the whole run, and the message
 * goes to whatever role the host plays at the time.
 */
import { pairingFlag } from '../shared/pairing.ts';
import type { Delivery } from '../../harness/net/types.ts';
import type { StrategyContext } from '../types.ts';
import { takeOverService } from '../shared/go-live.ts';
import { BackupRole } from './backup-role.ts';
import { VmftFigures } from './figures.ts';
import { CHANNEL_ACK, CHANNEL_HEARTBEAT, CHANNEL_REPLICATION, type SnapshotMessage, decodeAck, decodeHeartbeat, decodeReplication } from './messages.ts';
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

/** Sync points are numbered per epoch, so that two pairings never compare the same count. */
const EPOCH_STRIDE = 2 ** 40;

export class VmftCluster {
  readonly figures = new VmftFigures();
  private readonly roles = new Map<string, PrimaryRole | BackupRole>();
  private readonly spares: string[];
  private nextEpoch = 1;

  constructor(
    readonly context: StrategyContext,
    readonly options: VmftOptions,
    readonly variant: VmftVariant,
  ) {
    this.spares = [...context.spareHosts];
    for (const host of [...context.replicaHosts, ...context.spareHosts]) this.listen(host);
  }

  /** Boots the primary and the backup from the image, and gives the service to the primary. */
  start(): void {
    const [primaryHost, backupHost] = this.context.replicaHosts;
    if (primaryHost === undefined || backupHost === undefined) throw new Error('vmft needs two replica hosts');
    const primary = PrimaryRole.boot(this, primaryHost, backupHost);
    const backup = new BackupRole(this, backupHost, primaryHost, 0, (platform) => this.context.bootMachine(platform), { retired: 0, pendingDisk: [], timerCompare: [] }, true);
    this.roles.set(primaryHost, primary);
    this.roles.set(backupHost, backup);
    takeOverService(this.context.network, this.context.service, primaryHost);
    this.context.declare({ kind: 'go-live', host: primaryHost });
    this.context.declare({ kind: 'protected', host: primaryHost });
    primary.start();
    backup.start();
  }

  /** A fresh epoch number for a new primary-backup pairing. */
  newEpoch(): number {
    return this.nextEpoch++;
  }

  /**
   * The test-and-set flag that decides failures within epoch `epoch`. Each primary-backup pairing
   * gets its own flag (a generation number): re-arming one shared flag once a new backup is up
   * would let the loser of the previous decision (a backup cut off by a partition, still running)
   * win it later and go live beside the primary. Epoch 0 uses the service's flag itself.
   */
  flagOf(epoch: number): string {
    return pairingFlag(this.context.flag, epoch);
  }

  /** Declares that the machine on `host` is at `retired` of epoch `epoch`'s execution. */
  declareSyncPoint(host: string, epoch: number, retired: number): void {
    if (retired >= EPOCH_STRIDE) throw new RangeError(`sync point at instruction ${retired} exceeds 2^40`);
    this.context.declare({ kind: 'sync-point', host, point: epoch * EPOCH_STRIDE + retired });
  }

  /** A backup that won test-and-set becomes the primary: it owns the service from now on. */
  promote(backup: BackupRole): void {
    const primary = PrimaryRole.promote(this, backup.vmHost, backup.policy);
    this.roles.set(backup.host, primary);
    this.figures.failovers++;
    this.onPrimaryAlone(primary);
  }

  /** A primary runs without a backup: re-protect it on a spare, if one is left. */
  onPrimaryAlone(primary: PrimaryRole): void {
    const spare = this.spares.shift();
    if (spare !== undefined) primary.reprotect(spare);
  }

  /** Whether `host` crashed (fail-stop): its timers may still fire, but it runs no code. */
  crashed(host: string): boolean {
    return this.context.network.isCrashed(host);
  }

  figuresReport(): Record<string, number | null> {
    return this.figures.report(this.context.sim.nowNs / 1e9);
  }

  private listen(host: string): void {
    const { network } = this.context;
    network.listen(host, CHANNEL_REPLICATION, (delivery) => this.onReplication(host, delivery));
    network.listen(host, CHANNEL_ACK, (delivery) => {
      const role = this.roles.get(host);
      if (role instanceof PrimaryRole) role.onPrimaryLogAck(delivery.from, decodeAck(delivery.bytes));
    });
    network.listen(host, CHANNEL_HEARTBEAT, (delivery) => {
      const role = this.roles.get(host);
      const heartbeat = decodeHeartbeat(delivery.bytes);
      if (role instanceof PrimaryRole) role.onPrimaryHeartbeat(delivery.from, heartbeat);
      else if (role instanceof BackupRole) role.onBackupHeartbeat(delivery.from, heartbeat);
    });
  }

  private onReplication(host: string, delivery: Delivery): void {
    const message = decodeReplication(delivery.bytes);
    const role = this.roles.get(host);
    if (message.type === 'log') {
      if (role instanceof BackupRole) role.onBackupLog(delivery.from, message);
      return;
    }
    if (role === undefined) return this.startBackupFromSnapshot(host, delivery.from, message);
    if (role instanceof BackupRole) role.onBackupSnapshotAgain(delivery.from, message.epoch);
  }

  /** Re-protection, on the spare: restore the primary's machine and follow its log from there. */
  private startBackupFromSnapshot(host: string, primaryHost: string, message: SnapshotMessage): void {
    const { snapshot } = message;
    const retired = snapshot.harts.reduce((sum, hart) => sum + hart.retired, 0);
    const timerCompare = snapshot.devices.timerCompare.map(([low, high], hart) => [hart, high * 2 ** 32 + low] as const);
    const backup = new BackupRole(this, host, primaryHost, message.epoch, (platform) => this.context.restoreMachine(platform, snapshot), {
      retired,
      pendingDisk: message.pendingDisk,
      timerCompare,
    }, false);
    this.roles.set(host, backup);
    backup.start();
  }
}
