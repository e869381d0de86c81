import type { EventAction, TimeNs } from './types.ts';

/**
 * The event queue: a binary min-heap ordered by (time, insertion sequence), so that events at equal
 * times run in the order they were scheduled. It is the hottest structure of every run, so it keeps
 * its entries in parallel arrays (no object per event) and sifts with a hole instead of swaps.
 *
 * The queue itself has no cancellation: `Simulation.timer` queues a handle whose cancellation turns
 * it into a no-op, which keeps both `push` and `pop` free of bookkeeping. Entries are actions by
 * default; the simulation also queues those handles directly (`Entry`), to save a closure per timer.
 */
export class EventQueue<Entry = EventAction> {
  private times: TimeNs[] = [];
  private sequences: number[] = [];
  private actions: Entry[] = [];
  private nextSequence = 0;

  /** Entries waiting to run. */
  get size(): number {
    return this.times.length;
  }

  /** Adds an action at `timeNs`; returns its insertion sequence number. */
  push(timeNs: TimeNs, action: Entry): number {
    const sequence = this.nextSequence++;
    const times = this.times;
    const sequences = this.sequences;
    const actions = this.actions;
    let hole = times.length;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      const parentTime = times[parent]!;
      if (parentTime < timeNs || (parentTime === timeNs && sequences[parent]! < sequence)) break;
      times[hole] = parentTime;
      sequences[hole] = sequences[parent]!;
      actions[hole] = actions[parent]!;
      hole = parent;
    }
    times[hole] = timeNs;
    sequences[hole] = sequence;
    actions[hole] = action;
    return sequence;
  }

  /** Time of the earliest entry, or undefined when none is left. */
  peekTime(): TimeNs | undefined {
    return this.times[0];
  }

  /**
   * Removes the earliest entry and returns its action; `peekTime()` must have been called
   * first and returned a time (the run loop always does), so there is an entry to take.
   */
  popAction(): Entry {
    const action = this.actions[0];
    if (action === undefined) throw new Error('EventQueue.popAction on an empty queue');
    this.removeTop();
    return action;
  }

  private removeTop(): void {
    const times = this.times;
    const sequences = this.sequences;
    const actions = this.actions;
    const lastIndex = times.length - 1;
    const time = times[lastIndex]!;
    const sequence = sequences[lastIndex]!;
    const action = actions[lastIndex]!;
    times.pop();
    sequences.pop();
    actions.pop();
    if (lastIndex === 0) return;
    let hole = 0;
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= lastIndex) break;
      const right = child + 1;
      if (
        right < lastIndex &&
        (times[right]! < times[child]! || (times[right] === times[child] && sequences[right]! < sequences[child]!))
      ) {
        child = right;
      }
      const childTime = times[child]!;
      if (time < childTime || (time === childTime && sequence < sequences[child]!)) break;
      times[hole] = childTime;
      sequences[hole] = sequences[child]!;
      actions[hole] = actions[child]!;
      hole = child;
    }
    times[hole] = time;
    sequences[hole] = sequence;
    actions[hole] = action;
  }
}
