import { EventQueue } from './queue.ts';
import { RandomSource, type RandomStream } from './random.ts';
import { Trace } from './trace.ts';
import type { EventAction, RunBounds, RunResult, TimeNs, TraceMode } from './types.ts';

/** Options of one simulation. */
export interface SimulationOptions {
  /** The run's root seed: every random stream is derived from it. */
  readonly seed: number;
  /** How much trace to keep (default `off`). */
  readonly trace?: TraceMode;
}

/**
 * A cancellable scheduled action (heartbeat timeouts, retransmissions, checkpoint epochs). The
 * event queue holds the timer itself, not a closure around it, and cancelling drops the action,
 * so a cancelled timer waiting in the queue keeps nothing else alive.
 */
export class Timer {
  constructor(private action: EventAction | undefined) {}

  /** True until the timer fires or is cancelled. */
  get pending(): boolean {
    return this.action !== undefined;
  }

  /** Stops the action from running; harmless if it already ran. */
  cancel(): void {
    this.action = undefined;
  }

  /** @internal run by the event queue */
  fire(): void {
    const action = this.action;
    if (action === undefined) return;
    this.action = undefined;
    action();
  }
}

/**
 * The discrete-event simulation kernel: virtual time in integer nanoseconds, an event queue ordered
 * by (time, insertion sequence), named random streams from one root seed, and the trace. Nothing in
 * a simulation reads the wall clock: time moves only when the run loop takes the next event.
 */
export class Simulation {
  private readonly queue = new EventQueue<EventAction | Timer>();
  private currentNs: TimeNs = 0;
  private stopRequested = false;
  private totalEvents = 0;
  /** Named random streams derived from the run's seed. */
  readonly random: RandomSource;
  /** The run's structured trace. */
  readonly trace: Trace;

  constructor(options: SimulationOptions) {
    this.random = new RandomSource(options.seed);
    this.trace = new Trace(options.trace ?? 'off', () => this.currentNs);
  }

  /** The run's root seed. */
  get seed(): number {
    return this.random.seed;
  }

  /** Current virtual time. */
  get nowNs(): TimeNs {
    return this.currentNs;
  }

  /** Events run since the simulation was made. */
  get eventsRun(): number {
    return this.totalEvents;
  }

  /** Events waiting in the queue (cancelled timers included until their time comes). */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /**
   * Time of the next event in the queue, or undefined if it is empty. A host that executes guest
   * instructions ahead of the clock may run until then: nothing can reach it earlier, because
   * everything that happens is an event (conservative lookahead).
   */
  get nextEventNs(): TimeNs | undefined {
    return this.queue.peekTime();
  }

  /** The named random stream `name` (see `RandomSource`). */
  stream(name: string): RandomStream {
    return this.random.stream(name);
  }

  /** Runs `action` after `delayNs` (a non-negative integer) of virtual time. */
  schedule(delayNs: TimeNs, action: EventAction): void {
    this.queue.push(this.currentNs + checkDelay(delayNs), action);
  }

  /** Runs `action` at virtual time `timeNs`, which must not be in the past. */
  scheduleAt(timeNs: TimeNs, action: EventAction): void {
    if (!Number.isSafeInteger(timeNs) || timeNs < this.currentNs) {
      throw new RangeError(`scheduleAt: time ${timeNs} ns is not an integer at or after now (${this.currentNs} ns)`);
    }
    this.queue.push(timeNs, action);
  }

  /** Like `schedule`, but returns a handle that can cancel the action. */
  timer(delayNs: TimeNs, action: EventAction): Timer {
    const timer = new Timer(action);
    this.queue.push(this.currentNs + checkDelay(delayNs), timer);
    return timer;
  }

  /** Asks the run loop to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Runs events in order until the queue is empty, the next event lies after `maxTimeNs`, `maxEvents`
   * have run, or an action calls `stop()`. When the time bound ends the run, the clock is advanced
   * to `maxTimeNs`, so a later run continues from there.
   */
  run(bounds: RunBounds): RunResult {
    const { maxTimeNs, maxEvents } = validateBounds(bounds, this.currentNs);
    const queue = this.queue;
    let eventsRun = 0;
    this.stopRequested = false;
    for (;;) {
      const timeNs = queue.peekTime();
      if (timeNs === undefined) return this.finish('empty', eventsRun);
      if (eventsRun >= maxEvents) return this.finish('max-events', eventsRun);
      if (timeNs > maxTimeNs) {
        this.currentNs = maxTimeNs;
        return this.finish('max-time', eventsRun);
      }
      this.currentNs = timeNs;
      const entry = queue.popAction();
      eventsRun++;
      if (entry instanceof Timer) entry.fire();
      else entry();
      if (this.stopRequested) return this.finish('stopped', eventsRun);
    }
  }

  private finish(stoppedBy: RunResult['stoppedBy'], eventsRun: number): RunResult {
    this.totalEvents += eventsRun;
    this.stopRequested = false;
    return { stoppedBy, eventsRun, nowNs: this.currentNs };
  }
}

function checkDelay(delayNs: TimeNs): TimeNs {
  if (!Number.isSafeInteger(delayNs) || delayNs < 0) {
    throw new RangeError(`schedule: delay ${delayNs} ns is not a non-negative integer`);
  }
  return delayNs;
}

function validateBounds(bounds: RunBounds, nowNs: TimeNs): RunBounds {
  const { maxTimeNs, maxEvents } = bounds;
  if (!(Number.isSafeInteger(maxTimeNs) && maxTimeNs >= nowNs)) {
    throw new RangeError(`run: maxTimeNs ${maxTimeNs} is not an integer at or after now (${nowNs} ns)`);
  }
  if (!(Number.isSafeInteger(maxEvents) && maxEvents >= 0)) {
    throw new RangeError(`run: maxEvents ${maxEvents} is not a non-negative integer`);
  }
  return bounds;
}
