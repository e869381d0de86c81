/**
 * One run of the COLO strategy: the replicas' roles by host, the network listeners that route
 * forwarded frames, output digests, checkpoints, comparison answers, acks and heartbeats to them,
 * and the promotion of a backup. There is one pairing and no re-protection (no spares): after a failover the new primary
 * runs alone, as app-rsm's does.
 */
import type { StrategyContext } from '../types.ts';
import { takeOverService } from '../shared/go-live.ts';
import { pairingFlag } from '../shared/pairing.ts';
import { BackupRole } from './backup-role.ts';
import { ColoFigures } from './figures.ts';
import { CHANNEL_ACK, CHANNEL_HEARTBEAT, CHANNEL_REPLICATION, decodeAck, decodeHeartbeat, decodeReplication } from './messages.ts';
import type { ColoOptions } from './parameters.ts';
import { PrimaryRole } from './primary-role.ts';

/** Which mechanisms a variant keeps (the registered mutant leaves one out). */
export interface ColoVariant {
  /** Output comparison: an output leaves only once the backup matched it with its own (or a checkpoint covered it). */
  readonly compare: boolean;
}

/** Sync points are numbered per pairing, so that two pairings never compare the same number. */
const PAIRING_STRIDE = 2 ** 32;

export class ColoCluster {
  readonly figures = new ColoFigures();
  private readonly roles = new Map<string, PrimaryRole | BackupRole>();

  constructor(
    readonly context: StrategyContext,
    readonly options: ColoOptions,
    readonly variant: ColoVariant,
  ) {
    for (const host of context.replicaHosts) this.listen(host);
  }

  /** Boots both replicas' guests from the same image, gives the service to the primary. */
  start(): void {
    const [primaryHost, backupHost] = this.context.replicaHosts;
    if (primaryHost === undefined || backupHost === undefined) throw new Error('colo needs two replica hosts');
    const primary = PrimaryRole.boot(this, primaryHost, backupHost);
    const backup = new BackupRole(this, backupHost, primaryHost, 0);
    this.roles.set(primaryHost, primary);
    this.roles.set(backupHost, backup);
    takeOverService(this.context.network, this.context.service, primaryHost);
    this.context.declare({ kind: 'go-live', host: primaryHost });
    this.context.declare({ kind: 'protected', host: primaryHost });
    primary.start();
    backup.start();
  }

  /** The test-and-set flag of a pairing (one pairing here: the service's flag). */
  flagOf(pairing: number): string {
    return pairingFlag(this.context.flag, pairing);
  }

  /** Declares that the machine on `host` is exactly at checkpoint `epoch` of pairing `pairing`. */
  declareSyncPoint(host: string, pairing: number, epoch: number): void {
    if (epoch >= PAIRING_STRIDE) throw new RangeError(`checkpoint ${epoch} exceeds 2^32`);
    this.context.declare({ kind: 'sync-point', host, point: pairing * PAIRING_STRIDE + epoch });
  }

  /** A backup that won test-and-set becomes the primary, alone. */
  promote(backup: BackupRole): void {
    this.roles.set(backup.host, PrimaryRole.promote(this, backup.host, backup.vmHost, backup.live));
    this.figures.failovers++;
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
    network.listen(host, CHANNEL_REPLICATION, (delivery) => {
      const role = this.roles.get(host);
      if (!(role instanceof BackupRole)) return;
      const message = decodeReplication(delivery.bytes);
      if (message.type === 'forward') role.onBackupForward(delivery.from, message);
      else if (message.type === 'compare') role.onBackupCompare(delivery.from, message);
      else role.onBackupCheckpoint(delivery.from, message);
    });
    network.listen(host, CHANNEL_ACK, (delivery) => {
      const role = this.roles.get(host);
      if (!(role instanceof PrimaryRole)) return;
      const message = decodeAck(delivery.bytes);
      if (message.type === 'compared') role.onPrimaryCompared(delivery.from, message);
      else role.onPrimaryCheckpointAck(delivery.from, message);
    });
    network.listen(host, CHANNEL_HEARTBEAT, (delivery) => {
      const role = this.roles.get(host);
      const heartbeat = decodeHeartbeat(delivery.bytes);
      if (role instanceof PrimaryRole) role.onPrimaryHeartbeat(delivery.from, heartbeat);
      else if (role instanceof BackupRole) role.onBackupHeartbeat(delivery.from, heartbeat);
    });
  }
}
