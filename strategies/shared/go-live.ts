/**
 * Going live, as the lecture's VMware FT case study does it: a replica that suspects its peer asks
 * the shared storage's atomic test-and-set, and takes over only if it returns true. If both
 * replicas lose each other but reach the storage, the storage breaks the tie; if one cannot reach
 * it, that one cannot go live. Also here: taking over the service address (a gratuitous ARP). Each
 * primary-backup pairing decides on a flag of its own (shared/pairing.ts) rather than re-arming one.
 */
import type { Network } from '../../harness/net/network.ts';
import type { StorageClient } from '../../harness/storage/client.ts';

/** How a go-live attempt through test-and-set ended. */
export type TestAndSetOutcome =
  /** The flag was ours: go live. */
  | { readonly state: 'won'; readonly attempts: number }
  /** Another host holds the flag: halt. */
  | { readonly state: 'lost'; readonly attempts: number }
  /** The storage never answered within the bounded attempts (or answered with an error): halt. */
  | { readonly state: 'unreachable'; readonly attempts: number; readonly reason: string };

/**
 * Test-and-set of `flag`, retried on timeout up to `maxAttempts` times (a retry by the same host is
 * safe: the storage answers true again to the host that already holds the flag).
 */
export function testAndSetWithRetry(client: Pick<StorageClient, 'testAndSet'>, flag: string, maxAttempts: number, done: (outcome: TestAndSetOutcome) => void): void {
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`test-and-set attempts ${maxAttempts} must be an integer >= 1`);
  const attempt = (number: number) => {
    client.testAndSet(flag, (result) => {
      if (result.state === 'ok') return done({ state: result.value ? 'won' : 'lost', attempts: number });
      if (result.state === 'error') return done({ state: 'unreachable', attempts: number, reason: result.message });
      if (number >= maxAttempts) return done({ state: 'unreachable', attempts: number, reason: `no answer after ${number} attempts` });
      attempt(number + 1);
    });
  };
  attempt(1);
}

/** What a replica does with the answer of its go-live test-and-set. */
export interface TestAndSetDecision {
  /** False once the answer no longer matters (the replica crashed, or already moved on). */
  stillDeciding(): boolean;
  /** The flag is ours: go live, or go on alone. */
  won(): void;
  /** Another replica holds the flag, or the storage cannot be reached: halt, for `reason`. */
  lost(reason: string): void;
  /** Test-and-set requests it took (for the strategy's figures). */
  countAttempts(attempts: number): void;
}

/**
 * Asks test-and-set whether this replica may go live ("the primary (or backup) only takes over if
 * test-and-set returns true") and hands the answer to `decision`; anything but a win is a halt.
 */
export function decideByTestAndSet(client: StorageClient, flag: string, maxAttempts: number, decision: TestAndSetDecision): void {
  testAndSetWithRetry(client, flag, maxAttempts, (outcome) => {
    decision.countAttempts(outcome.attempts);
    if (!decision.stillDeciding()) return;
    if (outcome.state === 'won') decision.won();
    else decision.lost(outcome.state === 'lost' ? 'lost test-and-set' : `storage unreachable: ${outcome.reason}`);
  });
}

/**
 * Takes over the service address for `host`, as a gratuitous ARP does: clients' requests reach it
 * from now on. Only a host that won test-and-set (or the initial primary) may call this.
 */
export function takeOverService(network: Network, service: string, host: string): void {
  const claim = network.claimService(service, host);
  if (claim.host !== host) throw new Error(`service ${service} claimed for ${claim.host}, expected ${host}`);
}
