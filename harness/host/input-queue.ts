import type { MachineInput } from './types.ts';

/** Most inputs waiting for a boundary: a stated bound; a frame beyond it is dropped like a full NIC. */
export const MAX_PENDING_INPUTS = 4096;

/**
 * Inputs that arrived from the world and wait for the machine's next instruction boundary, in
 * arrival order, bounded. Frames beyond the bound are dropped (and counted); disk completions and
 * timer interrupts never are, since the guest is waiting for each of them.
 */
export class InputQueue {
  private readonly waiting: MachineInput[] = [];
  /** Frames dropped because the queue was full. */
  dropped = 0;

  /** Queues `input`; returns false if it was dropped. */
  push(input: MachineInput): boolean {
    if (this.waiting.length >= MAX_PENDING_INPUTS && input.kind === 'frame') {
      this.dropped++;
      return false;
    }
    this.waiting.push(input);
    return true;
  }

  /** Inputs waiting. */
  get length(): number {
    return this.waiting.length;
  }

  /** Takes every waiting input. */
  takeAll(): MachineInput[] {
    return this.waiting.splice(0, this.waiting.length);
  }

  /** Takes waiting inputs in order while `admit` accepts them; the first refused and those after it stay. */
  takeWhile(admit: (input: MachineInput) => boolean): MachineInput[] {
    let count = 0;
    while (count < this.waiting.length && admit(this.waiting[count]!)) count++;
    return this.waiting.splice(0, count);
  }
}
