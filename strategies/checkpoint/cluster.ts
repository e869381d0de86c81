/**
 * One run of the checkpoint strategy: the replicas' roles by host, the network listeners that
 * route checkpoint, ack and heartbeat messages to them, and the transitions between roles (a
 * backup promoted to primary, a spare brought up as a new backup). Every host listens once, for the
 * whole run, and a message goes to whatever role the host plays at the time.
 */
import { pairingFlag } from '../shared/pairing.ts';
import type { Delivery } from '../../harness/net/types.ts';
import type { StrategyContext } from '../types.ts';
import { takeOverService } from '../shared/go-live.ts';
import { BackupRole } from './backup-role.ts';
import { CheckpointFigures } from './figures.ts';
import { CHANNEL_ACK, CHANNEL_HEARTBEAT, CHANNEL_REPLICATION, decodeAck, decodeCheckpoint, decodeHeartbeat } from './messages.ts';
import type { CheckpointOptions } from './parameters.ts';
import { PrimaryRole } from './primary-role.ts';

/** Which mechanisms a variant keeps (the registered mutant leaves one out). */
export interface CheckpointVariant {
  /** Output buffering: an output leaves only once the checkpoint that covers it is acknowledged. */
  readonly outputBuffering: boolean;
}

/** Sync points are numbered per pairing, so that two pairings never compare the same number. */
const PAIRING_STRIDE = 2 ** 32;

export class CheckpointCluster {
  readonly figures = new CheckpointFigures();
  private readonly roles = new Map<string, PrimaryRole | BackupRole>();
  private readonly spares: string[];
  private nextPairing = 1;

  constructor(
    readonly context: StrategyContext,
    readonly options: CheckpointOptions,
    readonly variant: CheckpointVariant,
  ) {
    this.spares = [...context.spareHosts];
    for (const host of [...context.replicaHosts, ...context.spareHosts]) this.listen(host);
  }

  /** Boots the primary, starts the (machine-less until the first checkpoint) backup, gives the service to the primary. */
  start(): void {
    const [primaryHost, backupHost] = this.context.replicaHosts;
    if (primaryHost === undefined || backupHost === undefined) throw new Error('checkpoint needs two replica hosts');
    const primary = PrimaryRole.boot(this, primaryHost, backupHost);
    const backup = new BackupRole(this, backupHost, primaryHost, 0, true);
    this.roles.set(primaryHost, primary);
    this.roles.set(backupHost, backup);
    takeOverService(this.context.network, this.context.service, primaryHost);
    this.context.declare({ kind: 'go-live', host: primaryHost });
    this.context.declare({ kind: 'protected', host: primaryHost });
    primary.start();
    backup.start();
  }

  /** A fresh number for a new primary-backup pairing. */
  newPairing(): number {
    return this.nextPairing++;
  }

  /**
   * The test-and-set flag that decides failures within pairing `pairing`. Each pairing gets its own
   * flag (as in vmft): re-arming one shared flag once a new backup is up would let the loser of the
   * previous decision, cut off by a partition and still running, win it later. Pairing 0 uses the
   * service's flag itself.
   */
  flagOf(pairing: number): string {
    return pairingFlag(this.context.flag, pairing);
  }

  /** Declares that the machine on `host` is exactly at checkpoint `sequence` of pairing `pairing`. */
  declareSyncPoint(host: string, pairing: number, sequence: number): void {
    if (sequence >= PAIRING_STRIDE) throw new RangeError(`checkpoint ${sequence} exceeds 2^32`);
    this.context.declare({ kind: 'sync-point', host, point: pairing * PAIRING_STRIDE + sequence });
  }

  /** A backup that won test-and-set becomes the primary: it owns the service from now on. */
  promote(backup: BackupRole): void {
    const primary = PrimaryRole.promote(this, backup);
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
      if (role instanceof PrimaryRole) role.onPrimaryAck(delivery.from, decodeAck(delivery.bytes));
    });
    network.listen(host, CHANNEL_HEARTBEAT, (delivery) => {
      const role = this.roles.get(host);
      const heartbeat = decodeHeartbeat(delivery.bytes);
      if (role instanceof PrimaryRole) role.onPrimaryHeartbeat(delivery.from, heartbeat);
      else if (role instanceof BackupRole) role.onBackupHeartbeat(delivery.from, heartbeat);
    });
  }

  /** A checkpoint; the first (full) one of a new pairing on a spare makes that spare a backup. */
  private onReplication(host: string, delivery: Delivery): void {
    const message = decodeCheckpoint(delivery.bytes);
    let role = this.roles.get(host);
    if (role === undefined) {
      if (message.sequence !== 1 || this.crashed(host)) return;
      const backup = new BackupRole(this, host, delivery.from, message.pairing, false);
      this.roles.set(host, backup);
      backup.start();
      role = backup;
    }
    if (role instanceof BackupRole) role.onBackupCheckpoint(delivery.from, message);
  }
}
