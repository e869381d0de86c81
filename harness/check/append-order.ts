/**
 * The append-order check: a complete polynomial-time linearizability check for one partition that
 * is an append history — a value that only grows by appends and is read whole — whose appended
 * values can be told apart in what reads return. It is the inference of Elle's list-append
 * workload (Kingsbury & Alvaro, "Elle: Inferring Isolation Anomalies from Experimental
 * Observations", VLDB 2020, §4: appends are recoverable because each value is written once, and
 * traceable because a read shows the whole version history before it), applied to a single
 * register under real time rather than to transactions: the reads reveal the order of the
 * appends, so no search over interleavings is needed.
 *
 * It applies when (else the partition is searched, `applies` says why not):
 * - every operation is an append or a read of the whole value (no put);
 * - the appended values are non-empty and prefix-free (no value is a prefix of another; so, in
 *   particular, distinct), so that a read's text, after the initial text, splits into appended
 *   values in at most one way — the kv workload's values all have the same length and start with
 *   the client's tag, so they qualify whenever they differ;
 * - the completed appends either all answer a version or none does.
 *
 * Then every state the service can be in is the initial text followed by distinct applied appends
 * in order, and the check decides the partition with these rules, each necessary for any
 * linearization (the rule name is the explanation's `rule`):
 * 1. `impossible-read`: every completed read splits into distinct appends.
 * 2. `incompatible-reads`: every read is a prefix of the longest read L = A1 … Am. The m appends
 *    of L are then the first m applied in every linearization, in L's order, and a read of k of
 *    them lies after Ak and before Ak+1; every other append that takes effect lies after all
 *    reads (a read after it would show it).
 * 3. `wrong-version`: Ai answers version v0 + i (v0: the initial write count); an append that no
 *    read shows answers a version above v0 + m, and no two answer the same version.
 * 4. `missing-appends`: with versions, the appends no read shows take the positions their
 *    versions give; each gap between consecutive versions must be filled by appends of unknown
 *    outcome (which may take effect or not), each placed after every append that returned before
 *    it was called. These are suffix intervals of gaps, so filling the gaps in order from a shared
 *    pool decides it (Hall's condition on a prefix of gaps).
 * 5. `real-time`: the rules above give each operation a level (Ai: 2i − 1; a read of k appends:
 *    2k; then the appends no read shows, at one level without versions or one level per version
 *    with the gap fillers between), and an operation at a lower level must take effect before one
 *    at a higher level. Real-time order (a returned before b was called) must never go from a
 *    higher level to a lower one.
 * Conversely, when every rule holds, the levels in order — operations within a level by return
 * time, which respects real time, and each gap's fillers after the version below it — are a
 * linearization: each read sees exactly its appends, each version is its append's position, and
 * no real-time edge goes backwards. So the check is complete: it agrees with the search on every
 * partition it applies to. It runs in O(n log n) plus the length of the longest read, plus a
 * comparison of each other read with it (and, for a violation, the split of one read).
 */
import { explainIndex, operationLine } from './explain.ts';
import type { AppendOrderExplanation, AppendOrderRule, AppendView, Model, Operation } from './types.ts';

/** The check's outcome for one partition. */
export type AppendOrderResult =
  | {
      /** The partition is not an append history the check can decide; search it. */
      readonly state: 'not-applicable';
      /** Why not, e.g. `operation 3 is not an append or a read`. */
      readonly reason: string;
    }
  | { readonly state: 'linearizable' }
  | {
      readonly state: 'not-linearizable';
      /** The rule broken, and the operations (history indexes) that break it. */
      readonly rule: AppendOrderRule;
      readonly indexes: readonly number[];
      /** Why, in a sentence naming the operations by history index. */
      readonly reason: string;
    };

/** An append of the partition. `returnNs` is Infinity for an unknown outcome. */
interface AppendEntry {
  readonly index: number;
  readonly callNs: number;
  readonly returnNs: number;
  readonly value: string;
  readonly version: number | undefined;
}

/** A completed read of the partition. */
interface ReadEntry {
  readonly index: number;
  readonly callNs: number;
  readonly returnNs: number;
  readonly text: string;
}

/** The longest read, the appends it shows in order, and how many of them each read shows. */
interface ReadOrder {
  readonly longest: ReadEntry | undefined;
  readonly seen: readonly AppendEntry[];
  readonly shownCounts: ReadonlyMap<ReadEntry, number>;
}

type Violation = Extract<AppendOrderResult, { state: 'not-linearizable' }>;

