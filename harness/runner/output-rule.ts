/**
 * The output-rule audit, for strategies that promise it: no output may leave the primary before
 * the backup holds everything that produced it (the lecture's output rule: "the primary may not
 * send an output to the external world until the backup has received and acknowledged the log
 * entry associated with the operation producing the output"). Every client reply and disk write a
 * host emits is compared with what its backup holds; a primary that goes on alone (it won
 * test-and-set without a backup) is exempt until it declares itself `protected` again.
 *
 * The strategy cannot vouch for itself. A `backup-holds` point counts only when the backup's own
 * code declares it (the harness knows whose code runs: host-scope.ts), and only up to what reached
 * the backup over the network from its primary (receipts.ts); a primary's word about its backup's
 * acks counts for nothing. An `alone` counts only from a host that received a true test-and-set
 * answer from the storage since it was last protected.
 */
import type { MachineOutput } from '../host/types.ts';
import type { Network } from '../net/network.ts';
import type { CheckValue } from './types.ts';

/** An output that left too early. */
export interface EarlyOutput {
  readonly host: string;
  readonly kind: MachineOutput['kind'];
  /** The primary instruction count at which it was produced. */
  readonly retired: number;
  /** The verified backup-holds point for the host when it left (-1: none yet). */
  readonly heldPoint: number;
  readonly timeNs: number;
}

/** A declaration the audit did not take at its word. */
export interface RefusedDeclaration {
  readonly kind: 'backup-holds' | 'alone';
  /** The host named in the declaration. */
  readonly host: string;
  /** The host whose code made it (undefined: none, the strategy's start-up). */
  readonly declaredBy: string | undefined;
  readonly why: string;
  readonly timeNs: number;
}

export class OutputRuleAudit {
  private readonly held = new Map<string, number>();
  private readonly alone = new Set<string>();
  /** Hosts with a test-and-set win since they were last protected. */
  private readonly won = new Set<string>();
  /** Outputs checked against the rule. */
  audited = 0;
  /** Outputs that left before the backup held what produced them. */
  early = 0;
  firstEarly: EarlyOutput | undefined;
  /** `backup-holds` declarations not made by the backup's own code (ignored). */
  unverifiedHolds = 0;
  /** `backup-holds` points beyond what had reached the backup (counted only up to that). */
  cappedHolds = 0;
  /** `alone` declarations without a test-and-set win (not exempt). */
  unverifiedAlone = 0;
  firstRefused: RefusedDeclaration | undefined;

  constructor(
    private readonly network: Network,
    /** False when the strategy does not promise the output rule: nothing is audited. */
    private readonly active: boolean,
  ) {}

  /**
   * The backup `backup` declared that it holds what `primary` produced before `point`, from the
   * code of `declaredBy`; `reached` is the latest point of the primary that reached it.
   */
  onBackupHolds(backup: string, primary: string, point: number, declaredBy: string | undefined, reached: number, timeNs: number): void {
    if (declaredBy !== backup) {
      this.unverifiedHolds++;
      this.refuse({ kind: 'backup-holds', host: backup, declaredBy, why: `declared by ${declaredBy ?? 'no host'}, not by the backup itself`, timeNs });
      return;
    }
    if (point > reached) this.cappedHolds++;
    this.held.set(primary, Math.max(this.held.get(primary) ?? -1, Math.min(point, reached)));
  }

  /** `host` received a true test-and-set answer. */
  onTestAndSetWon(host: string): void {
    this.won.add(host);
  }

  onAlone(host: string, declaredBy: string | undefined, timeNs: number): void {
    if (!this.won.has(host)) {
      this.unverifiedAlone++;
      this.refuse({ kind: 'alone', host, declaredBy, why: 'no test-and-set win since it was last protected', timeNs });
      return;
    }
    this.alone.add(host);
  }

  onProtected(host: string): void {
    this.alone.delete(host);
    this.won.delete(host);
  }

  private refuse(declaration: RefusedDeclaration): void {
    this.firstRefused ??= declaration;
  }

  /** Checks one output as it leaves `host` at `timeNs`. */
  observe(host: string, output: MachineOutput, timeNs: number): void {
    if (!this.active || this.alone.has(host) || !this.externallyVisible(output)) return;
    this.audited++;
    const heldPoint = this.held.get(host) ?? -1;
    if (output.retired < heldPoint) return;
    this.early++;
    this.firstEarly ??= { host, kind: output.kind, retired: output.retired, heldPoint, timeNs };
  }

  /** Client replies and disk writes are what the world sees; a disk read request changes nothing. */
  private externallyVisible(output: MachineOutput): boolean {
    if (output.kind === 'disk') return output.request.operation === 'write';
    if (output.kind !== 'frame') return false;
    const destination = this.network.resolveAddress(output.destination);
    return destination?.kind === 'host' && this.network.host(destination.name).kind === 'client';
  }

  /** true: every audited output respected the rule; false: one left early; null: not promised. */
  verdict(): CheckValue {
    if (!this.active) return null;
    return this.early === 0;
  }
}
