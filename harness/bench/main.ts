/**
 * `npm run bench`: regenerates every result in `results/`. Each experiment writes its tidy CSV,
 * Markdown and LaTeX tables, the vega-lite spec (with its data inlined) and its renderings in SVG,
 * PNG and PDF, each file atomically, so an interrupted run loses nothing already written.
 * Wall-clock time is measured here, in the outer runner, and printed, never written into the
 * deterministic results.
 *
 * Usage: npm run bench [-- --only NAME] [-- --seed N] [-- --out DIR]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, listAccepted } from '../errors.ts';
import { writeFileAtomic } from '../report/atomic.ts';
import { renderSvg } from '../report/chart.ts';
import { svgToPdf, svgToPng } from '../report/render.ts';
import { toCsv, toLatex, toMarkdown } from '../report/tables.ts';
import { validateSeed } from '../sim/random.ts';
import type { BenchContext, Experiment } from './experiment.ts';
import { experiments } from './experiments/index.ts';
import { RunCache } from './run-cache.ts';


async function runExperiment(experiment: Experiment, context: BenchContext, outDir: string): Promise<void> {
  const started = performance.now();
  const { seed } = context;
  const rows = experiment.rows(context);
  const base = join(outDir, experiment.name);
  writeFileAtomic(`${base}.csv`, toCsv(rows, experiment.columns));
  writeFileAtomic(`${base}.md`, `# ${experiment.name}\n\n${experiment.description} (seed ${seed}).\n\n${toMarkdown(rows, experiment.columns)}`);
  writeFileAtomic(`${base}.tex`, `% ${experiment.name}: ${experiment.description} (seed ${seed}).\n${toLatex(rows, experiment.columns)}`);
  const spec = experiment.chart(rows);
  writeFileAtomic(`${base}.vl.json`, `${JSON.stringify(spec, null, 2)}\n`);
  const svg = await renderSvg(spec);
  writeFileAtomic(`${base}.svg`, svg);
  writeFileAtomic(`${base}.png`, svgToPng(svg));
  writeFileAtomic(`${base}.pdf`, await svgToPdf(svg));
  const seconds = (performance.now() - started) / 1000;
  console.error(`${experiment.name}: ${rows.length} rows in ${seconds.toFixed(2)} s wall -> ${base}.{csv,md,tex,vl.json,svg,png,pdf}`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, seed: { type: 'string', default: '1' }, out: { type: 'string', default: 'results' } } });
  const seed = validateSeed(Number(values.seed));
  const selected = values.only === undefined ? experiments : experiments.filter((experiment) => experiment.name === values.only);
  if (selected.length === 0) throw new ConfigError(`unknown experiment "${values.only}": expected ${listAccepted(experiments.map((e) => e.name))}`);
  console.error(`ftbench bench: seed ${seed}, ${selected.length} experiment(s), writing to ${values.out}/`);
  const cache = new RunCache(join(values.out, '.cache'));
  const context: BenchContext = { seed, run: (config) => cache.run(config) };
  for (const experiment of selected) await runExperiment(experiment, context, values.out);
  const pruned = values.only === undefined ? cache.pruneUnused() : 0;
  console.error(`runs: ${cache.misses} executed, ${cache.hits} reused from ${join(values.out, '.cache')}/ (an interrupted sweep resumes from there), ${pruned} stale removed`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof RangeError)) throw error;
  console.error(`ftbench bench: ${error.message}`);
  process.exitCode = 2;
}
