/**
 * Turns a failed search into an explanation a person can act on: the longest prefix the search
 * could linearize, the state it leads to, and the operations that could have come next there, all
 * of which the model rejects in that state. This is the frontier at which every linearization dies.
 */
import type { PartitionLayout } from './layout.ts';
import type { PartitionSearch } from './search.ts';
import type { ExplainedOperation, Model, Operation, SearchExplanation } from './types.ts';

/** How many operations of the prefix the text shows (the structured form has all of them). */
const PREFIX_LINES_SHOWN = 5;

export function explainFailure<State, Input, Output>(
  model: Model<State, Input, Output, unknown>,
  search: PartitionSearch<State, Input, Output>,
  operations: readonly Operation<Input, Output>[],
): SearchExplanation {
  const layout = search.layout;
  const prefixMembers = Array.from(search.bestPrefix.subarray(0, Math.max(0, search.bestDepth)));
  const explain = (member: number): ExplainedOperation => explainOperation(model, layout, operations, member);
  const blocking = blockingMember(layout, prefixMembers);
  const candidates = frontierMembers(layout, prefixMembers, blocking);
  for (const member of candidates) {
    // Any operation the model accepted here would have led to a longer prefix (or was already
    // explored from this very configuration, which also reached a longer one).
    const accepted = model.step(search.bestState, layout.inputs[member] as Input, layout.outputs[member] as Output | null) !== undefined;
    if (accepted) throw new Error('an operation at the frontier of the longest prefix is possible there: a bug in the search');
  }
  const frontier = candidates.map(explain);
  const prefix = prefixMembers.map(explain);
  const state = model.describeState(search.bestState);
  return {
    kind: 'search',
    partition: layout.key,
    prefix,
    state,
    stateValue: model.stateValue(search.bestState),
    frontier,
    blocking: explain(blocking),
    text: explanationText(layout.key, prefix, state, frontier, explain(blocking)),
  };
}

/** The completed operation, not in the prefix, that returns first: it had to be linearized by then. */
function blockingMember(layout: PartitionLayout<unknown, unknown>, prefixMembers: readonly number[]): number {
  const inPrefix = new Set(prefixMembers);
  let blocking = -1;
  for (let member = 0; member < layout.inputs.length; member++) {
    if (inPrefix.has(member) || layout.completed[member] === 0) continue;
    if (blocking < 0 || layout.returnEntry[member]! < layout.returnEntry[blocking]!) blocking = member;
  }
  if (blocking < 0) throw new Error('a failed linearizability search left no completed operation unplaced: a bug in the search');
  return blocking;
}

/** Operations not in the prefix called before the blocking operation returned, in call order. */
function frontierMembers(layout: PartitionLayout<unknown, unknown>, prefixMembers: readonly number[], blocking: number): number[] {
  const inPrefix = new Set(prefixMembers);
  const members: number[] = [];
  for (let member = 0; member < layout.inputs.length; member++) {
    if (!inPrefix.has(member) && layout.callEntry[member]! < layout.returnEntry[blocking]!) members.push(member);
  }
  return members.sort((first, second) => layout.callEntry[first]! - layout.callEntry[second]!);
}

function explainOperation<Input, Output>(
  model: Model<unknown, Input, Output, unknown>,
  layout: PartitionLayout<Input, Output>,
  operations: readonly Operation<Input, Output>[],
  member: number,
): ExplainedOperation {
  return explainIndex(model, operations, layout.historyIndexes[member]!);
}

/** Operation `index` of the history as an explanation shows it. */
export function explainIndex<Input, Output>(model: Model<unknown, Input, Output, unknown>, operations: readonly Operation<Input, Output>[], index: number): ExplainedOperation {
  const operation = operations[index]!;
  return {
    index,
    client: operation.client,
    callNs: operation.callNs,
    returnNs: operation.returnNs,
    description: model.describeOperation(operation.input, operation.output),
  };
}

/** One line per operation: `#7 client 2 [120, 180] get("x") → "b"`; `[120, ?)` for unknown outcomes. */
export function operationLine(operation: ExplainedOperation): string {
  const interval = operation.returnNs === null ? `[${operation.callNs}, ?)` : `[${operation.callNs}, ${operation.returnNs}]`;
  return `#${operation.index} client ${operation.client} ${interval} ${operation.description}`;
}

function explanationText(key: string, prefix: readonly ExplainedOperation[], state: string, frontier: readonly ExplainedOperation[], blocking: ExplainedOperation): string {
  const where = key === '' ? '' : `In partition ${JSON.stringify(key)}, `;
  const shown = prefix.slice(-PREFIX_LINES_SHOWN);
  const lines = [`${where === '' ? 'The' : 'the'} longest linearizable prefix has ${prefix.length} operation${prefix.length === 1 ? '' : 's'}${prefix.length > shown.length ? `, ending with:` : prefix.length > 0 ? ':' : '.'}`];
  for (const operation of shown) lines.push(`  ${operationLine(operation)}`);
  lines.push(`It leaves the state ${state}, in which none of the operations that could come next is possible:`);
  for (const operation of frontier) lines.push(`  ${operationLine(operation)}`);
  lines.push(`#${blocking.index} had to take effect before it returned at ${blocking.returnNs}.`);
  return lines.join('\n');
}
