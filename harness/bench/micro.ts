/**
 * `npm run bench:micro`: wall-clock microbenchmarks of the hot paths (event queue, network, VM
 * interpreter), with tinybench. Reports medians; these numbers depend on the machine and its load,
 * so they are printed, not committed. Usage: npm run bench:micro [-- --time MS] [-- --filter TEXT] [-- --json]
 * (`--filter guest` measures only whole guest programs against qemu-riscv32; `--filter whole` only whole runs)
 */
import { Bench } from 'tinybench';
import { registerCheckBenchmarks } from '../check/check.bench.ts';
import { registerNetBenchmarks } from '../net/net.bench.ts';
import { registerSimBenchmarks } from '../sim/sim.bench.ts';
import { registerVmBenchmarks } from '../vm/vm.bench.ts';
import { measureGuestSpeeds } from './guest-vs-qemu.ts';
import { workUnits } from './units.ts';
import { ConfigError } from '../errors.ts';
import { createProgress } from '../cli/progress.ts';
import { parseCount, parseFlags } from './flags.ts';
import { measureWholeRuns } from './whole-runs.ts';

function usage(): string {
  return [
    'usage: npm run bench:micro [-- [--time MS] [--filter TEXT] [--json]]',
    '',
    `  --time MS       time per task in milliseconds, 1 to ${MAX_TIME_MS} (default 2000)`,
    '  --filter TEXT   only tasks whose name contains TEXT (`guest` or `qemu`: whole guest programs against qemu-riscv32)',
    '  --json          print one JSON object { tasks, guests } instead of tables',
    '  -h, --help      this help',
  ].join('\n');
}

/** An upper bound on --time: ten minutes per task is already far more than a stable median needs. */
const MAX_TIME_MS = 600_000;

function parseMicroArguments(argv: string[]) {
  const { values } = parseFlags({ args: argv, options: { time: { type: 'string', default: '2000' }, filter: { type: 'string', default: '' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } }, usage());
  return { help: values.help === true, timeMs: parseCount(values.time, '--time', 1, MAX_TIME_MS), filter: values.filter, json: values.json };
}

let values: ReturnType<typeof parseMicroArguments>;
try {
  values = parseMicroArguments(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`ftbench bench:micro: ${error.message}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage());
  process.exit(0);
}
const { timeMs } = values;

const bench = new Bench({ name: 'ftbench micro', time: timeMs, warmupTime: Math.min(500, timeMs / 4) });
registerSimBenchmarks(bench);
registerNetBenchmarks(bench);
registerVmBenchmarks(bench);
registerCheckBenchmarks(bench);

const selected = bench.tasks.filter((task) => task.name.includes(values.filter));
for (const task of bench.tasks) if (!selected.includes(task)) bench.remove(task.name);
// Progress per finished task (tinybench's 'cycle' event fires once a task's samples are taken).
const progress = createProgress({ label: 'bench:micro', total: bench.tasks.length, unit: 'tasks' });
let finishedTasks = 0;
bench.addEventListener('cycle', (event) => progress.update(++finishedTasks, event.task?.name));
await bench.run();
progress.finish();

const rows = bench.tasks.map((task) => {
  const result = task.result;
  if (result.state !== 'completed') return { task: task.name, state: result.state };
  const medianMs = result.latency.p50;
  const units = workUnits(bench, task.name);
  return {
    task: task.name,
    medianMsPerIteration: Number(medianMs.toFixed(4)),
    medianRate: units === undefined ? null : `${formatRate((units.perIteration * 1000) / medianMs)} ${units.unit}/s`,
    samples: result.latency.samplesCount,
  };
});
const guests = values.filter === '' || 'guest'.includes(values.filter) || values.filter.includes('qemu') ? measureGuestSpeeds() : [];
const wholeRuns = values.filter === '' || values.filter.includes('whole') ? measureWholeRuns() : [];
if (values.json) {
  console.log(JSON.stringify({ tasks: rows, guests, wholeRuns }, null, 2));
} else {
  console.table(rows);
  if (guests.length > 0) {
    console.log('guest programs, ftbench VM vs qemu-riscv32 (qemu start-up subtracted; null: qemu-riscv32 not installed, or the program ran too briefly under it to time)');
    console.table(guests);
  }
  if (wholeRuns.length > 0) {
    console.log('whole runs (wall time, medians of 3 after a warm-up)');
    console.table(wholeRuns);
  }
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k`;
  return perSecond.toFixed(1);
}
