/**
 * `npm run bench:micro`: wall-clock microbenchmarks of the hot paths (event queue, network, VM
 * interpreter), with tinybench. Reports medians; these numbers depend on the machine and its load,
 * so they are printed, not committed. Usage: npm run bench:micro [-- --time MS] [-- --filter TEXT] [-- --json]
 * (`--filter guest` measures only whole guest programs against qemu-riscv32; `--filter whole` only whole runs)
 */
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { registerCheckBenchmarks } from '../check/check.bench.ts';
import { registerNetBenchmarks } from '../net/net.bench.ts';
import { registerSimBenchmarks } from '../sim/sim.bench.ts';
import { registerVmBenchmarks } from '../vm/vm.bench.ts';
import { measureGuestSpeeds } from './guest-vs-qemu.ts';
import { workUnits } from './units.ts';
import { measureWholeRuns } from './whole-runs.ts';

const { values } = parseArgs({
  options: { time: { type: 'string', default: '2000' }, filter: { type: 'string', default: '' }, json: { type: 'boolean', default: false } },
});
const timeMs = Number(values.time);
if (!Number.isFinite(timeMs) || timeMs <= 0) {
  console.error(`--time ${values.time} is not valid: expected milliseconds > 0`);
  process.exit(2);
}

const bench = new Bench({ name: 'ftbench micro', time: timeMs, warmupTime: Math.min(500, timeMs / 4) });
registerSimBenchmarks(bench);
registerNetBenchmarks(bench);
registerVmBenchmarks(bench);
registerCheckBenchmarks(bench);

const selected = bench.tasks.filter((task) => task.name.includes(values.filter));
for (const task of bench.tasks) if (!selected.includes(task)) bench.remove(task.name);
await bench.run();

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
