/**
 * The column dictionary: what each machine column of `results/*.csv` means to a reader — its
 * label, its unit (in text and in siunitx form for LaTeX) and how many significant digits a table
 * shows. The CSV keeps the machine names; the Markdown and LaTeX tables, the notebook and
 * REPORT.md show these labels. A column missing here gets a label derived from its name.
 */

/** A unit as tables print it. */
export interface Unit {
  /** Plain text (Markdown, REPORT.md): `µs`, `Mbit/s`. */
  readonly text: string;
  /** LaTeX, with siunitx's unit macros: `\si{\micro\second}`. */
  readonly latex: string;
}

/** What a column means and how a table prints it. */
export interface ColumnInfo {
  /** A reader's label without the unit: `p99 latency`. */
  readonly label: string;
  readonly unit?: Unit;
  /**
   * Significant digits of a measured number (3: 18843 ops/s, 16.9 Mbit/s, 0.989); 0 for exact
   * integers (counts, sizes) printed in full.
   */
  readonly digits?: number;
}

const UNITS = {
  us: { text: 'µs', latex: '\\si{\\micro\\second}' },
  ms: { text: 'ms', latex: '\\si{\\milli\\second}' },
  seconds: { text: 's', latex: '\\si{\\second}' },
  mbitPerSec: { text: 'Mbit/s', latex: '\\si{\\mega\\bit\\per\\second}' },
  gbitPerSec: { text: 'Gbit/s', latex: '\\si{\\giga\\bit\\per\\second}' },
  opsPerSec: { text: 'ops/s', latex: 'ops/\\si{\\second}' },
  bytes: { text: 'bytes', latex: 'bytes' },
  bytesPerOp: { text: 'bytes/op', latex: 'bytes/op' },
  instructionsPerOp: { text: 'instructions/op', latex: 'instructions/op' },
  hz: { text: 'Hz', latex: '\\si{\\hertz}' },
  perSec: { text: '/s', latex: '\\si{\\per\\second}' },
} as const satisfies Record<string, Unit>;

/** Every column the experiments write. */
export const COLUMNS: Readonly<Record<string, ColumnInfo>> = {
  workload: { label: 'workload' },
  strategy: { label: 'strategy' },
  scenario: { label: 'scenario' },
  status: { label: 'status' },
  mode: { label: 'mode' },
  setup: { label: 'setup' },
  flaw: { label: 'flaw' },
  verdict: { label: 'verdict' },
  value: { label: 'value' },
  caught: { label: 'violation found' },
  seeds: { label: 'seeds', digits: 0 },
  opsCompleted: { label: 'operations completed', digits: 0 },
  opsUnknown: { label: 'operations with unknown outcome', digits: 0 },
  throughputOpsPerSec: { label: 'throughput', unit: UNITS.opsPerSec, digits: 3 },
  performanceRatio: { label: 'ratio to no replication', digits: 3 },
  latencyP50Us: { label: 'median latency', unit: UNITS.us, digits: 3 },
  latencyP99Us: { label: 'p99 latency', unit: UNITS.us, digits: 3 },
  instructionsPerOp: { label: 'guest work', unit: UNITS.instructionsPerOp, digits: 3 },
  virtualSeconds: { label: 'virtual time', unit: UNITS.seconds, digits: 3 },
  linearizable: { label: 'linearizable' },
  divergence: { label: 'divergence' },
  splitBrain: { label: 'split brain' },
  outputRule: { label: 'output rule kept' },
  violations: { label: 'violations' },
  recovered: { label: 'recovered' },
  detectionMs: { label: 'detection', unit: UNITS.ms, digits: 3 },
  downtimeMs: { label: 'client-seen downtime', unit: UNITS.ms, digits: 3 },
  replicationMbitPerSec: { label: 'replication traffic', unit: UNITS.mbitPerSec, digits: 3 },
  replicationBytesPerOp: { label: 'replication traffic', unit: UNITS.bytesPerOp, digits: 3 },
  outputDelayP50Us: { label: 'median output delay', unit: UNITS.us, digits: 3 },
  payloadMbitPerSec: { label: 'payload', unit: UNITS.mbitPerSec, digits: 3 },
  linkGbitPerSec: { label: 'link', unit: UNITS.gbitPerSec, digits: 0 },
  messageBytes: { label: 'message size', unit: UNITS.bytes, digits: 0 },
  messages: { label: 'messages', digits: 0 },
  wireBytesPerMessage: { label: 'wire size per message', unit: UNITS.bytes, digits: 0 },
  goodputMbitPerSec: { label: 'goodput', unit: UNITS.mbitPerSec, digits: 4 },
  firstMessageLatencyUs: { label: 'first-message latency', unit: UNITS.us, digits: 3 },
  availability: { label: 'available again' },
  clients: { label: 'clients', digits: 0 },
  tickHz: { label: 'guest tick', unit: UNITS.hz, digits: 0 },
  logMbitPerSec: { label: 'log', unit: UNITS.mbitPerSec, digits: 3 },
  entriesTimerPerSec: { label: 'timer entries', unit: UNITS.perSec, digits: 3 },
  entriesTimePerSec: { label: 'clock-read entries', unit: UNITS.perSec, digits: 3 },
  epochMs: { label: 'epoch', unit: UNITS.ms, digits: 0 },
  checkpointsPerSec: { label: 'checkpoints', unit: UNITS.perSec, digits: 3 },
  completionMs: { label: 'job completion', unit: UNITS.ms, digits: 3 },
  slowdown: { label: 'slowdown (× none)', digits: 3 },
  computeSlowdown: { label: 'slowdown without the reply\'s wait (× none)', digits: 3 },
  pauseFraction: { label: 'share of time paused', digits: 2 },
  outputDelayMs: { label: 'median output delay', unit: UNITS.ms, digits: 3 },
  failureTimeoutMs: { label: 'failure timeout', unit: UNITS.ms, digits: 0 },
  falseSuspicions: { label: 'false suspicions', digits: 2 },
  falseFailovers: { label: 'false failovers', digits: 2 },
  crashViolations: { label: 'violations after the crash' },
  lossViolations: { label: 'violations under loss' },
};

/** Unit suffixes a derived label recognises, longest first (names put units last, STYLE.md). */
const SUFFIX_UNITS: ReadonlyArray<readonly [string, Unit]> = [
  ['MbitPerSec', UNITS.mbitPerSec],
  ['GbitPerSec', UNITS.gbitPerSec],
  ['OpsPerSec', UNITS.opsPerSec],
  ['BytesPerOp', UNITS.bytesPerOp],
  ['Bytes', UNITS.bytes],
  ['Us', UNITS.us],
  ['Ms', UNITS.ms],
  ['Seconds', UNITS.seconds],
];

/** A label from a camelCase machine name: `idleLoggingMbitPerSec` → `idle logging`, Mbit/s. */
function derived(name: string): ColumnInfo {
  for (const [suffix, unit] of SUFFIX_UNITS) {
    if (name.endsWith(suffix) && name.length > suffix.length) return { label: words(name.slice(0, -suffix.length)), unit, digits: 3 };
  }
  return { label: words(name), digits: 3 };
}

/** camelCase to lower-case words, keeping percentiles such as P99 as `p99`. */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** What a column means: its dictionary entry, or one derived from its name. */
export function columnInfo(name: string): ColumnInfo {
  return COLUMNS[name] ?? derived(name);
}

/** The header of a column in Markdown or REPORT.md: `p99 latency (µs)`. */
export function columnHeader(name: string): string {
  const info = columnInfo(name);
  return info.unit === undefined ? info.label : `${info.label} (${info.unit.text})`;
}
