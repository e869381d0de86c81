import assert from 'node:assert/strict';
import { test } from 'node:test';
import { availabilityVerdict, livenessVerdict } from './recovery.ts';
import { parseScenario } from './scenario-file.ts';
import type { FaultRecord } from './types.ts';
import type { Operation } from '../../workloads/client/types.ts';

const step = (fields: Record<string, unknown>) => ({ name: 'x', steps: [fields] });

test('a scenario file gives the same steps the registry would: triggers, delays and actions', () => {
  const scenario = parseScenario({
    name: 'composed',
    steps: [
      { 'at-ms': 100, action: 'partition', a: ['primary'], b: ['backup'], direction: 'one-way' },
      { 'after-event': { event: 'go-live', role: 'backup' }, 'delay-ms': 5, action: 'crash', targets: ['service-owner'] },
      { 'after-reply': { role: 'primary', nth: 3 }, action: 'loss', probability: 0.1 },
      { 'at-ms': 400, action: 'heal' },
    ],
  }, 'composed.json');
  assert.equal(scenario.name, 'composed');
  assert.deepEqual(scenario.steps({}, undefined as never), [
    { trigger: { kind: 'at', afterClientStartMs: 100 }, action: { kind: 'partition', a: ['primary'], b: ['backup'], direction: 'a-to-b' } },
    { trigger: { kind: 'after-event', event: 'go-live', role: 'backup', nth: 1 }, delayMs: 5, action: { kind: 'crash', roles: ['service-owner'] } },
    { trigger: { kind: 'after-reply', role: 'primary', nth: 3 }, action: { kind: 'loss', probability: 0.1 } },
    { trigger: { kind: 'at', afterClientStartMs: 400 }, action: { kind: 'heal' } },
  ]);
});

test('bad scenario files are refused with the field that is wrong and what it accepts', () => {
  const refuses = (definition: unknown, message: RegExp) => assert.throws(() => parseScenario(definition, 'f.json'), message);
  refuses([], /f\.json: the file is not valid: expected a JSON object/);
  refuses({ name: 'Bad Name', steps: [] }, /name = "Bad Name" is not valid: expected lower-case letters/);
  refuses({ name: 'x', steps: [] }, /steps = \[\] is not valid: expected a list of 1 to 1000 steps/);
  refuses({ name: 'x', steps: [], extra: 1 }, /extra is not a field here: expected name, description or steps/);
  refuses(step({ action: 'crash', targets: ['primary'] }), /steps\[0\] needs exactly one trigger: at-ms, after-reply or after-event \(found none\)/);
  refuses(step({ 'at-ms': 1, 'after-reply': { role: 'primary' }, action: 'heal' }), /found at-ms and after-reply/);
  refuses(step({ 'at-ms': 1, action: 'explode' }), /steps\[0\]\.action = "explode" is not valid: expected crash, partition, heal, loss, delay or stale-routes/);
  refuses(step({ 'at-ms': 1, action: 'crash', targets: ['the-boss'] }), /steps\[0\]\.targets\[0\] = "the-boss" is not valid: expected primary, backup/);
  refuses(step({ 'at-ms': -1, action: 'heal' }), /steps\[0\]\.at-ms = -1 is not valid: expected a number from 0/);
  refuses(step({ 'after-event': { event: 'lunch' }, action: 'heal' }), /steps\[0\]\.after-event\.event = "lunch" is not valid: expected suspect, go-live/);
  refuses(step({ 'at-ms': 1, action: 'heal', targets: ['primary'] }), /steps\[0\]\.targets is not a field here/);
  refuses(step({ 'at-ms': 1, action: 'loss', probability: 2 }), /probability = 2 is not valid: expected a number from 0 to 0\.9/);
});

const crash = (pairing: FaultRecord['pairing'], atNs: number, targets = ['primary']): FaultRecord => ({ step: 0, action: 'crash', roles: 'service-owner', targets, atNs, struck: true, healedAtNs: null, description: 'crash service-owner', bestEffort: false, pairing });
const reply = (returnNs: number): Operation => ({ status: 'ok', returnNs, lastSentNs: returnNs - 1 }) as unknown as Operation;
const asking = (lastSentNs: number): Operation => ({ status: 'unknown', returnNs: null, lastSentNs }) as unknown as Operation;

test('availability: within the promise a reply must come within the bound after the last fault; beyond it, loss is expected', () => {
  const inputs = (faults: FaultRecord[], history: Operation[]) => ({ faults, lastHealNs: null, history, boundNs: 100, timeoutNs: 10, crashesPerPairing: 1 });
  assert.equal(availabilityVerdict(inputs([crash('one-of-pair', 1000)], [reply(1050)])).state, 'pass');
  const late = availabilityVerdict(inputs([crash('one-of-pair', 1000)], [reply(1200), asking(1300)]));
  assert.equal(late.state, 'fail');
  assert.match(late.evidence, /no client got a reply within 0\.0 ms after the last fault/);
  assert.equal(availabilityVerdict(inputs([crash('one-of-pair', 1000)], [reply(900)])).state, 'unknown', 'nobody asked after the fault');
  const inFlight = { status: 'ok', returnNs: 1001, lastSentNs: 950 } as unknown as Operation;
  assert.equal(availabilityVerdict(inputs([crash('one-of-pair', 1000)], [inFlight, asking(1300)])).state, 'fail', 'a reply already in flight at the crash is no recovery');
  const slow = { status: 'ok', returnNs: 1105, lastSentNs: 1090 } as unknown as Operation;
  assert.equal(availabilityVerdict({ ...inputs([crash('one-of-pair', 1000)], [slow]), timeoutNs: 20 }).state, 'pass', 'a request sent inside the window and answered within the client timeout shows a live service');
  assert.equal(availabilityVerdict({ ...inputs([crash('one-of-pair', 1000)], [slow]), timeoutNs: 10 }).state, 'fail', 'answered later than the client would wait');
  const lost = availabilityVerdict(inputs([crash('pair', 1000)], [asking(5000)]));
  assert.deepEqual([lost.state, /^expected loss/.test(lost.evidence)], ['not-applicable', true]);
  assert.equal(availabilityVerdict({ ...inputs([crash('one-of-pair', 1000)], [asking(5000)]), crashesPerPairing: 0 }).state, 'not-applicable', 'a strategy that tolerates no crash');
  assert.equal(availabilityVerdict(inputs([], [reply(1)])).state, 'not-applicable', 'no fault struck');
});

test('liveness applies only to scenarios that heal, and counts from the last heal', () => {
  const partition: FaultRecord = { ...crash(null, 1000), action: 'partition', healedAtNs: 2000 };
  assert.equal(livenessVerdict({ faults: [partition], lastHealNs: null, history: [], boundNs: 100, timeoutNs: 10, crashesPerPairing: 1 }).state, 'not-applicable');
  assert.equal(livenessVerdict({ faults: [partition], lastHealNs: 2000, history: [reply(2050)], boundNs: 100, timeoutNs: 10, crashesPerPairing: 1 }).state, 'pass');
  assert.equal(livenessVerdict({ faults: [partition], lastHealNs: 2000, history: [reply(1500), asking(3000)], boundNs: 100, timeoutNs: 10, crashesPerPairing: 1 }).state, 'fail');
});