const violation = (rule: AppendOrderRule, indexes: readonly number[], reason: string): Violation => ({ state: 'not-linearizable', rule, indexes, reason });

/**
 * Decides the partition made of `indexes` of `operations` (all of one key), from `initial` (the
 * partition's initial text and write count), or says why it does not apply.
 */
export function checkAppendOrder<Input, Output>(
  view: AppendView<unknown, Input, Output>,
  initial: { readonly text: string; readonly version: number },
  operations: readonly Operation<Input, Output>[],
  indexes: readonly number[],
): AppendOrderResult {
  const entries = classifyAll(view, operations, indexes);
  if (typeof entries === 'string') return { state: 'not-applicable', reason: entries };
  const { appends, reads } = entries;
  const notApplicable = applicabilityProblem(appends);
  if (notApplicable !== undefined) return { state: 'not-applicable', reason: notApplicable };
  const order = orderReads(initial.text, appends, reads);
  if (order.state === 'not-linearizable') return order;
  const { longest, seen, shownCounts } = order;
  const levels = new Map<AppendEntry | ReadEntry, number>();
  seen.forEach((append, position) => levels.set(append, 2 * position + 1));
  for (const [read, count] of shownCounts) levels.set(read, 2 * count);
  const seenSet = new Set(seen);
  const unseen = appends.filter((append) => !seenSet.has(append));
  const placed = appends.some((append) => append.returnNs !== Infinity && append.version !== undefined)
    ? placeVersioned(initial.version, seen, unseen, longest, levels)
    : placeUnversioned(seen.length, unseen, levels);
  if (placed !== undefined) return placed;
  return realTimeViolation(levels) ?? { state: 'linearizable' };
}

/** The partition's appends and completed reads, or why it is not an append history. */
function classifyAll<Input, Output>(view: AppendView<unknown, Input, Output>, operations: readonly Operation<Input, Output>[], indexes: readonly number[]): { appends: AppendEntry[]; reads: ReadEntry[] } | string {
  const appends: AppendEntry[] = [];
  const reads: ReadEntry[] = [];
  for (const index of indexes) {
    const operation = operations[index]!;
    const step = view.classify(operation.input, operation.output);
    const returnNs = operation.returnNs ?? Infinity;
    if (step.kind === 'other') return `#${index} is neither an append nor a read`;
    if (step.kind === 'append') appends.push({ index, callNs: operation.callNs, returnNs, value: step.value, version: step.version });
    else if (step.text !== undefined) reads.push({ index, callNs: operation.callNs, returnNs, text: step.text });
  }
  return { appends, reads };
}

/** Why the appends do not allow the check: an empty value, a value prefix of another, mixed versions. */
function applicabilityProblem(appends: readonly AppendEntry[]): string | undefined {
  const empty = appends.find((append) => append.value === '');
  if (empty !== undefined) return `#${empty.index} appends the empty string`;
  // In lexicographic order, a value that is a prefix of another is a prefix of the one after it.
  const sorted = [...appends].sort((first, second) => (first.value < second.value ? -1 : first.value > second.value ? 1 : first.index - second.index));
  for (let position = 1; position < sorted.length; position++) {
    const [first, second] = [sorted[position - 1]!, sorted[position]!];
    if (second.value.startsWith(first.value)) return `#${first.index} appends a prefix of what #${second.index} appends, so reads do not show which appends they hold`;
  }
  const completed = appends.filter((append) => append.returnNs !== Infinity);
  const versioned = completed.filter((append) => append.version !== undefined).length;
  if (versioned > 0 && versioned < completed.length) return `${versioned} of ${completed.length} completed appends answer a version`;
  return undefined;
}

/**
 * Rules 1 and 2: the longest read splits into distinct appends, and every other read is a prefix
 * of it ending between two of them. Only the longest read is split: a read that is a prefix of it
 * at such a boundary shows the appends before the boundary (a prefix-free code is uniquely
 * decodable); any other read is split on its own, to tell an impossible read from an incompatible
 * one.
 */
