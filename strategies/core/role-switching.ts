/**
 * One host's replication stream as the role it plays now: nothing (a spare), a primary or a
 * backup. Every primary-backup strategy's host does the same with the core's calls — build a
 * primary or a backup at boot, a backup from a new pairing's first state, a primary from the
 * backup that won, and hand each call to whichever role the host plays — so that switch lives here
 * once; a strategy says only how its roles are built and where its messages go.
 */
import type { HostStream, StreamPort } from './driver.ts';
import type { StreamCall } from './types.ts';

/** What a primary role does for the core's calls; an optional one that is absent is noted. */
export interface PrimaryStreamRole {
  /** The initial primary's machine starts, once its lifecycle watches the backup (absent: nothing to start). */
  start?(): void;
  /** The primary suspects its backup while test-and-set decides (absent: it goes on shipping, its outputs held). */
  backupSuspected?(): void;
  /** No backup from now on: release every held output, stop shipping. */
  goAlone(): void;
  /** Take the new backup's first state and send it (absent: the strategy has no spares). */
  bringUp?(call: Extract<StreamCall, { kind: 'bring-up' }>): void;
  /** Send the new backup's first state again (absent: the strategy has no spares). */
  resendFirstState?(): void;
  /** A heartbeat of this host just went out on the regular schedule (absent: nothing rides on it). */
  heartbeatTick?(): void;
  /** The new backup confirmed it heard its pairing established (absent: no figure of it kept). */
  reprotected?(): void;
  /** Stop for good: held outputs never leave. */
  halt(): void;
}

/** What a backup role does for the core's calls; an optional one that is absent is noted. */
export interface BackupStreamRole {
  /** Pairing 0's backup starts, once its lifecycle watches the primary (absent: nothing to start). */
  start?(): void;
  /**
   * The backup suspects the primary: finish what go-live needs, then `port.tell({ kind:
   * 'go-live-ready' })` (absent: nothing to finish, the core is told at once).
   */
  prepareGoLive?(): void;
  /** The backup won: stop what only a backup does, before its machine becomes the primary's (absent: nothing to stop). */
  promoted?(): void;
  /** A heartbeat of this host just went out on the regular schedule (absent: nothing rides on it). */
  heartbeatTick?(): void;
  /** Stop for good. */
  halt(): void;
}

/**
 * A host's stream that switches between a strategy's primary and backup roles. A strategy extends
 * it with how each role is built (`bootPrimary`, `bootBackup`, `adopt`, `promote`) and where a
 * message goes (`deliver`); the rest of the core's calls go to the current role. A strategy with a
 * heartbeat format (`Content`) adds `heartbeatContent` and `heartbeatHeard` (driver.ts).
 */
export abstract class RoleSwitchingStream<Message, Primary extends PrimaryStreamRole, Backup extends BackupStreamRole, Content = undefined> implements HostStream<Message, Content> {
  private primaryRole: Primary | undefined;
  private backupRole: Backup | undefined;

  constructor(protected readonly port: StreamPort) {}

  /** The primary role, if this host is the primary. */
  protected get primary(): Primary | undefined {
    return this.primaryRole;
  }

  /** The backup role, if this host is a backup. */
  protected get backup(): Backup | undefined {
    return this.backupRole;
  }

  /** Pairing 0's primary, booted from the workload's image. */
  protected abstract bootPrimary(): Primary;
  /** Pairing 0's backup, booted (or waiting for its first state, as the strategy has it). */
  protected abstract bootBackup(): Backup;
  /** The backup that won becomes the primary: its machine is the primary's from now on, alone. */
  protected abstract promote(backup: Backup): Primary;
  /** A message the core routed to this host (from its peer, of its pairing): to the role it is for. */
  protected abstract deliver(message: Message, from: string): void;

  /**
   * A spare becomes the backup of `call.pairing` from `firstState`, the message that carried its
   * first state (delivered to the new backup right after). A strategy without spares is never
   * asked.
   */
  protected adopt(call: Extract<StreamCall, { kind: 'adopt' }>, _firstState: Message): Backup {
    return this.unsupported(call);
  }

  boot(role: 'primary' | 'backup'): void {
    if (role === 'primary') this.primaryRole = this.bootPrimary();
    else this.backupRole = this.bootBackup();
  }

  started(): void {
    this.primaryRole?.start?.();
    this.backupRole?.start?.();
  }

  call(call: StreamCall, delivery: { readonly from: string; readonly message: Message } | undefined): void {
    switch (call.kind) {
      case 'deliver': {
        const { message, from } = this.delivered(call, delivery);
        return this.deliver(message, from);
      }
      case 'adopt':
        this.backupRole = this.adopt(call, this.delivered(call, delivery).message);
        return;
      case 'prepare-go-live': {
        const backup = this.expect(this.backupRole, call);
        // Nothing to finish first: what the backup holds is all there is to go live from.
        if (backup.prepareGoLive === undefined) return this.port.tell({ kind: 'go-live-ready' });
        return backup.prepareGoLive();
      }
      case 'promote': {
        const backup = this.expect(this.backupRole, call);
        backup.promoted?.();
        this.backupRole = undefined;
        this.primaryRole = this.promote(backup);
        return;
      }
      case 'backup-suspected':
        return this.expect(this.primaryRole, call).backupSuspected?.();
      case 'go-alone':
        return this.expect(this.primaryRole, call).goAlone();
      case 'bring-up': {
        const primary = this.expect(this.primaryRole, call);
        if (primary.bringUp === undefined) return this.unsupported(call);
        return primary.bringUp(call);
      }
      case 'resend-first-state': {
        const primary = this.expect(this.primaryRole, call);
        if (primary.resendFirstState === undefined) return this.unsupported(call);
        return primary.resendFirstState();
      }
      case 'reprotected':
        return this.expect(this.primaryRole, call).reprotected?.();
      case 'heartbeat-tick':
        this.primaryRole?.heartbeatTick?.();
        this.backupRole?.heartbeatTick?.();
        return;
      case 'heartbeat-heard':
        // The driver hands a heartbeat's content to `heartbeatHeard`, never to `call`.
        return;
      case 'halt':
        this.primaryRole?.halt();
        this.backupRole?.halt();
        return;
    }
  }

  private delivered(call: StreamCall, delivery: { readonly from: string; readonly message: Message } | undefined): { readonly from: string; readonly message: Message } {
    if (delivery === undefined) throw new Error(`${this.port.host}: the core's ${call.kind} came without the message it is for`);
    return delivery;
  }

  private expect<Role>(role: Role | undefined, call: StreamCall): Role {
    if (role === undefined) throw new Error(`${this.port.host}: the core asked for ${call.kind}, but the host plays no role that does it`);
    return role;
  }

  private unsupported(call: StreamCall): never {
    throw new Error(`${this.port.host}: the core asked for ${call.kind}, which needs spares, and this strategy declares none`);
  }
}
