/**
 * What logging costs the primary's CPU (VMware FT: the primary's hypervisor records every
 * non-deterministic event and input and sends it over the logging channel; Scales et al. 2010,
 * §2.1, §5). Each log entry costs a fixed time (the exit into the hypervisor that records it) and
 * a time per encoded byte (copying it into the log buffer and through the network stack), taken
 * from the guest: the guest's next instruction runs that much later (`VmHost.chargeCpu`). A
 * saturated logging path — a stream of received frames, every byte of which is logged — so slows
 * the primary itself, not only its outputs.
 *
 * The charge is applied by wrapping the primary's host policy: every input it delivers and every
 * non-deterministic read it serves while logging is one entry. PROGRESS marks (one per heartbeat)
 * and batch framing are not charged. Neither default is a published measurement; what the
 * literature does and does not say about them: strategies/vmft/README.md.
 */
import { DelegatingPolicy } from '../../harness/host/delegating-policy.ts';
import type { HardwareClock, HostPolicy, MachineInput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import { ByteWriter } from '../../harness/net/codec.ts';
import type { ParameterSpec } from '../../harness/params.ts';
import type { StrategyContext } from '../types.ts';
import { type LogEntry, writeEntry } from './log-entry.ts';
import { PrimaryPolicy, inputEntry } from './primary-policy.ts';

/** The cost model's parameters, in ns. */
export interface LoggingCost {
  readonly nsPerEntry: number;
  readonly nsPerByte: number;
}

/**
 * Not a measurement: no published per-entry recording cost was found. Sources found put one VM
 * exit at "hundreds or thousands of cycles" (Intel, "Understanding VM Exits", 2009); 1 µs is
 * 1,000 cycles of the 1000-MIPS host. README.md lists what was and was not retrieved.
 */
export const LOG_CPU_NS_PER_ENTRY_DEFAULT = 1000;
/**
 * Not a measurement: the "1 GHz per 1 Gbit/s" TCP rule of thumb, one cycle per bit, 8 ns a byte at
 * 1000 MIPS (8.2 µs/KB of netperf service demand). Foong et al. (ISPASS 2003) question the rule,
 * and Menon and Zwaenepoel (USENIX ATC 2008) report transmit, the logging channel's direction,
 * as the side with per-byte savings (TSO, checksum offload), so it more likely overstates than
 * understates; no transmit figure was found to replace it (README.md).
 */
export const LOG_CPU_NS_PER_BYTE_DEFAULT = 8;

export const LOGGING_COST_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'log-cpu-ns-per-entry', description: 'primary CPU time per log entry (the exit into the hypervisor that records it), in ns; unsourced order of magnitude (a VM exit: hundreds to thousands of cycles), see strategies/vmft/README.md', kind: 'integer', default: LOG_CPU_NS_PER_ENTRY_DEFAULT, min: 0, max: 1_000_000 },
  { name: 'log-cpu-ns-per-byte', description: 'primary CPU time per logged byte (buffer copy and TCP transmit), in ns; unsourced: 8 is the 1 GHz per Gbit/s rule of thumb, likely high for a sender with TSO, see strategies/vmft/README.md', kind: 'number', default: LOG_CPU_NS_PER_BYTE_DEFAULT, min: 0, max: 1_000_000 },
];

/** Where the charges go: the figures count them. */
export interface LoggingCostMeter {
  addLoggingCpu(ns: number): void;
}

/** The primary policy `inner` of `vmHost`, with every entry it logs charged to the host's CPU. */
class ChargedLogging extends DelegatingPolicy<PrimaryPolicy> {
  /** The count of the last entry charged: entries encode their count as a delta from it. */
  private lastRetired = 0;

  constructor(
    inner: PrimaryPolicy,
    private readonly vmHost: VmHost,
    private readonly cost: LoggingCost,
    private readonly meter: LoggingCostMeter,
  ) {
    super(inner);
  }

  private charge(entry: LogEntry): void {
    const writer = new ByteWriter();
    writeEntry(writer, entry, Math.min(this.lastRetired, entry.retired));
    this.lastRetired = entry.retired;
    const ns = Math.round(this.cost.nsPerEntry + writer.finish().length * this.cost.nsPerByte);
    this.vmHost.chargeCpu(ns);
    this.meter.addLoggingCpu(ns);
  }

  override takeInputs(retired: number): readonly MachineInput[] {
    const logging = this.inner.logging;
    const inputs = this.inner.takeInputs(retired);
    if (logging) for (const input of inputs) this.charge(inputEntry(input, retired));
    return inputs;
  }

  override readTime(clock: HardwareClock): number {
    const value = this.inner.readTime(clock);
    if (this.inner.logging) this.charge({ kind: 'time', retired: clock.retired, value });
    return value;
  }

  override readCycle(hart: number, clock: HardwareClock): number {
    const value = this.inner.readCycle(hart, clock);
    if (this.inner.logging) this.charge({ kind: 'cycle', retired: clock.retired, hart, value });
    return value;
  }

  override readEntropy(clock: HardwareClock): number {
    const value = this.inner.readEntropy(clock);
    if (this.inner.logging) this.charge({ kind: 'entropy', retired: clock.retired, value });
    return value;
  }
}

function charged(policy: HostPolicy, vmHost: VmHost, cost: LoggingCost, meter: LoggingCostMeter): HostPolicy {
  return policy instanceof PrimaryPolicy ? new ChargedLogging(policy, vmHost, cost, meter) : policy;
}

/**
 * `context` whose machines charge logging to their CPU whenever a primary policy runs them,
 * including a backup that goes live (its role installs a primary policy with setPolicy). The roles
 * are shared with every vmft variant and build their policies themselves; wrapping here keeps the
 * cost model out of them.
 */
export function withLoggingCost(context: StrategyContext, cost: LoggingCost, meter: LoggingCostMeter): StrategyContext {
  if (cost.nsPerEntry === 0 && cost.nsPerByte === 0) return context;
  return {
    ...context,
    createVmHost(host, createMachine, policy) {
      const vmHost: VmHost = context.createVmHost(host, createMachine, (created) => charged(policy(created), created, cost, meter));
      const install = vmHost.setPolicy.bind(vmHost);
      vmHost.setPolicy = (next: HostPolicy) => install(charged(next, vmHost, cost, meter));
      return vmHost;
    },
  };
}

/** The primary CPU time logging took, for the strategy's figures. */
export class LoggingCpuMeter implements LoggingCostMeter {
  private ns = 0;

  addLoggingCpu(ns: number): void {
    this.ns += ns;
  }

  /** `loggingCpuNsTotal` and `loggingCpuFraction` (the share of the run's time it took). */
  report(seconds: number): Record<string, number | null> {
    return { loggingCpuNsTotal: this.ns, loggingCpuFraction: seconds > 0 ? Number((this.ns / (seconds * 1e9)).toFixed(4)) : null };
  }
}
