/**
 * A heartbeat failure detector: the lecture's "has the primary really failed?" answered the only
 * way a fail-stop system can, by silence. Each side sends a heartbeat every interval; any message
 * from the peer (heartbeat, log, ack) counts as a sign of life; silence for longer than the timeout
 * makes the peer suspected. It cannot tell a crash from a partition, which is why a suspicion only
 * leads to going live through test-and-set on the shared storage (see go-live.ts).
 */
import type { Timer } from '../../harness/sim/simulation.ts';
import type { StrategyClock } from '../types.ts';
import type { TimeNs } from '../../harness/sim/types.ts';

/** Options of a heartbeat detector; validated when it is built. */
export interface HeartbeatDetectorOptions {
  /** Time between two heartbeats this side sends. */
  readonly intervalNs: TimeNs;
  /** Silence after which the peer is suspected; longer than several intervals. */
  readonly timeoutNs: TimeNs;
  /** Sends one heartbeat to the peer (the caller encodes it and picks the channel). */
  readonly sendHeartbeat: () => void;
  /** Called once, when the peer has been silent for `timeoutNs`. */
  readonly onSuspect: () => void;
}

/** Sends heartbeats and watches for the peer's signs of life until it suspects it or is stopped. */
export class HeartbeatDetector {
  private lastHeardNs: TimeNs;
  private heartbeatTimer: Timer | undefined;
  private suspectTimer: Timer | undefined;
  private running = false;

  constructor(
    private readonly sim: StrategyClock,
    private readonly options: HeartbeatDetectorOptions,
  ) {
    if (!Number.isSafeInteger(options.intervalNs) || options.intervalNs <= 0) throw new RangeError(`heartbeat interval ${options.intervalNs} ns must be an integer > 0`);
    if (!Number.isSafeInteger(options.timeoutNs) || options.timeoutNs <= options.intervalNs) {
      throw new RangeError(`failure timeout ${options.timeoutNs} ns must be an integer above the heartbeat interval ${options.intervalNs} ns`);
    }
    this.lastHeardNs = sim.nowNs;
  }

  /** Whether it still watches (not suspected, not stopped). */
  get active(): boolean {
    return this.running;
  }

  /** Starts sending and watching; the peer counts as heard now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastHeardNs = this.sim.nowNs;
    this.beat();
    this.armSuspicion();
  }

  /** A sign of life from the peer. */
  heard(): void {
    this.lastHeardNs = this.sim.nowNs;
  }

  /**
   * Sends one heartbeat now, between the regular ones (news the peer should not wait an interval
   * for); the schedule is unchanged.
   */
  beatNow(): void {
    if (this.running) this.options.sendHeartbeat();
  }

  /** Stops sending and watching (a replica that halted, or went on alone). */
  stop(): void {
    this.running = false;
    this.heartbeatTimer?.cancel();
    this.suspectTimer?.cancel();
    this.heartbeatTimer = undefined;
    this.suspectTimer = undefined;
  }

  private beat(): void {
    if (!this.running) return;
    this.options.sendHeartbeat();
    this.heartbeatTimer = this.sim.timer(this.options.intervalNs, () => this.beat());
  }

  /**
   * One timer at the moment the peer would become suspect; when it fires after a sign of life it
   * is simply moved (cheaper than resetting a timer on every message).
   */
  private armSuspicion(): void {
    const dueNs = this.lastHeardNs + this.options.timeoutNs;
    this.suspectTimer = this.sim.timer(Math.max(0, dueNs - this.sim.nowNs), () => {
      if (!this.running) return;
      if (this.sim.nowNs < this.lastHeardNs + this.options.timeoutNs) return this.armSuspicion();
      this.stop();
      this.options.onSuspect();
    });
  }
}
