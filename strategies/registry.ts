import { ConfigError, listAccepted } from '../harness/errors.ts';
import { validateSpecs } from '../harness/params.ts';
import { appRsm, appRsmReplyBeforeAck } from './app-rsm/index.ts';
import { checkpoint, checkpointNoOutputBuffering } from './checkpoint/index.ts';
import { colo, coloNoCompare } from './colo/index.ts';
import { none } from './none/index.ts';
import { vmft, vmftNoOutputRule, vmftNoTestAndSet, vmftReleaseOnSend, vmftSmp } from './vmft/index.ts';
import type { Strategy } from './types.ts';

/**
 * Every registered strategy, in the order `ftbench list` shows them: the built-in ones, then any
 * loaded with `--plugin PATH` (harness/cli/plugins.ts), which `registerStrategy` appends.
 */
const registered: Strategy[] = [none, vmft, vmftNoOutputRule, vmftNoTestAndSet, vmftReleaseOnSend, vmftSmp, checkpoint, checkpointNoOutputBuffering, appRsm, appRsmReplyBeforeAck, colo, coloNoCompare];
export const strategies: readonly Strategy[] = registered;
/** Where each strategy came from: `built-in`, or the plugin file that exported it. */
const origins = new Map<string, string>(registered.map((strategy) => [strategy.name, 'built-in']));

for (const strategy of strategies) validateSpecs(`strategy ${strategy.name}`, strategy.parameters);

/** Adds a strategy loaded from `origin` (a plugin file); a name already registered is an error naming both. */
export function registerStrategy(strategy: Strategy, origin: string): void {
  const clash = origins.get(strategy.name);
  if (clash !== undefined) throw new ConfigError(`plugin ${origin}: strategy name "${strategy.name}" is already taken by ${clash === 'built-in' ? 'a built-in strategy' : `the plugin ${clash}`}: choose another name`);
  validateSpecs(`strategy ${strategy.name}`, strategy.parameters);
  registered.push(strategy);
  origins.set(strategy.name, origin);
}

/** Where the strategy called `name` came from (`built-in` or a plugin's file). */
export function strategyOrigin(name: string): string {
  return origins.get(name) ?? 'unknown';
}

/** The strategy called `name`; an unknown name is an error listing the registered ones. */
export function findStrategy(name: string): Strategy {
  const found = strategies.find((strategy) => strategy.name === name);
  if (found === undefined) throw new ConfigError(`unknown strategy "${name}": expected ${listAccepted(strategies.map((strategy) => strategy.name))}`);
  return found;
}
