/**
 * One run of the application-level RSM: the replicas' roles by host, the network listeners that
 * route operation batches, acks and heartbeats to them, and the promotion of a backup. There is no
 * re-protection: after a failover the new primary runs alone (bringing a new backup up would need
 * a machine snapshot, as checkpoint's first full checkpoint, and then operations from there).
 */
import { pairingFlag } from '../shared/pairing.ts';
import type { StrategyContext } from '../types.ts';
import { takeOverService } from '../shared/go-live.ts';
import { BackupRole } from './backup-role.ts';
import { AppRsmFigures } from './figures.ts';
import { CHANNEL_ACK, CHANNEL_HEARTBEAT, CHANNEL_REPLICATION, decodeAck, decodeHeartbeat, decodeOperationBatch } from './messages.ts';
import type { AppRsmOptions } from './parameters.ts';
import { PrimaryRole } from './primary-role.ts';

/** Which mechanisms a variant keeps (the registered mutant leaves one out). */
export interface AppRsmVariant {
  /** The output rule: a reply leaves only once the backup acknowledged its operation. */
  readonly replyAfterAck: boolean;
}

export class AppRsmCluster {
  readonly figures = new AppRsmFigures();
  private readonly roles = new Map<string, PrimaryRole | BackupRole>();

  constructor(
    readonly context: StrategyContext,
    readonly options: AppRsmOptions,
    readonly variant: AppRsmVariant,
  ) {
    for (const host of context.replicaHosts) this.listen(host);
  }

  /** Boots both replicas' guests, gives the service to the primary. */
  start(): void {
    const [primaryHost, backupHost] = this.context.replicaHosts;
    if (primaryHost === undefined || backupHost === undefined) throw new Error('app-rsm needs two replica hosts');
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

  /**
   * The test-and-set flag that decides failures of a pairing. There is one pairing (no
   * re-protection), so it is the service's flag; the per-pairing naming of vmft and checkpoint
   * would apply as soon as a new backup is brought up.
   */
  flagOf(pairing: number): string {
    return pairingFlag(this.context.flag, pairing);
  }

  /**
   * Whether operation `number` is a sync point: both replicas then digest their state right after
   * its reply (every `sync-every` operations: digesting the state is the harness's cost, not the
   * strategy's, and a digest per operation dominates a run's wall time).
   */
  isSyncPoint(number: number): boolean {
    return number % this.options.syncEvery === 0;
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
      if (role instanceof BackupRole) role.onBackupBatch(delivery.from, decodeOperationBatch(delivery.bytes));
    });
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
}
