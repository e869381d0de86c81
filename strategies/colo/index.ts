import type { Strategy, StrategyContext, StrategyInstance } from '../types.ts';
import { ColoCluster, type ColoVariant } from './cluster.ts';
import { COLO_PARAMETERS, resolveColoOptions } from './parameters.ts';

/**
 * COLO, coarse-grained lock-stepping (Dong et al., SoCC 2013): both replicas execute every client
 * request — the primary forwards each client frame to the backup — each on its own clock and
 * entropy; the primary holds each output and sends its digest to the backup, which compares it
 * with its own output of the same index; on a match the backup declares that it holds what produced
 * it and answers, and the output leaves; on a mismatch (or no answer within the compare timeout)
 * the primary checkpoints its machine to the backup and lets the held outputs leave once that
 * checkpoint is acknowledged. Deterministic work never checkpoints; non-determinism costs a checkpoint only when
 * it shows in an output. See README.md beside this file.
 */
export const colo: Strategy = coloVariant('colo', 'COLO (SoCC 2013): both replicas execute every request, outputs leave when the backup\'s own output matches, a checkpoint on mismatch, test-and-set; no re-protection', { compare: true });

/** Known broken: outputs leave at once, before the backup compared them with its own. */
export const coloNoCompare: Strategy = {
  ...coloVariant('colo-no-compare', 'colo with outputs leaving before the backup matched them (known broken)', { compare: false }),
  knownBroken: {
    flaw: 'no output comparison: a reply leaves before the backup produced the same reply (or acknowledged a checkpoint covering it)',
    exposedBy: 'crash-primary-after-reply',
    // On a deterministic counter the backup still executes the forwarded request, so the value a
    // client saw survives the crash and linearizability holds by luck; the audit sees the reply
    // leave before the backup produced it. A partition shows the harm: replies of a primary that
    // then loses test-and-set (split brain, a lost update; colo.test.ts).
    caughtBy: 'outputRule',
  },
};

function coloVariant(name: string, description: string, variant: ColoVariant): Strategy {
  return {
    name,
    description,
    parameters: COLO_PARAMETERS,
    // Multiprocessor guests: COLO copes in principle (a divergent interleaving is one more mismatch
    // and checkpoint), but outputs of a racing guest would mismatch almost always; not modelled.
    // Disk: COLO compares disk writes too or buffers the secondary's; not implemented.
    supports: { multiprocessorGuests: false, disk: false },
    // The mutant promises it too: it is a broken implementation, and the audit shows it.
    promisesOutputRule: true,
    replicas: 2,
    spares: 0,
    create(context: StrategyContext): StrategyInstance {
      const cluster = new ColoCluster(context, resolveColoOptions(context.parameters), variant);
      return { start: () => cluster.start(), figures: () => cluster.figuresReport() };
    },
  };
}