function orderReads(initialText: string, appends: readonly AppendEntry[], reads: readonly ReadEntry[]): (ReadOrder & { readonly state: 'ordered' }) | Violation {
  const byValue = new Map(appends.map((append) => [append.value, append]));
  const lengths = [...new Set(appends.map((append) => append.value.length))].sort((first, second) => first - second);
  const impossible = (read: ReadEntry, problem: string) => violation('impossible-read', [read.index], `#${read.index} read a value that ${problem}, so no order of the appends gives it`);
  const longest = reads.reduce<ReadEntry | undefined>((best, read) => (best === undefined || read.text.length > best.text.length ? read : best), undefined);
  if (longest === undefined) return { state: 'ordered', longest, seen: [], shownCounts: new Map() };
  const seen = splitText(longest.text, initialText, byValue, lengths);
  if (typeof seen === 'string') return impossible(longest, seen);
  const countAtLength = new Map<number, number>([[initialText.length, 0]]);
  let length = initialText.length;
  seen.forEach((append, position) => countAtLength.set((length += append.value.length), position + 1));
  const shownCounts = new Map<ReadEntry, number>();
  for (const read of reads) {
    const count = countAtLength.get(read.text.length);
    // Equality of a slice compares as memory does: four times faster than `startsWith` on the
    // bench's 3 KB reads (V8 compares those character by character).
    if (count !== undefined && longest.text.slice(0, read.text.length) === read.text) {
      shownCounts.set(read, count);
      continue;
    }
    const split = splitText(read.text, initialText, byValue, lengths);
    if (typeof split === 'string') return impossible(read, split);
    return violation('incompatible-reads', [read.index, longest.index], `#${read.index} and #${longest.index} read values neither of which is a prefix of the other, but the value only grows by appends`);
  }
  return { state: 'ordered', longest, seen, shownCounts };
}

/** The appends `text` is made of after `initialText`, or what is wrong with it. Values are prefix-free, so at most one matches at each position. */
function splitText(text: string, initialText: string, byValue: ReadonlyMap<string, AppendEntry>, lengths: readonly number[]): AppendEntry[] | string {
  if (!text.startsWith(initialText)) return `does not start with the initial value ${JSON.stringify(initialText)}`;
  const split: AppendEntry[] = [];
  const used = new Set<AppendEntry>();
  let offset = initialText.length;
  while (offset < text.length) {
    let found: AppendEntry | undefined;
    for (const length of lengths) {
      found = byValue.get(text.slice(offset, offset + length));
      if (found !== undefined) break;
    }
    if (found === undefined) return `has, at offset ${offset}, no value any append wrote`;
    if (used.has(found)) return `holds what #${found.index} appends twice`;
    used.add(found);
    split.push(found);
    offset += found.value.length;
  }
  return split;
}

/** Without versions (rule 5's last level): the completed appends no read shows, after every read; the others may never take effect. */
function placeUnversioned(seenCount: number, unseen: readonly AppendEntry[], levels: Map<AppendEntry | ReadEntry, number>): undefined {
  for (const append of unseen) if (append.returnNs !== Infinity) levels.set(append, 2 * seenCount + 1);
  return undefined;
}

/**
 * With versions: rule 3 for every append, and rule 4 for the appends no read shows, which get a
 * level each in version order (2m + 2j for the j-th; the gap fillers before it would sit at
 * 2m + 2j − 1, but as they never returned, no real-time edge leaves them, and their placement
 * after every append that returned before their call is what rule 4 checks).
 */
