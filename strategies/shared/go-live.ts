/**
 * Going live, as the lecture's VMware FT case study does it: a replica that suspects its peer asks
 * the shared storage's atomic test-and-set, and takes over only if it returns true. If both
 * replicas lose each other but reach the storage, the storage breaks the tie; if one cannot reach
 * it, that one cannot go live. Each primary-backup pairing decides on a flag of its own
 * (shared/pairing.ts) rather than re-arming one. The replication core's driver asks it
 * (strategies/core/driver.ts); the lifecycle decides what the answer means.
 */
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
