/**
 * Writes each bench experiment the moment its last run (or measurement) is in, in experiment
 * order, so that tables and charts are made while the pool still runs later experiments' runs
 * rather than after all of them. What is written depends only on the outcomes, never on when or
 * in what order they came.
 */
import type { Row } from '../report/tables.ts';
import type { ExperimentConfig } from '../runner/types.ts';
import type { Measurement, MeasureResult, RunOutcome } from './executor-types.ts';
import type { Cell, Experiment } from './experiment.ts';
import { tabulate, type PlannedRun, type Tabulation } from './plan.ts';

/** An experiment with its selected cells and the runs they need. */
export interface Planned {
  readonly experiment: Experiment;
  readonly cells: readonly Cell[];
  readonly runs: readonly PlannedRun[];
}

/** Writes one experiment's tables; returns what to print as where they went. */
export type WriteExperiment = (experiment: Experiment, table: Extract<Tabulation, { state: 'ok' }>) => Promise<string>;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function reportFailures(experiment: Experiment, failures: readonly string[]): void {
  console.error(`${experiment.name}: ${failures.length} run(s) failed, so its results were not written (the other runs are kept in the cache):`);
  for (const failure of failures) console.error(`  ${failure}`);
}

function failureText(failure: Extract<RunOutcome, { state: 'failed' }>): string {
  return `${JSON.stringify(failure.config)}\n    ${failure.message.split('\n').slice(0, 6).join('\n    ')}\n    replay: ${failure.replay}`;
}

const measurementKey = (measurement: Measurement) => JSON.stringify([measurement.experiment, measurement.labels, measurement.seed]);

/** The measurements of the experiments that measure their cells themselves, every cell under every seed. */
export function measurementsOf(plans: readonly Planned[], seeds: readonly number[]): Measurement[] {
  return plans.flatMap(({ experiment, cells }) => (experiment.measure === undefined ? [] : cells.flatMap((cell) => seeds.map((seed) => ({ experiment: experiment.name, labels: cell.labels, seed })))));
}

/** When an experiment's tasks settled, ms since the bench started: its wall time is the span. */
interface Span {
  firstMs: number;
  lastMs: number;
}

/**
 * Writes each experiment the moment its last run (or measurement) is in, in experiment order, so
 * that tables and charts are made while the pool still runs the later experiments' runs rather
 * than after all of them. What is written depends only on the outcomes, never on when they came.
 */
export class ExperimentWriter {
  private readonly outcomes = new Map<string, RunOutcome>();
  private readonly measured = new Map<string, MeasureResult>();
  private readonly remaining: number[];
  private readonly plansOfKey = new Map<string, number[]>();
  private readonly spans: Array<Span | undefined>;
  private nextToWrite = 0;
  private writing: Promise<void> = Promise.resolve();
  failed = 0;

  constructor(
    private readonly plans: readonly Planned[],
    private readonly seeds: readonly number[],
    private readonly key: (config: ExperimentConfig) => string,
    private readonly write: WriteExperiment,
    private readonly startedMs = performance.now(),
  ) {
    this.remaining = plans.map(() => 0);
    this.spans = plans.map(() => undefined);
    plans.forEach(({ runs }, index) => {
      for (const runKey of new Set(runs.map((run) => key(run.config)))) {
        this.plansOfKey.set(runKey, [...(this.plansOfKey.get(runKey) ?? []), index]);
        this.remaining[index]!++;
      }
    });
    for (const measurement of measurementsOf(plans, seeds)) {
      const index = plans.findIndex((plan) => plan.experiment.name === measurement.experiment);
      this.plansOfKey.set(measurementKey(measurement), [index]);
      this.remaining[index]!++;
    }
    this.flush();
  }

  onSettled(outcome: RunOutcome): void {
    const key = this.key(outcome.config);
    this.outcomes.set(key, outcome);
    this.settled(key);
  }

  onMeasured(measurement: Measurement, result: MeasureResult): void {
    this.measured.set(measurementKey(measurement), result);
    this.settled(measurementKey(measurement));
  }

  /** Waits for every experiment to be written (all tasks must have settled). */
  async finished(): Promise<void> {
    await this.writing;
    if (this.nextToWrite !== this.plans.length) throw new Error(`bench: ${this.plans.length - this.nextToWrite} experiment(s) still wait for runs after the pool finished`);
  }

  private settled(key: string): void {
    const nowMs = performance.now() - this.startedMs;
    for (const index of this.plansOfKey.get(key) ?? []) {
      this.remaining[index]!--;
      const span = this.spans[index];
      if (span === undefined) this.spans[index] = { firstMs: nowMs, lastMs: nowMs };
      else span.lastMs = nowMs;
    }
    this.flush();
  }

  private flush(): void {
    while (this.nextToWrite < this.plans.length && this.remaining[this.nextToWrite] === 0) {
      const index = this.nextToWrite++;
      this.writing = this.writing.then(() => this.writeOne(index));
    }
  }

  private async writeOne(index: number): Promise<void> {
    const { experiment, cells, runs } = this.plans[index]!;
    const mine = runs.map((run) => this.outcomes.get(this.key(run.config))!);
    const measuredFailures: string[] = [];
    const rowOf = (labels: Row, seed: number): Row => {
      const result = this.measured.get(measurementKey({ experiment: experiment.name, labels, seed }))!;
      if (result.state === 'ok') return result.row;
      measuredFailures.push(`measuring ${JSON.stringify(labels)} seed ${seed}: ${result.message.split('\n').slice(0, 6).join('\n    ')}`);
      return {};
    };
    // An experiment that measures its cells gets the rows the pool measured, the same rows its own `row` would give.
    const tabulated: Experiment = experiment.measure === undefined ? experiment : { ...experiment, row: (cell, _outcomes, seed) => rowOf(cell.labels, seed) };
    const writtenMs = performance.now();
    const table = tabulate(tabulated, cells, this.seeds, runs, mine);
    if (table.state === 'failed' || measuredFailures.length > 0) {
      reportFailures(experiment, table.state === 'failed' ? table.failures.map(failureText) : measuredFailures);
      this.failed++;
      return;
    }
    const written = await this.write(experiment, table);
    const distinct = [...new Map(mine.map((outcome) => [this.key(outcome.config), outcome])).values()];
    const runSeconds = distinct.reduce((sum, outcome) => sum + (outcome.state === 'ok' && !outcome.cached ? outcome.report.wallSeconds : 0), 0);
    const span = this.spans[index];
    const spanText = span === undefined ? 'no tasks' : `tasks settled ${seconds(span.firstMs)} to ${seconds(span.lastMs)} after the start (${seconds(span.lastMs - span.firstMs)})`;
    const doneMs = performance.now();
    console.error(`${experiment.name}: ${cells.length} cells × ${this.seeds.length} seeds, ${spanText}, ${runSeconds.toFixed(1)} s of run time in workers, tables and charts in ${seconds(doneMs - writtenMs)} -> ${written}`);
  }
}