function placeVersioned(initialVersion: number, seen: readonly AppendEntry[], unseen: readonly AppendEntry[], longest: ReadEntry | undefined, levels: Map<AppendEntry | ReadEntry, number>): Violation | undefined {
  for (const [position, append] of seen.entries()) {
    const expected = initialVersion + position + 1;
    if (append.version !== undefined && append.version !== expected) {
      return violation('wrong-version', [append.index, longest!.index], `#${append.index} answered version ${append.version}, but #${longest!.index} shows it as write ${expected}`);
    }
  }
  const versioned = unseen.filter((append) => append.returnNs !== Infinity).sort((first, second) => first.version! - second.version! || first.index - second.index);
  let previousVersion = initialVersion + seen.length;
  for (const [position, append] of versioned.entries()) {
    if (append.version! <= initialVersion + seen.length) {
      const evidence = longest === undefined ? [append.index] : [append.index, longest.index];
      return violation('wrong-version', evidence, `#${append.index} answered version ${append.version}, but no read shows it, so it is write ${initialVersion + seen.length + 1} or later${longest === undefined ? '' : ` (#${longest.index} shows ${seen.length} other appends)`}`);
    }
    if (append.version === previousVersion) {
      const other = versioned[position - 1]!;
      return violation('wrong-version', [other.index, append.index], `#${other.index} and #${append.index} both answered version ${append.version}`);
    }
    previousVersion = append.version!;
    levels.set(append, 2 * seen.length + 2 * (position + 1));
  }
  return missingAppends(initialVersion + seen.length, versioned, unseen.filter((append) => append.returnNs === Infinity));
}

/** Rule 4: whether the appends of unknown outcome no read shows can fill every gap between versions. */
function missingAppends(seenVersion: number, versioned: readonly AppendEntry[], pending: readonly AppendEntry[]): Violation | undefined {
  // earliest[j]: fillers that may go into gap j or later (gap j lies just before versioned[j]).
  // A filler's first gap is just after the last versioned append that returned before its call:
  // the last position whose suffix minimum of returns is below the call, found by bisection, as
  // those minima never decrease.
  const suffixMinimumNs = versioned.map((append) => append.returnNs);
  for (let position = suffixMinimumNs.length - 2; position >= 0; position--) suffixMinimumNs[position] = Math.min(suffixMinimumNs[position]!, suffixMinimumNs[position + 1]!);
  const earliest = new Array<number>(versioned.length + 1).fill(0);
  for (const filler of pending) {
    let [low, high] = [0, versioned.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (suffixMinimumNs[middle]! < filler.callNs) low = middle + 1;
      else high = middle;
    }
    earliest[low]!++;
  }
  let available = 0;
  let needed = 0;
  let previousVersion = seenVersion;
  for (const [position, append] of versioned.entries()) {
    available += earliest[position]!;
    needed += append.version! - previousVersion - 1;
    previousVersion = append.version!;
    if (available < needed) {
      return violation('missing-appends', [append.index], `#${append.index} answered version ${append.version}: before it, ${needed} writes that no read shows must have taken effect, but only ${available} append${available === 1 ? '' : 's'} of unknown outcome could have`);
    }
  }
  return undefined;
}

/**
 * Rule 5: no operation at a higher level returned before one at a lower level was called. Levels
 * from the top down: every operation is held against the earliest return among higher levels.
 */
function realTimeViolation(levels: ReadonlyMap<AppendEntry | ReadEntry, number>): Violation | undefined {
  const byLevel = [...levels.entries()].sort((first, second) => second[1] - first[1]);
  let earliest: AppendEntry | ReadEntry | undefined;
  let start = 0;
  while (start < byLevel.length) {
    let end = start;
    while (end < byLevel.length && byLevel[end]![1] === byLevel[start]![1]) end++;
    for (let position = start; position < end; position++) {
      const [entry] = byLevel[position]!;
      if (earliest !== undefined && earliest.returnNs < entry.callNs) {
        return violation('real-time', [entry.index, earliest.index], `${orderReason(entry, earliest)}, but #${earliest.index} returned at ${earliest.returnNs}, before #${entry.index} was called at ${entry.callNs}`);
      }
    }
    for (let position = start; position < end; position++) {
      const [entry] = byLevel[position]!;
      if (earliest === undefined || entry.returnNs < earliest.returnNs) earliest = entry;
    }
    start = end;
  }
  return undefined;
}

/** Why `higher` must take effect after `lower`, in words. */
function orderReason(lower: AppendEntry | ReadEntry, higher: AppendEntry | ReadEntry): string {
  const isRead = (entry: AppendEntry | ReadEntry) => 'text' in entry;
  if (isRead(lower) && isRead(higher)) return `#${higher.index} read more appends than #${lower.index}, so it took effect after it`;
  if (isRead(lower)) return `#${lower.index} read a value without #${higher.index}, so #${higher.index} took effect after it`;
  if (isRead(higher)) return `#${higher.index} read a value holding #${lower.index}`;
  return `#${higher.index} comes after #${lower.index} in the order of the appends (as reads${'version' in higher && higher.version !== undefined ? ' and versions' : ''} show)`;
}

/** The explanation of a violation found in partition `key`. */
export function explainAppendOrder<Input, Output>(model: Model<unknown, Input, Output, unknown>, key: string, found: Violation, operations: readonly Operation<Input, Output>[]): AppendOrderExplanation {
  const explained = found.indexes.map((index) => explainIndex(model, operations, index));
  const where = key === '' ? '' : `In partition ${JSON.stringify(key)}: `;
  const text = [`${where}${found.reason} (append-order check, rule ${found.rule}):`, ...explained.map((operation) => `  ${operationLine(operation)}`)].join('\n');
  return { kind: 'append-order', partition: key, rule: found.rule, operations: explained, text };
}
