/**
 * `ftbench check --model M FILE.json [--json] [--budget N]`: checks a history file for
 * linearizability. Exit codes: 0 linearizable, 1 not linearizable, 2 unknown (budget spent) or bad
 * input. The file format is documented in harness/check/README.md.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.ts';
import { checkHistory, DEFAULT_BUDGET_STEPS } from '../check/check.ts';
import { formatVerdict } from '../check/format.ts';
import { findModel, models } from '../check/models/index.ts';
import { parseHistory } from '../check/parse.ts';
import type { Verdict } from '../check/types.ts';

const exitCodes: Record<Verdict['state'], number> = { linearizable: 0, 'not-linearizable': 1, unknown: 2 };

function usage(): string {
  const modelLines = models.map((model) => `  ${model.name.padEnd(13)} ${model.summary}`);
  return [
    'usage: ftbench check --model MODEL FILE.json [--json] [--budget STEPS]',
    '',
    'Checks a history for linearizability. Exit 0 linearizable, 1 not linearizable, 2 unknown or bad input.',
    `--budget STEPS  search steps allowed (default ${DEFAULT_BUDGET_STEPS}); past it the verdict is unknown`,
    '--json          print one JSON object instead of text',
    '',
    'models:',
    ...modelLines,
  ].join('\n');
}

export async function checkCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCheckArgs(args);
  if (values.help === true) {
    console.log(usage());
    return 0;
  }
  if (values.model === undefined) throw new ConfigError(`--model is required\n\n${usage()}`);
  const model = findModel(values.model);
  if (positionals.length !== 1) throw new ConfigError(`expected one history file, got ${positionals.length}\n\n${usage()}`);
  const file = positionals[0]!;
  const budgetSteps = values.budget === undefined ? undefined : parseBudget(values.budget);
  const history = withFileName(file, () => parseHistory(model, readJson(file)));
  const verdict = checkHistory(model, history, { budgetSteps });
  if (values.json === true) console.log(JSON.stringify({ file, model: model.name, ...verdict }));
  else console.log(formatVerdict(verdict));
  return exitCodes[verdict.state];
}

function parseCheckArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: { model: { type: 'string' }, json: { type: 'boolean' }, budget: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${usage()}`);
  }
}

function parseBudget(text: string): number {
  const steps = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(steps) || steps <= 0) throw new ConfigError(`--budget ${text} is not valid: expected a positive whole number of search steps`);
  return steps;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the file: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`not valid JSON: ${(error as Error).message}`);
  }
}

/** Runs `read`, putting the file name in front of any ConfigError it throws. */
function withFileName<Result>(file: string, read: () => Result): Result {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${file}: ${error.message}`);
    throw error;
  }
}
