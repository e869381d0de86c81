/**
 * `ftbench list [--json]`: the registered strategies, workloads and fault scenarios, each with a
 * one-line description and its parameters (defaults and accepted values).
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.ts';
import { scenarios } from '../faults/registry.ts';
import { type ParameterSpec, describeAccepted, resolveParameters } from '../params.ts';
import { CHECKERS } from '../runner/verdicts.ts';
import type { LoadModel } from '../../workloads/client/types.ts';
import type { Workload } from '../../workloads/types.ts';
import { RUN_PARAMETERS } from '../runner/settings.ts';
import { strategies, strategyOrigin } from '../../strategies/registry.ts';
import { workloads } from '../../workloads/registry.ts';

/** A workload's load when no --set changes it. */
function defaultLoad(workload: Workload): LoadModel {
  return workload.defaultLoad(resolveParameters(`workload ${workload.name}`, workload.parameters));
}

function describeLoad(load: LoadModel): string {
  return load.kind === 'closed' ? `closed loop, ${load.clients} client(s), think time ${load.thinkTimeNs / 1000} µs` : `open loop, ${load.ratePerSecond} operations/s over ${load.clients} client(s)`;
}

function parameterLines(specs: readonly ParameterSpec[]): string[] {
  return specs.map((spec) => `      ${spec.name}=${String(spec.default)}  ${spec.description} (${describeAccepted(spec)})`);
}

export function listing(): object {
  return {
    strategies: strategies.map((strategy) => ({
      name: strategy.name,
      description: strategy.description,
      supports: strategy.supports,
      knownBroken: strategy.knownBroken ?? null,
      origin: strategyOrigin(strategy.name),
      parameters: strategy.parameters,
    })),
    workloads: workloads.map((workload) => ({ name: workload.name, description: workload.description, model: workload.model, defaultLoad: defaultLoad(workload), parameters: workload.parameters })),
    scenarios: scenarios.map((scenario) => ({ name: scenario.name, description: scenario.description, parameters: scenario.parameters })),
    runParameters: RUN_PARAMETERS,
    checkers: CHECKERS.map((checker) => ({ name: checker.name, property: checker.property })),
  };
}

const USAGE = 'usage: ftbench list [--json]\n\n  --json   print the listing as one JSON object';

export async function listCommand(args: string[]): Promise<number> {
  let values: { json?: boolean; help?: boolean };
  try {
    values = parseArgs({ args, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const json = values.json === true;
  if (json) {
    console.log(JSON.stringify(listing()));
    return 0;
  }
  const lines: string[] = ['strategies:'];
  for (const strategy of strategies) {
    const broken = strategy.knownBroken === undefined ? '' : ` [known broken: ${strategy.knownBroken.flaw}; caught by ${strategy.knownBroken.caughtBy} under ${strategy.knownBroken.exposedBy}]`;
    const limits = strategy.supports.multiprocessorGuests ? '' : ' (uniprocessor guests only)';
    const origin = strategyOrigin(strategy.name);
    lines.push(`  ${strategy.name.padEnd(24)} ${strategy.description}${limits}${broken}${origin === 'built-in' ? '' : ` [plugin: ${origin}]`}`, ...parameterLines(strategy.parameters));
  }
  lines.push('', 'workloads:');
  for (const workload of workloads) {
    lines.push(`  ${workload.name.padEnd(24)} ${workload.description} (model ${workload.model})`, `      default load: ${describeLoad(defaultLoad(workload))} (run parameters load, clients, think-time-us, rate-per-sec change it)`, ...parameterLines(workload.parameters));
  }
  lines.push('', 'scenarios:');
  for (const scenario of scenarios) lines.push(`  ${scenario.name.padEnd(24)} ${scenario.description}`, ...parameterLines(scenario.parameters));
  lines.push('  FILE.json                a scenario file: steps of triggers (at-ms, after-reply, after-event) and actions (crash, partition, heal, loss, delay) aimed at roles (README: "Scenario files")');
  lines.push('', 'run parameters (--set name=value, or run.name=value):', ...parameterLines(RUN_PARAMETERS));
  lines.push('', 'checkers (each verdict is pass, fail, unknown or not-applicable, with its evidence):', ...CHECKERS.map((checker) => `  ${checker.name.padEnd(24)} ${checker.property}`));
  console.log(lines.join('\n'));
  return 0;
}
