/**
 * The append-order check: scripted counterexamples for each of its rules (the search agreeing on
 * each), the histories it declines, and property tests holding its verdict against the search's
 * on small random append histories, linearizable ones and mutated ones. fast-check draws the
 * settings from a fixed seed (FC_SEED explores others) and prints them when a property fails.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RandomStream } from '../sim/random.ts';
import { checkHistory } from './check.ts';
import { fileModel, type FileInput, type FileOutput } from './models/file.ts';
import { kvModel, type KvInput, type KvOutput } from './models/kv.ts';
import { generateHistory, referenceKvAppends, type VersionAnswers } from './testing.ts';
import type { AppendOrderRule, Operation } from './types.ts';

type KvOperation = Operation<KvInput, KvOutput>;

const append = (client: number, callNs: number, returnNs: number | null, value: string, version?: number): KvOperation => ({
  client,
  callNs,
  returnNs,
  input: { op: 'append', key: 'x', value },
  output: returnNs === null ? null : version === undefined ? {} : { version },
});
const get = (client: number, callNs: number, returnNs: number, value: string): KvOperation => ({ client, callNs, returnNs, input: { op: 'get', key: 'x' }, output: { value } });

/** Checks `operations` both ways; expects both to find a violation, the append-order check by `rule`, naming `indexes`. */
function expectViolation(operations: readonly KvOperation[], rule: AppendOrderRule, indexes: readonly number[]): string {
  const verdict = checkHistory(kvModel, { operations });
  assert.equal(verdict.state, 'not-linearizable');
  assert.ok(verdict.state === 'not-linearizable' && verdict.explanation.kind === 'append-order', 'the append-order check decided it');
  assert.equal(verdict.explanation.rule, rule, verdict.explanation.text);
  assert.deepEqual(verdict.explanation.operations.map((operation) => operation.index), indexes);
  assert.equal(checkHistory(kvModel, { operations }, { appendOrder: false }).state, 'not-linearizable', 'the search agrees');
  return verdict.explanation.text;
}

function expectLinearizable(operations: readonly KvOperation[]): void {
  const verdict = checkHistory(kvModel, { operations });
  assert.equal(verdict.state, 'linearizable');
  assert.equal(verdict.appendOrderPartitions, 1, 'the append-order check decided it');
  assert.equal(checkHistory(kvModel, { operations }, { appendOrder: false }).state, 'linearizable', 'the search agrees');
}

