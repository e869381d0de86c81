/**
 * Which host's code is running. The harness, not the strategy, says on whose behalf a declaration
 * is made: a network delivery runs in the scope of the host it is delivered to, a guest machine's
 * slice in the scope of its host, and a strategy timer in the scope that was current when it was
 * set (as async context propagates). Code with no scope is the strategy's own start, and timers
 * it set there.
 */
import type { Simulation, Timer } from '../sim/simulation.ts';
import type { EventAction, TimeNs } from '../sim/types.ts';
import type { StrategyClock } from '../../strategies/types.ts';

export class HostScope {
  private running: string | undefined;

  /** The host whose code is running, or undefined outside any host. */
  get current(): string | undefined {
    return this.running;
  }

  /** Runs `action` as code of `host` (scopes nest: the previous one is restored after). */
  run(host: string | undefined, action: () => void): void {
    const previous = this.running;
    this.running = host;
    try {
      action();
    } finally {
      this.running = previous;
    }
  }

  /** `action`, to run later in the scope current now. */
  bind(action: EventAction): EventAction {
    const host = this.running;
    return () => this.run(host, action);
  }
}

/** The simulation as strategies see it: virtual time and timers that keep the scope they were set in. */
export function scopedClock(sim: Simulation, scope: HostScope): StrategyClock {
  return {
    get nowNs(): TimeNs {
      return sim.nowNs;
    },
    timer: (delayNs: TimeNs, action: EventAction): Timer => sim.timer(delayNs, scope.bind(action)),
    schedule: (delayNs: TimeNs, action: EventAction): void => sim.schedule(delayNs, scope.bind(action)),
    scheduleAt: (timeNs: TimeNs, action: EventAction): void => sim.scheduleAt(timeNs, scope.bind(action)),
  };
}
