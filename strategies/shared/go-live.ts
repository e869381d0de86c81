/**
 * Going live, as the lecture's VMware FT case study does it: a replica that suspects its peer asks
 * the shared storage's atomic test-and-set, and takes over only if it returns true. If both
 * replicas lose each other but reach the storage, the storage breaks the tie; if one cannot reach
 * it, that one cannot go live. Also here: taking over the service address (a gratuitous ARP), and
 * re-arming the flag once a new backup is in place, so a later failure can be decided again.
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
export function testAndSetWithRetry(client: StorageClient, flag: string, maxAttempts: number, done: (outcome: TestAndSetOutcome) => void): void {
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

/**
 * Re-arms `flag` (which this host holds), retried on timeout up to `maxAttempts` times. `done`
 * gets whether it succeeded; failing only means the next failure cannot be taken over.
 */
export function rearmWithRetry(client: StorageClient, flag: string, maxAttempts: number, done: (rearmed: boolean) => void): void {
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`re-arm attempts ${maxAttempts} must be an integer >= 1`);
  const attempt = (number: number) => {
    client.rearm(flag, (result) => {
      if (result.state === 'ok') return done(true);
      if (result.state === 'error' || number >= maxAttempts) return done(false);
      attempt(number + 1);
    });
  };
  attempt(1);
}

/**
 * Takes over the service address for `host`, as a gratuitous ARP does: clients' requests reach it
 * from now on. Only a host that won test-and-set (or the initial primary) may call this.
 */
export function takeOverService(network: Network, service: string, host: string): void {
  const claim = network.claimService(service, host);
  if (claim.host !== host) throw new Error(`service ${service} claimed for ${claim.host}, expected ${host}`);
}
