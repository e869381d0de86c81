/**
 * The published figures ftbench's results are set beside, as data with their citations. These
 * are the papers' numbers, not ftbench results: the ftbench side of every comparison is computed
 * from the rows in `results/` (comparisons.ts), never written here.
 */

/** A paper, as REPORT.md cites it. */
export interface Source {
  /** Short form for table cells: `VMware FT, Table 2`. */
  readonly short: string;
  /** The full reference, listed once at the end of the report. */
  readonly reference: string;
}

export const VMWARE_FT: Source = {
  short: 'VMware FT (Scales et al., 2010)',
  reference: 'D. J. Scales, M. Nelson, G. Venkitachalam. "The Design of a Practical System for Fault-Tolerant Virtual Machines". ACM SIGOPS Operating Systems Review 44(4), 2010.',
};

export const REMUS: Source = {
  short: 'Remus (Cully et al., 2008)',
  reference: 'B. Cully, G. Lefebvre, D. Meyer, M. Feeley, N. Hutchinson, A. Warfield. "Remus: High Availability via Asynchronous Virtual Machine Replication". NSDI 2008.',
};

export const LECTURE: Source = {
  short: 'lecture notes (shared/lecture-notes.md)',
  reference: 'The primary-backup replication lecture notes the project started from (fail-stop failures, split brain, the output rule, test-and-set, application- vs machine-level operations).',
};

/** VMware FT, Table 1: FT/non-FT performance ratios of server workloads (SPECJbb, kernel compile, Oracle Swingbench, MS-SQL DVD Store). */
export const FT_PERFORMANCE_RATIO = { low: 0.94, high: 0.99 } as const;
/** VMware FT, Table 1: logging bandwidth of the same server workloads, Mbit/s. */
export const FT_LOGGING_MBIT_PER_SEC = { low: 1.5, high: 18 } as const;
/** VMware FT, §5.1: logging bandwidth of an idle guest (mostly timer interrupts), Mbit/s. */
export const FT_IDLE_LOGGING_MBIT_PER_SEC = { low: 0.5, high: 1.5 } as const;

/** VMware FT, Table 2: netperf throughput, Mbit/s, without FT and with FT over a 1 or 10 Gbit/s logging link. */
export const NETPERF_MBIT_PER_SEC = {
  receiveWithoutFt: 940,
  receiveFtLogging1Gbit: 604,
  receiveFtLogging10Gbit: 860,
  transmitFtLogging1Gbit: 855,
  transmitFtLogging10Gbit: 935,
} as const;

/** Remus §4: checkpoints per second in its overhead measurements (kernel build, SPECweb). */
export const REMUS_CHECKPOINTS_PER_SEC = { low: 20, high: 40 } as const;
/**
 * How much slower CPU-heavy work runs at those rates, as the project's design reads Remus §4
 * (shared/DESIGN.md: "roughly 1.5–3x slower at 20–40 checkpoints per second").
 */
export const REMUS_SLOWDOWN = { low: 1.5, high: 3 } as const;
