/**
 * Crash-point exploration for small runs: run once without faults to learn how many client replies
 * the primary sends, then once per point with a crash of the primary right after that reply, and
 * collect every point at which a checker objects — each with the command that replays it.
 */
import { type ExperimentConfig, type RunEnvironment, type RunReport, violations } from './types.ts';
import { runExperiment } from './experiment.ts';

/** One crash point that broke a checker. */
export interface FailingPoint {
  readonly nth: number;
  readonly verdicts: RunReport['verdicts'];
  /** The `ftbench run` command that replays this point. */
  readonly replay: string;
}

export interface ExploreResult {
  readonly pointsTried: number;
  readonly failing: readonly FailingPoint[];
}

/** Shell-quotes one argument if it needs it. */
function quote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", "'\\''")}'`;
}

/** The `ftbench run` command line for a config. */
export function replayCommand(config: ExperimentConfig): string {
  const settings = Object.entries(config.settings).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  return ['npx', 'ftbench', 'run', '--strategy', config.strategy, '--workload', config.workload, '--scenario', typeof config.scenario === 'string' ? config.scenario : JSON.stringify(config.scenario), '--seed', String(config.seed), ...settings].map(quote).join(' ');
}

/**
 * Explores crash points 1..maxPoints (bounded by the replies of the fault-free run). `progress` is
 * told about each point as it finishes.
 */
export function explore(
  base: Omit<ExperimentConfig, 'scenario'>,
  maxPoints: number,
  environment: RunEnvironment,
  progress: (nth: number, report: RunReport) => void = () => {},
): ExploreResult {
  const baseline = runExperiment({ ...base, scenario: 'none' }, environment);
  const points = Math.min(maxPoints, baseline.opsCompleted);
  const failing: FailingPoint[] = [];
  for (let nth = 1; nth <= points; nth++) {
    const config: ExperimentConfig = { ...base, scenario: 'crash-primary-after-reply', settings: { ...base.settings, 'scenario.nth': String(nth) } };
    const report = runExperiment(config, environment);
    progress(nth, report);
    if (violations(report.verdicts).length > 0) failing.push({ nth, verdicts: report.verdicts, replay: replayCommand(config) });
  }
  return { pointsTried: points, failing };
}
