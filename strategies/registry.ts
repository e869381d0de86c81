import { ConfigError, listAccepted } from '../harness/errors.ts';
import { validateSpecs } from '../harness/params.ts';
import { appRsm, appRsmReplyBeforeAck } from './app-rsm/index.ts';
import { checkpoint, checkpointNoOutputBuffering } from './checkpoint/index.ts';
import { none } from './none/index.ts';
import { vmft, vmftNoOutputRule, vmftNoTestAndSet, vmftReleaseOnSend } from './vmft/index.ts';
import type { Strategy } from './types.ts';

/** Every registered strategy, in the order `ftbench list` shows them. A new plugin adds itself here. */
export const strategies: readonly Strategy[] = [none, vmft, vmftNoOutputRule, vmftNoTestAndSet, vmftReleaseOnSend, checkpoint, checkpointNoOutputBuffering, appRsm, appRsmReplyBeforeAck];

for (const strategy of strategies) validateSpecs(`strategy ${strategy.name}`, strategy.parameters);

/** The strategy called `name`; an unknown name is an error listing the registered ones. */
export function findStrategy(name: string): Strategy {
  const found = strategies.find((strategy) => strategy.name === name);
  if (found === undefined) throw new ConfigError(`unknown strategy "${name}": expected ${listAccepted(strategies.map((strategy) => strategy.name))}`);
  return found;
}
