import type { Strategy, StrategyContext, StrategyInstance } from '../types.ts';

/**
 * No replication: the guest runs on one host and its outputs leave at once. The baseline every
 * other strategy's throughput and latency are compared with (the paper's FT/non-FT ratio), and the
 * configuration in which any crash of the primary loses the service.
 */
export const none: Strategy = {
  name: 'none',
  description: 'no replication: one host, outputs released at once (the baseline for ratios)',
  parameters: [],
  supports: { multiprocessorGuests: true, disk: true },
  replicas: 1,
  spares: 0,
  create(context: StrategyContext): StrategyInstance {
    const host = context.replicaHosts[0]!;
    return {
      start() {
        const vmHost = context.createVmHost(host, (platform) => context.bootMachine(platform), (created) => context.livePolicy(created));
        context.network.claimService(context.service, host);
        context.declare({ kind: 'go-live', host });
        vmHost.start();
      },
      figures: () => ({}),
    };
  },
};
