import type { Strategy, StrategyContext, StrategyInstance } from '../types.ts';
import { VmftCluster, type VmftVariant } from './cluster.ts';
import { VMFT_PARAMETERS, resolveVmftOptions } from './parameters.ts';
import { LoggingCpuMeter, withLoggingCost } from './logging-cost.ts';
import { withUnloggedHartSchedule } from './unlogged-harts.ts';

/**
 * Machine-level replication, the lecture's VMware FT case study: the primary logs every input,
 * interrupt position and non-deterministic read with its instruction count; the backup replays
 * the log one entry behind; outputs wait for the backup's ack (the output rule); failures are
 * detected by heartbeats and decided by test-and-set on the shared storage; a spare is brought up
 * as a new backup after a failover. Uniprocessor guests only.
 */
export const vmft: Strategy = vmftVariant('vmft', 'machine-level replay (VMware FT): log of inputs and non-deterministic reads, output rule, test-and-set, re-protection', {
  outputRule: true,
  testAndSet: true,
});

/** Known broken: outputs leave at once, before the backup holds the log entries behind them. */
export const vmftNoOutputRule: Strategy = {
  ...vmftVariant('vmft-no-output-rule', 'vmft without the output rule (known broken): outputs leave before the backup acknowledged the log', { outputRule: false, testAndSet: true }),
  knownBroken: {
    flaw: 'no output rule: a reply leaves before the backup acknowledged the log entry of the request it answers',
    exposedBy: 'crash-primary-after-reply',
    caughtBy: 'linearizable',
  },
};

/** Known broken: a replica goes live (or on alone) on suspicion alone. */
export const vmftNoTestAndSet: Strategy = {
  ...vmftVariant('vmft-no-test-and-set', 'vmft without test-and-set (known broken): a replica that suspects its peer goes live at once', { outputRule: true, testAndSet: false }),
  knownBroken: {
    flaw: 'no test-and-set: a replica that suspects its peer goes live without asking the shared storage, so a partition makes two primaries',
    exposedBy: 'partition-replicas',
    caughtBy: 'splitBrain',
  },
};

/** Known broken, and lying about it: outputs leave once their log entries are sent, vouched for by the primary. */
export const vmftReleaseOnSend: Strategy = {
  ...vmftVariant('vmft-release-on-send', 'vmft releasing outputs once their log entries are sent (known broken): the primary declares backup-holds for what it only sent', { outputRule: true, testAndSet: true, releaseOnSend: true }),
  knownBroken: {
    flaw: 'output rule on send, not on ack, with the primary vouching for its backup: a reply can leave before its log entry reached the backup, and the primary declares that the backup holds it',
    exposedBy: 'lossy-links',
    caughtBy: 'outputRule',
  },
};

/**
 * Known broken: replays a multiprocessor guest without logging the hart interleaving, so the
 * backup's harts race differently from the primary's (the lecture's multiprocessor limit; see
 * unlogged-harts.ts). Checkpointing ships state and replicates the same guest correctly.
 */
export const vmftSmp: Strategy = {
  ...vmftVariant('vmft-smp', 'vmft on multiprocessor guests without logging the hart interleaving (known broken): the backup replays into another interleaving', { outputRule: true, testAndSet: true }),
  supports: { multiprocessorGuests: true, disk: true },
  knownBroken: {
    flaw: 'hart interleaving not logged: the backup replays the inputs at the right instruction counts, but its harts race in another order, so its state parts from the primary\'s',
    exposedBy: 'none',
    caughtBy: 'divergence',
    workload: 'smp-kv',
    correctBeside: 'checkpoint',
  },
  create: (context: StrategyContext) => createVmft(withUnloggedHartSchedule(context), { outputRule: true, testAndSet: true }),
};

function vmftVariant(name: string, description: string, variant: VmftVariant): Strategy {
  return {
    name,
    description,
    parameters: VMFT_PARAMETERS,
    // The lecture: "FT doesn't cope with multi-processor guests".
    supports: { multiprocessorGuests: false, disk: true },
    // The mutant without it promises it too: it is a broken implementation, and the audit shows it.
    promisesOutputRule: true,
    replicas: 2,
    // One spare per failover of `repeated-failover`.
    spares: 2,
    create: (context: StrategyContext) => createVmft(context, variant),
  };
}

/** A vmft cluster whose primaries pay for their logging in CPU time (logging-cost.ts). */
function createVmft(context: StrategyContext, variant: VmftVariant): StrategyInstance {
  const options = resolveVmftOptions(context.parameters);
  const meter = new LoggingCpuMeter();
  const cluster = new VmftCluster(withLoggingCost(context, options.loggingCost, meter), options, variant);
  return { start: () => cluster.start(), figures: () => ({ ...cluster.figuresReport(), ...meter.report(context.sim.nowNs / 1e9) }) };
}
