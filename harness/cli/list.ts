/**
 * `ftbench list [--json]`: the registered strategies, workloads and fault scenarios, each with a
 * one-line description and its parameters (defaults and accepted values).
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.ts';
import { scenarios } from '../faults/registry.ts';
import { type ParameterSpec, describeAccepted } from '../params.ts';
import { RUN_PARAMETERS } from '../runner/settings.ts';
import { strategies } from '../../strategies/registry.ts';
import { workloads } from '../../workloads/registry.ts';

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
      parameters: strategy.parameters,
    })),
    workloads: workloads.map((workload) => ({ name: workload.name, description: workload.description, model: workload.model, parameters: workload.parameters })),
    scenarios: scenarios.map((scenario) => ({ name: scenario.name, description: scenario.description, parameters: scenario.parameters })),
    runParameters: RUN_PARAMETERS,
  };
}

export async function listCommand(args: string[]): Promise<number> {
  let json = false;
  try {
    json = parseArgs({ args, options: { json: { type: 'boolean' } } }).values.json === true;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\nusage: ftbench list [--json]`);
  }
  if (json) {
    console.log(JSON.stringify(listing()));
    return 0;
  }
  const lines: string[] = ['strategies:'];
  for (const strategy of strategies) {
    const broken = strategy.knownBroken === undefined ? '' : ` [known broken: ${strategy.knownBroken.flaw}; caught by ${strategy.knownBroken.caughtBy} under ${strategy.knownBroken.exposedBy}]`;
    const limits = strategy.supports.multiprocessorGuests ? '' : ' (uniprocessor guests only)';
    lines.push(`  ${strategy.name.padEnd(24)} ${strategy.description}${limits}${broken}`, ...parameterLines(strategy.parameters));
  }
  lines.push('', 'workloads:');
  for (const workload of workloads) lines.push(`  ${workload.name.padEnd(24)} ${workload.description} (model ${workload.model})`, ...parameterLines(workload.parameters));
  lines.push('', 'scenarios:');
  for (const scenario of scenarios) lines.push(`  ${scenario.name.padEnd(24)} ${scenario.description}`, ...parameterLines(scenario.parameters));
  lines.push('', 'run parameters (--set name=value, or run.name=value):', ...parameterLines(RUN_PARAMETERS));
  console.log(lines.join('\n'));
  return 0;
}
