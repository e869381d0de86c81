/**
 * What reached each replica from each other replica, as the harness sees it on the network: for a
 * pair (receiver, sender), the sender's instruction count when it sent the latest message that
 * was delivered. A backup cannot hold anything its primary produced after that point — whatever the
 * strategy declares — so the output-rule audit caps every `backup-holds` point with it.
 */
import type { Network } from '../net/network.ts';

export class ReceiptLedger {
  /** Messages in flight between machines: the sender's count when it sent them, by message id. */
  private readonly inFlight = new Map<number, { readonly from: string; readonly to: string; readonly retired: number }>();
  private readonly reached = new Map<string, number>();

  constructor(
    network: Network,
    /** The instruction count of the machine on `host`, or undefined if it runs none. */
    private readonly retiredOf: (host: string) => number | undefined,
    /** Hosts whose traffic is watched (replicas and spares). */
    private readonly watched: ReadonlySet<string>,
  ) {
    network.observe({
      sent: (id, from, to) => {
        if (!this.watched.has(from) || !this.watched.has(to)) return;
        const retired = this.retiredOf(from);
        if (retired !== undefined) this.inFlight.set(id, { from, to, retired });
      },
      delivered: (delivery) => {
        const sent = this.inFlight.get(delivery.id);
        if (sent === undefined) return;
        this.inFlight.delete(delivery.id);
        const key = pairKey(sent.to, sent.from);
        this.reached.set(key, Math.max(this.reached.get(key) ?? -1, sent.retired));
      },
      dropped: (id) => void this.inFlight.delete(id),
    });
  }

  /** The latest count of `sender`'s machine that reached `receiver` (-1: nothing yet). */
  reachedFrom(receiver: string, sender: string): number {
    return this.reached.get(pairKey(receiver, sender)) ?? -1;
  }
}

function pairKey(receiver: string, sender: string): string {
  return `${receiver}<${sender}`;
}
