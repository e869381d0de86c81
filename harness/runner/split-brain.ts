/**
 * The split-brain checker. Split brain is two hosts acting as the primary of one service at once;
 * it is judged two ways:
 * - outputs the world can see — a reply to a client, a write to the shared disk — from a host that
 *   does not own the service address at that moment (a deposed primary still answering or writing);
 * - two hosts holding the primary's authority at once, from the strategy's own declarations: a host
 *   gains it by going live (`go-live`, or `alone` when it goes on without its backup) and gives it up
 *   when its outputs again wait for a backup (`protected`), when it suspects its peer (until it wins
 *   test-and-set), or when it halts or crashes. A go-live while another host holds authority is
 *   split brain even if the deposed host never reaches a client again.
 * A takeover race alone is not: a primary that suspected its backup holds its outputs until it
 * knows, and halts when it loses, so claims of the address are reported (`contestedClaims`) but not
 * judged.
 */
import type { MachineOutput } from '../host/types.ts';
import type { Network } from '../net/network.ts';
import type { StrategyEvent } from '../../strategies/types.ts';

/** An output from a host that did not own the service. */
export interface DeposedOutput {
  readonly host: string;
  readonly owner: string | null;
  readonly kind: MachineOutput['kind'];
  readonly timeNs: number;
}

export class SplitBrainChecker {
  /** Client replies and disk writes emitted by a non-owner. */
  deposedOutputs = 0;
  firstDeposed: DeposedOutput | undefined;
  /** Go-lives while another host held the primary's authority. */
  overlappingPrimaries = 0;
  firstOverlap: { readonly host: string; readonly other: string; readonly timeNs: number } | undefined;
  private readonly authority = new Set<string>();

  constructor(
    private readonly network: Network,
    private readonly service: string,
  ) {}

  /** Looks at one output as it leaves `host` at `timeNs`. */
  observe(host: string, output: MachineOutput, timeNs: number): void {
    if (!this.visible(output)) return;
    const owner = this.network.serviceOwner(this.service);
    if (owner === host) return;
    this.deposedOutputs++;
    this.firstDeposed ??= { host, owner: owner ?? null, kind: output.kind, timeNs };
  }

  private visible(output: MachineOutput): boolean {
    if (output.kind === 'disk') return output.request.operation === 'write';
    if (output.kind !== 'frame') return false;
    const destination = this.network.resolveAddress(output.destination);
    return destination?.kind === 'host' && this.network.host(destination.name).kind === 'client';
  }

  /** Follows the strategy's declarations of who holds the primary's authority. */
  onEvent(event: StrategyEvent, timeNs: number): void {
    switch (event.kind) {
      case 'go-live':
      case 'alone': {
        const other = [...this.authority].find((host) => host !== event.host && !this.network.isCrashed(host));
        if (other !== undefined) {
          this.overlappingPrimaries++;
          this.firstOverlap ??= { host: event.host, other, timeNs };
        }
        this.authority.add(event.host);
        return;
      }
      case 'protected':
      case 'suspect':
      case 'halt':
        this.authority.delete(event.host);
        return;
      default:
    }
  }

  /** True if some output came from a non-owner, or two hosts held the primary's authority at once. */
  verdict(): boolean {
    return this.deposedOutputs > 0 || this.overlappingPrimaries > 0;
  }
}
