/**
 * The output-rule audit, for strategies that promise it: no output may leave the primary before
 * the backup holds everything that produced it (the lecture's output rule: "the primary may not
 * send an output to the external world until the backup has received and acknowledged the log
 * entry associated with the operation producing the output"). Every client reply and disk write a
 * host emits is compared with the latest `backup-holds` point declared for that host; a primary that
 * declared itself `alone` (it won test-and-set without a backup) is exempt until it declares itself
 * `protected` again.
 */
import type { MachineOutput } from '../host/types.ts';
import type { Network } from '../net/network.ts';
import type { StrategyEvent } from '../../strategies/types.ts';
import type { CheckValue } from './types.ts';

/** An output that left too early. */
export interface EarlyOutput {
  readonly host: string;
  readonly kind: MachineOutput['kind'];
  /** The primary instruction count at which it was produced. */
  readonly retired: number;
  /** The backup-holds point declared for the host when it left (-1: none yet). */
  readonly heldPoint: number;
  readonly timeNs: number;
}

export class OutputRuleAudit {
  private readonly held = new Map<string, number>();
  private readonly alone = new Set<string>();
  /** Outputs checked against the rule. */
  audited = 0;
  /** Outputs that left before the backup held what produced them. */
  early = 0;
  firstEarly: EarlyOutput | undefined;

  constructor(
    private readonly network: Network,
    /** False when the strategy does not promise the output rule: nothing is audited. */
    private readonly active: boolean,
  ) {}

  /** Follows the strategy's declarations. */
  onEvent(event: StrategyEvent): void {
    switch (event.kind) {
      case 'backup-holds':
        this.held.set(event.primary, Math.max(this.held.get(event.primary) ?? -1, event.point));
        return;
      case 'alone':
        this.alone.add(event.host);
        return;
      case 'protected':
        this.alone.delete(event.host);
        return;
      default:
    }
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
