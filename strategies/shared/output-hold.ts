/**
 * Output holding: the lecture's output rule as a building block. Each output the guest produces
 * waits, in the order produced, until a watermark (VM-FT: the backup's acknowledged log sequence;
 * checkpointing: the acknowledged epoch) reaches the value it was tagged with; then it leaves through
 * `release`. The hold records how much delay it added to each output.
 */
import type { MachineOutput } from '../../harness/host/types.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import { SampleSet } from './stats.ts';

/** Most outputs held at once: a stated bound; a producer must stall before reaching it (`full`). */
export const MAX_HELD_OUTPUTS = 16_384;

interface HeldOutput {
  readonly output: MachineOutput;
  /** The watermark that must be reached before it may leave. */
  readonly requires: number;
}

/** Outputs waiting for a watermark, released in production order. */
export class OutputHold {
  private held: HeldOutput[] = [];
  private head = 0;
  /** Delay added to each output (release time minus production time), including zero delays. */
  readonly delays = new SampleSet();

  /** `release` lets an output leave (normally `VmHost.release`); `nowNs` reads the simulation clock. */
  constructor(
    private readonly release: (output: MachineOutput) => void,
    private readonly nowNs: () => TimeNs,
  ) {}

  /** Outputs held now. */
  get size(): number {
    return this.held.length - this.head;
  }

  /** True when the producer must stall until some outputs leave. */
  get full(): boolean {
    return this.size >= MAX_HELD_OUTPUTS;
  }

  /** Lets `output` leave now if `watermark >= requires`, else holds it until `releaseUpTo` reaches it. */
  submit(output: MachineOutput, requires: number, watermark: number): void {
    if (this.size === 0 && watermark >= requires) return this.leave(output);
    if (this.full) throw new Error(`output hold: more than ${MAX_HELD_OUTPUTS} outputs held; the producer should have stalled`);
    const last = this.held[this.held.length - 1];
    // Outputs are tagged in production order, so the tags never go down; a later output cannot
    // need less than an earlier one, and holding them in one queue keeps their order.
    if (this.size > 0 && last !== undefined && requires < last.requires) throw new Error(`output hold: tag ${requires} after ${last.requires}`);
    this.held.push({ output, requires });
  }

  /** Releases, in order, every held output whose tag is at most `watermark`. */
  releaseUpTo(watermark: number): void {
    while (this.head < this.held.length && this.held[this.head]!.requires <= watermark) this.leave(this.held[this.head++]!.output);
    this.compact();
  }

  /** Releases every held output (a primary that won test-and-set goes on alone). */
  releaseAll(): void {
    while (this.head < this.held.length) this.leave(this.held[this.head++]!.output);
    this.compact();
  }

  /** Forgets every held output (a replica that halts: they never happened for the world). */
  discardAll(): number {
    const count = this.size;
    this.held = [];
    this.head = 0;
    return count;
  }

  private leave(output: MachineOutput): void {
    this.delays.add(Math.max(0, this.nowNs() - output.timeNs));
    this.release(output);
  }

  private compact(): void {
    if (this.head === this.held.length) {
      this.held = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.held.length) {
      this.held = this.held.slice(this.head);
      this.head = 0;
    }
  }
}
