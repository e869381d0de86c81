/** Writes one experiment's results, each file atomically: tables (CSV, Markdown, LaTeX), the chart spec and its renderings. */
import { join } from 'node:path';
import { writeFileAtomic } from '../report/atomic.ts';
import { renderSvg } from '../report/chart.ts';
import { svgToPdf, svgToPng } from '../report/render.ts';
import { toCsv, toLatex, toMarkdown, type Row } from '../report/tables.ts';
import type { Experiment } from './experiment.ts';
import { runColumns, summaryColumns } from './summary.ts';

function seedText(seeds: readonly number[]): string {
  return seeds.length === 1 ? `seed ${seeds[0]}` : `seeds ${seeds[0]} to ${seeds[seeds.length - 1]}; medians with 95 % bootstrap intervals`;
}

export async function writeExperiment(experiment: Experiment, table: { readonly runRows: readonly Row[]; readonly summaryRows: readonly Row[] }, outDir: string, seeds: readonly number[]): Promise<void> {
  const base = join(outDir, experiment.name);
  const columns = summaryColumns(experiment);
  writeFileAtomic(`${base}.runs.csv`, toCsv(table.runRows, runColumns(experiment)));
  writeFileAtomic(`${base}.csv`, toCsv(table.summaryRows, columns));
  writeFileAtomic(`${base}.md`, `# ${experiment.name}\n\n${experiment.description} (${seedText(seeds)}).\n\n${toMarkdown(table.summaryRows, columns)}`);
  writeFileAtomic(`${base}.tex`, `% ${experiment.name}: ${experiment.description} (${seedText(seeds)}).\n${toLatex(table.summaryRows, columns)}`);
  const spec = experiment.chart(table.summaryRows);
  writeFileAtomic(`${base}.vl.json`, `${JSON.stringify(spec, null, 2)}\n`);
  const svg = await renderSvg(spec);
  writeFileAtomic(`${base}.svg`, svg);
  writeFileAtomic(`${base}.png`, svgToPng(svg));
  writeFileAtomic(`${base}.pdf`, await svgToPdf(svg));
}