test('two reads neither of which is a prefix of the other are incompatible: the check names both', () => {
  const text = expectViolation([append(0, 0, 10, 'a.'), append(1, 0, 10, 'b.'), get(2, 20, 30, 'a.'), get(3, 40, 50, 'b.')], 'incompatible-reads', [3, 2]);
  assert.match(text, /#3 and #2 read values neither of which is a prefix of the other/);
});

test('a read after an append completed that misses it is stale (real time), with or without versions', () => {
  expectViolation([append(0, 0, 10, 'a.', 1), get(1, 20, 30, '')], 'real-time', [1, 0]);
  expectViolation([append(0, 0, 10, 'a.'), append(0, 20, 30, 'b.'), get(1, 40, 50, 'a.')], 'real-time', [2, 1]);
  // The same read overlapping the second append is fine: that append may take effect after it.
  expectLinearizable([append(0, 0, 10, 'a.'), append(0, 20, 45, 'b.'), get(1, 40, 50, 'a.')]);
});

test('an append observed out of real-time order: a real-time violation; with versions that say otherwise, a wrong version', () => {
  const text = expectViolation([append(0, 0, 10, 'a.'), append(1, 20, 30, 'b.'), get(2, 40, 50, 'b.a.')], 'real-time', [1, 0]);
  assert.match(text, /#0 returned at 10, before #1 was called at 20/);
  expectViolation([append(0, 0, 10, 'a.', 2), append(1, 20, 30, 'b.', 1), get(2, 40, 50, 'b.a.')], 'real-time', [1, 0]);
  expectViolation([append(0, 0, 10, 'a.', 1), append(1, 20, 30, 'b.', 2), get(2, 40, 50, 'b.a.')], 'wrong-version', [1, 2]);
});

test('a read of a value no appends make, or of one append twice, is impossible', () => {
  expectViolation([append(0, 0, 10, 'a.'), get(1, 20, 30, 'a.c.')], 'impossible-read', [1]);
  expectViolation([append(0, 0, 10, 'a.'), get(1, 20, 30, 'a.a.')], 'impossible-read', [1]);
  expectViolation([append(0, 0, 10, 'a.'), get(1, 20, 30, 'a')], 'impossible-read', [1]);
});

test('a version gap must be filled by appends of unknown outcome that may take effect there', () => {
  // Version 3 after version 1 needs one more write in between.
  expectViolation([append(0, 0, 10, 'a.', 1), append(1, 20, 30, 'b.', 3)], 'missing-appends', [1]);
  // A timed-out append called before #0 returned may be that write ...
  expectLinearizable([append(0, 0, 10, 'a.', 1), append(1, 20, 30, 'b.', 3), append(2, 5, null, 'c.')]);
  // ... one called after #1 returned may not: it comes after both.
  expectViolation([append(0, 0, 10, 'a.', 1), append(1, 20, 30, 'b.', 3), append(2, 40, null, 'c.')], 'missing-appends', [1]);
  // Two appends answering one version.
  expectViolation([append(0, 0, 10, 'a.', 1), append(1, 0, 10, 'b.', 1)], 'wrong-version', [0, 1]);
});

test('an append of unknown outcome that a read shows took effect; one no read shows may never have', () => {
  expectLinearizable([append(0, 0, null, 'a.'), get(1, 20, 30, 'a.'), append(2, 0, null, 'b.'), get(3, 40, 50, 'a.')]);
  // A read shows the timed-out append, so a later read that misses it is stale.
  expectViolation([append(0, 0, null, 'a.'), get(1, 20, 30, 'a.'), get(2, 40, 50, '')], 'real-time', [2, 1]);
});

test('the initial value comes first in every read, and versions count from its writes (0)', () => {
  const operations = [append(0, 0, 10, 'a.', 1), get(1, 20, 30, 'init:a.')];
  assert.equal(checkHistory(kvModel, { operations, init: { x: 'init:' } }).state, 'linearizable');
  assert.equal(checkHistory(kvModel, { operations }).state, 'not-linearizable');
});

test('the check declines keys with a put, with values one of which is a prefix of another, or with versions on only some appends; the search decides them', () => {
  const put: KvOperation = { client: 3, callNs: 60, returnNs: 70, input: { op: 'put', key: 'x', value: 'p' }, output: { version: 3 } };
  const declined: KvOperation[][] = [
    [append(0, 0, 10, 'a.', 1), append(1, 20, 30, 'b.', 2), put],
    [append(0, 0, 10, 'a', 1), append(1, 20, 30, 'ab', 2), get(2, 40, 50, 'aab')],
    [append(0, 0, 10, 'a.', 1), append(1, 20, 30, 'b.'), get(2, 40, 50, 'a.b.')],
  ];
  for (const operations of declined) {
    const verdict = checkHistory(kvModel, { operations });
    assert.equal(verdict.appendOrderPartitions, 0);
    assert.equal(verdict.state, 'linearizable');
  }
});

test('a file read whole is an append history too: its indexes are versions, its records the values', () => {
  const record = (client: number, callNs: number, returnNs: number, value: string, index: number): Operation<FileInput, FileOutput> => ({ client, callNs, returnNs, input: { op: 'append', record: value }, output: { index } });
  const read = (callNs: number, records: string[]): Operation<FileInput, FileOutput> => ({ client: 9, callNs, returnNs: callNs + 10, input: { op: 'read' }, output: { records } });
  // Records that are prefixes of each other ("a", "ab") are told apart by their quotes.
  const operations = [record(0, 0, 10, 'a', 1), record(1, 0, 10, 'ab', 2), read(20, ['init', 'ab', 'a'])];
  const verdict = checkHistory(fileModel, { operations, init: ['init'] });
  assert.ok(verdict.state === 'not-linearizable' && verdict.explanation.kind === 'append-order');
  assert.equal(verdict.explanation.rule, 'wrong-version');
  const fixed = [record(0, 0, 10, 'a', 2), record(1, 0, 10, 'ab', 1), read(20, ['init', 'ab', 'a']), read(40, ['init', 'ab'])];
  const stale = checkHistory(fileModel, { operations: fixed, init: ['init'] });
  assert.ok(stale.state === 'not-linearizable' && stale.explanation.kind === 'append-order' && stale.explanation.rule === 'real-time', JSON.stringify(stale));
  assert.equal(checkHistory(fileModel, { operations: fixed.slice(0, 3), init: ['init'] }).appendOrderPartitions, 1);
  assert.equal(checkHistory(fileModel, { operations: fixed.slice(0, 3), init: ['init'] }).state, 'linearizable');
  assert.equal(checkHistory(fileModel, { operations: fixed, init: ['init'] }, { appendOrder: false }).state, 'not-linearizable', 'the search agrees');
});

/** fast-check's seed: fixed, so that CI runs the same cases every time; FC_SEED explores others. */
const PROPERTY_SEED = Number(process.env.FC_SEED ?? 20_261_201);
/** Budget for the search on these small histories: ample; a run it cannot decide is skipped (and counted). */
const SEARCH_BUDGET_STEPS = 2_000_000;

const mutations = ['none', 'truncate-read', 'extend-read', 'swap-read', 'bump-version', 'move', 'delay-unknown', 'forget'] as const;
type Mutation = (typeof mutations)[number];

const settings = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  operationCount: fc.integer({ min: 1, max: 14 }),
  clientCount: fc.integer({ min: 1, max: 5 }),
  keyCount: fc.integer({ min: 1, max: 2 }),
  unknownPercent: fc.constantFrom(0, 10, 30),
  versions: fc.constantFrom<VersionAnswers>('all', 'none', 'mixed'),
  mutation: fc.constantFrom(...mutations),
  target: fc.nat(),
  shiftNs: fc.integer({ min: -150, max: 150 }),
});

