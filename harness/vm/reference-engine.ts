/**
 * The reference engine: every instruction through the one-instruction executor. Slow, but it has
 * no fast path to get wrong, so tests run random programs on both engines and compare digests.
 */
import { STOP_LIMIT } from './stop.ts';
import type { Engine, EngineHost, HartState, Stop } from './types.ts';

export function createReferenceEngine(host: EngineHost): Engine {
  return {
    name: 'reference',
    execute(hart: HartState, limit: number): Stop {
      const start = hart.retired;
      while (hart.retired - start < limit) {
        const stop = host.step(hart);
        if (stop !== STOP_LIMIT) return stop;
      }
      return STOP_LIMIT;
    },
  };
}
