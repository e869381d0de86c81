import type { Strategy, StrategyContext, StrategyInstance } from '../types.ts';
import { AppRsmCluster, type AppRsmVariant } from './cluster.ts';
import { APP_RSM_PARAMETERS, resolveAppRsmOptions } from './parameters.ts';

/**
 * Application-level replicated state machine: both replicas run the service from boot; the
 * primary executes client requests one at a time as numbered operations and ships each, with the
 * time, cycle and entropy values its execution consumed, to the backup, which executes the same
 * operations in the same order with the same values. A reply leaves only once the backup
 * acknowledged its operation (the output rule at application level). It ships the least of any
 * strategy: operations, not machine events, nor memory.
 *
 * What it cannot replicate: work not driven by a request. Timer-driven state changes (ttl-cache's
 * eager sweeps) run on each replica's own clock and are not operations, so such state diverges —
 * the divergence checker shows it; ttl-cache with lazy expiry does not diverge, because the time
 * reads of its operations are shipped. After a failover the new primary brings its spare up as a
 * new backup from a copy of its whole machine (re-protection, through the replication core) and
 * numbers operations again from there.
 */
export const appRsm: Strategy = appRsmVariant('app-rsm', 'application-level RSM: client operations in primary order with the non-deterministic values they consumed, reply after the backup\'s ack, test-and-set, re-protection onto a spare from a machine copy', { replyAfterAck: true });

/** Known broken: replies leave at once, before the backup acknowledged their operation. */
export const appRsmReplyBeforeAck: Strategy = {
  ...appRsmVariant('app-rsm-reply-before-ack', 'app-rsm with replies leaving before the backup acknowledged the operation (known broken)', { replyAfterAck: false }),
  knownBroken: {
    flaw: 'reply before ack: the reply leaves before the backup acknowledged the operation',
    exposedBy: 'crash-primary-after-reply',
    caughtBy: 'linearizable',
  },
};

function appRsmVariant(name: string, description: string, variant: AppRsmVariant): Strategy {
  return {
    name,
    description,
    parameters: APP_RSM_PARAMETERS,
    // Multiprocessor guests: replaying operations of a multi-hart server would need the order in
    // which its harts committed concurrent operations (and their interleaved reads), which the
    // primary does not see at application level. Disk: a shared-disk workload's backup would have
    // to have its disk I/O suppressed and fed with the primary's results; not implemented.
    supports: { multiprocessorGuests: false, disk: false },
    // The mutant promises it too: it is a broken implementation, and the audit shows it.
    promisesOutputRule: true,
    knownLimits: [{ workload: 'ttl-cache', verdict: 'divergence', why: 'eager expiry changes state on timer interrupts, which no client operation carries (README: app-rsm)' }],
    replicas: 2,
    spares: 1,
    create(context: StrategyContext): StrategyInstance {
      const cluster = new AppRsmCluster(context, resolveAppRsmOptions(context.parameters), variant);
      return { start: () => cluster.start(), figures: () => cluster.figuresReport() };
    },
  };
}
