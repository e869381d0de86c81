import type { Strategy, StrategyContext, StrategyInstance } from '../types.ts';
import { CheckpointCluster, type CheckpointVariant } from './cluster.ts';
import { CHECKPOINT_PARAMETERS, resolveCheckpointOptions } from './parameters.ts';

/**
 * State transfer, Remus-style: the primary runs the guest live and, every epoch, ships the pages
 * it dirtied with the CPU and device state to the backup; outputs are buffered until the
 * checkpoint that covers them is acknowledged (speculative execution with output buffering); the
 * backup resumes from the last acknowledged checkpoint after test-and-set; a spare is brought up
 * as a new backup with a full checkpoint. It ships state, not inputs, so multiprocessor guests
 * are fine.
 */
export const checkpoint: Strategy = checkpointVariant('checkpoint', 'state transfer (Remus): periodic checkpoints of dirty pages and CPU/device state, outputs buffered until acknowledged, test-and-set, re-protection', {
  outputBuffering: true,
});

/** Known broken: outputs leave at once, before the checkpoint that covers them is acknowledged. */
export const checkpointNoOutputBuffering: Strategy = {
  ...checkpointVariant('checkpoint-no-output-buffering', 'checkpoint without output buffering (known broken): outputs leave before their checkpoint is acknowledged', { outputBuffering: false }),
  knownBroken: {
    flaw: 'no output buffering: a reply leaves before the checkpoint that covers it is acknowledged',
    exposedBy: 'crash-primary-after-reply',
    caughtBy: 'linearizable',
  },
};

function checkpointVariant(name: string, description: string, variant: CheckpointVariant): Strategy {
  return {
    name,
    description,
    parameters: CHECKPOINT_PARAMETERS,
    // Shipping state rather than inputs, it does not care how the harts interleaved.
    supports: { multiprocessorGuests: true, disk: true },
    // The mutant promises it too: it is a broken implementation, and the audit shows it.
    promisesOutputRule: true,
    replicas: 2,
    // One spare per failover of `repeated-failover`.
    spares: 2,
    create(context: StrategyContext): StrategyInstance {
      const cluster = new CheckpointCluster(context, resolveCheckpointOptions(context.parameters), variant);
      return { start: () => cluster.start(), figures: () => cluster.figuresReport() };
    },
  };
}
