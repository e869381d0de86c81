/**
 * `ftbench explore --strategy S --workload W [--seed N] [--set key=value ...] [--points N] [--json]`:
 * tries a crash of the primary right after each of its first N client replies and reports every
 * point at which a checker objects, with the command that replays it. Exit 1 if any point failed.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.ts';
import { explore } from '../runner/explore.ts';
import { hostEnvironment } from './files.ts';
import { parseSeed, parseSettings } from './arguments.ts';

const USAGE = 'usage: ftbench explore --strategy S --workload W [--seed N] [--set key=value ...] [--points N] [--json]';

export async function exploreCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { strategy: { type: 'string' }, workload: { type: 'string' }, seed: { type: 'string' }, set: { type: 'string', multiple: true }, points: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values } = parsed;
  if (values.strategy === undefined || values.workload === undefined) throw new ConfigError(`--strategy and --workload are required\n\n${USAGE}`);
  const points = Number(values.points ?? '50');
  if (!Number.isSafeInteger(points) || points < 1 || points > 100_000) throw new ConfigError(`--points ${values.points} is not valid: expected an integer from 1 to 100000`);
  const settings = { operations: '60', ...parseSettings(values.set ?? []) };
  const base = { strategy: values.strategy, workload: values.workload, seed: parseSeed(values.seed ?? '1'), settings };
  if (values.json !== true) console.log(`ftbench explore: seed ${base.seed}, strategy ${base.strategy}, workload ${base.workload}, crash after each of the primary's first ${points} replies`);
  const result = explore(base, points, hostEnvironment, (nth, report) => {
    if (values.json === true) return;
    const { linearizable, splitBrain, divergence } = report.verdicts;
    process.stderr.write(`  point ${nth}: linearizable ${linearizable}, split brain ${splitBrain}, divergence ${divergence ?? 'n/a'}\n`);
  });
  if (values.json === true) console.log(JSON.stringify(result));
  else {
    console.log(`${result.pointsTried} points tried, ${result.failing.length} broke a checker`);
    for (const point of result.failing) console.log(`  after reply ${point.nth}: ${JSON.stringify(point.verdicts)}\n    replay: ${point.replay}`);
  }
  return result.failing.length > 0 ? 1 : 0;
}