type Settings = typeof settings extends fc.Arbitrary<infer T> ? T : never;

/** The appended values a read saw (the reference's values end with a dot). */
const tokens = (text: string): string[] => text.split('.').filter((token) => token !== '').map((token) => `${token}.`);

/** `operation` changed as `mutation` says, or undefined if it does not apply to it. */
function mutate(operation: KvOperation, mutation: Mutation, settings: Settings, values: readonly string[]): KvOperation | undefined {
  const { output } = operation;
  // An operation of unknown outcome called later: may it still fill a version gap, or precede a read that shows it?
  if (mutation === 'delay-unknown') return output === null ? { ...operation, callNs: operation.callNs + Math.abs(settings.shiftNs) } : undefined;
  if (mutation === 'move') {
    const callNs = Math.max(0, operation.callNs + settings.shiftNs);
    return { ...operation, callNs, returnNs: operation.returnNs === null ? null : callNs + (operation.returnNs - operation.callNs) };
  }
  if (output === null) return undefined;
  if (mutation === 'forget') return { ...operation, returnNs: null, output: null };
  if (mutation === 'bump-version') return 'version' in output && output.version !== undefined ? { ...operation, output: { version: output.version + (settings.shiftNs > 0 || output.version === 1 ? 1 : -1) } } : undefined;
  if (!('value' in output)) return undefined;
  const seen = tokens(output.value);
  if (mutation === 'truncate-read') return seen.length === 0 ? undefined : { ...operation, output: { value: seen.slice(0, -1).join('') } };
  if (mutation === 'extend-read') return values.length === 0 ? undefined : { ...operation, output: { value: output.value + values[settings.target % values.length]! } };
  if (seen.length < 2) return undefined;
  const at = settings.target % (seen.length - 1);
  [seen[at], seen[at + 1]] = [seen[at + 1]!, seen[at]!];
  return { ...operation, output: { value: seen.join('') } };
}

/** A generated append history, mutated once as the settings say (or not at all for `none`). */
function history(settings: Settings): KvOperation[] {
  const options = { operationCount: settings.operationCount, clientCount: settings.clientCount, overlapping: true, unknownPercent: settings.unknownPercent };
  const operations = [...generateHistory(referenceKvAppends(settings.keyCount, settings.versions), options, new RandomStream(settings.seed, 'check.append-order')).operations];
  if (settings.mutation === 'none') return operations;
  const values = operations.flatMap((operation) => (operation.input.op === 'append' ? [operation.input.value] : []));
  for (let offset = 0; offset < operations.length; offset++) {
    const index = (settings.target + offset) % operations.length;
    const changed = mutate(operations[index]!, settings.mutation, settings, values);
    if (changed === undefined) continue;
    operations[index] = changed;
    break;
  }
  return operations;
}

test('on small random append histories, linearizable and mutated, the append-order check agrees with the search', () => {
  const runs = 1500;
  let decided = 0;
  let violations = 0;
  let undecided = 0;
  fc.assert(
    fc.property(settings, (drawn) => {
      const operations = history(drawn);
      const searched = checkHistory(kvModel, { operations }, { appendOrder: false, budgetSteps: SEARCH_BUDGET_STEPS });
      const verdict = checkHistory(kvModel, { operations }, { budgetSteps: SEARCH_BUDGET_STEPS });
      if (drawn.mutation === 'none' || drawn.mutation === 'forget') assert.equal(verdict.state, 'linearizable', verdict.state === 'not-linearizable' ? verdict.explanation.text : verdict.state);
      if (searched.state === 'unknown') {
        undecided++;
        return;
      }
      assert.equal(verdict.state, searched.state, verdict.state === 'not-linearizable' ? verdict.explanation.text : searched.state === 'not-linearizable' ? searched.explanation.text : '');
      if (verdict.appendOrderPartitions === verdict.partitionCount) decided++;
      if (verdict.state === 'not-linearizable' && verdict.explanation.kind === 'append-order') violations++;
    }),
    { numRuns: runs, seed: PROPERTY_SEED },
  );
  // The property says something only if the check decides most histories, and finds violations in many.
  assert.ok(decided >= runs / 2, `the append-order check decided only ${decided} of ${runs} histories`);
  assert.ok(violations >= runs / 10, `the append-order check found only ${violations} violations in ${runs} histories`);
  assert.ok(undecided <= runs / 100, `the search could not decide ${undecided} of ${runs} histories`);
});
