import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LAN_LINK } from '../net/config.ts';
import { Network } from '../net/network.ts';
import { Simulation } from '../sim/simulation.ts';
import { Machine } from '../vm/machine.ts';
import { RAM_BASE } from '../vm/memory-map.ts';
import type { Platform } from '../vm/types.ts';
import { encodeReply } from '../../workloads/protocol.ts';
import { DivergenceChecker } from './divergence.ts';
import { ExactlyOnceChecker } from './exactly-once.ts';
import { OutputRuleAudit } from './output-rule.ts';
import { SplitBrainChecker } from './split-brain.ts';

function network() {
  const net = new Network(new Simulation({ seed: 1 }), { defaultLink: LAN_LINK });
  net.addHost('primary', 'replica');
  net.addHost('backup', 'replica');
  return { net, client: net.addHost('client-0', 'client') };
}

const reply = (destination: number, sequence: number, value: number) => ({
  kind: 'frame' as const, destination, retired: 0, timeNs: 0,
  bytes: encodeReply({ client: 0, sequence, status: 0, payload: Uint8Array.of(value) }),
});

test('exactly once: the same reply twice is a retry answered from the duplicate table; a different one is a second execution', () => {
  const { net, client } = network();
  const checker = new ExactlyOnceChecker(net);
  checker.observe('primary', reply(client.address, 1, 11));
  checker.observe('backup', reply(client.address, 1, 11));
  checker.observe('primary', reply(client.address, 2, 12));
  assert.equal(checker.verdict(), true);
  checker.observe('backup', reply(client.address, 2, 13));
  assert.equal(checker.verdict(), false);
  assert.deepEqual(
    { ...checker.firstConflict, first: { ...checker.firstConflict?.first, payloadHex: undefined }, second: { ...checker.firstConflict?.second, payloadHex: undefined } },
    { client: 0, sequence: 2, first: { host: 'primary', status: 0, payloadHex: undefined }, second: { host: 'backup', status: 0, payloadHex: undefined } },
  );
  assert.notEqual(checker.firstConflict?.first.payloadHex, checker.firstConflict?.second.payloadHex);
});

test('exactly once ignores frames to non-clients and counts malformed replies', () => {
  const { net, client } = network();
  const checker = new ExactlyOnceChecker(net);
  checker.observe('primary', { ...reply(net.host('backup').address, 1, 1) });
  checker.observe('primary', { kind: 'frame', destination: client.address, retired: 0, timeNs: 0, bytes: Uint8Array.of(1, 2, 3) });
  assert.equal(checker.repliesSeen, 0);
  assert.equal(checker.malformedReplies, 1);
});

const quiet: Platform = {
  readTime: () => 0, readCycle: () => 0, readEntropy: () => 0, scheduleHart: (runnable) => ({ hart: runnable[0]!, quantum: 1 }),
  transmitFrame: () => {}, startDiskRequest: () => {}, writeConsole: () => {}, timerCompareChanged: () => {},
};

test('divergence: equal state at a point agrees, different state diverges, single reports compare nothing', () => {
  const state = [{ address: RAM_BASE + 0x1000, size: 6 }];
  const checker = new DivergenceChecker(state);
  const primary = new Machine({ platform: quiet, ramBytes: 1 << 16 });
  const backup = new Machine({ platform: quiet, ramBytes: 1 << 16 });
  checker.record(100, 'primary', 0, primary);
  assert.equal(checker.verdict(), null);
  checker.record(100, 'backup', 0, backup);
  assert.equal(checker.verdict(), false);
  primary.writeMemory(RAM_BASE + 0x1005, Uint8Array.of(1)); // inside the 6-byte state, in the odd tail
  checker.record(200, 'primary', 0, primary);
  checker.record(200, 'backup', 0, backup);
  assert.equal(checker.verdict(), true);
  assert.equal(checker.firstDivergence?.point, 200);
  backup.writeMemory(RAM_BASE + 0x1006, Uint8Array.of(9)); // outside the state: does not count
  assert.equal(checker.stateDigest(backup), new DivergenceChecker(state).stateDigest(new Machine({ platform: quiet, ramBytes: 1 << 16 })));
});

test('output rule: an output leaves only once the backup holds its instruction; a primary alone after a test-and-set win is exempt', () => {
  const { net, client } = network();
  net.claimService('counter', 'primary');
  const audit = new OutputRuleAudit(net, true);
  const out = (retired: number) => ({ ...reply(client.address, 1, 1), retired });
  audit.observe('primary', out(50), 0);
  assert.equal(audit.verdict(), false, 'nothing held yet');
  const fresh = new OutputRuleAudit(net, true);
  fresh.onBackupHolds('backup', 'primary', 100, 'backup', 500, 0);
  fresh.observe('primary', out(99), 0);
  assert.equal(fresh.verdict(), true);
  fresh.observe('primary', out(100), 0);
  assert.equal(fresh.verdict(), false, 'instruction 100 is not before the held point');
  assert.equal(fresh.firstEarly?.retired, 100);
  const alone = new OutputRuleAudit(net, true);
  alone.onTestAndSetWon('primary');
  alone.onAlone('primary', 'primary', 0);
  alone.observe('primary', out(1000), 0);
  assert.equal(alone.verdict(), true);
  alone.onProtected('primary');
  alone.observe('primary', out(1001), 0);
  assert.equal(alone.verdict(), false, 'protected again, the rule applies again');
  assert.equal(new OutputRuleAudit(net, false).verdict(), null);
});

test('output rule: the strategy cannot vouch for itself — holds declared by the primary, holds beyond what reached the backup, alone without a test-and-set win', () => {
  const { net, client } = network();
  net.claimService('counter', 'primary');
  const out = (retired: number) => ({ ...reply(client.address, 1, 1), retired });
  const lying = new OutputRuleAudit(net, true);
  lying.onBackupHolds('backup', 'primary', 100, 'primary', 500, 0);
  lying.observe('primary', out(50), 0);
  assert.equal(lying.verdict(), false, "the primary's word about its backup counts for nothing");
  assert.equal(lying.unverifiedHolds, 1);
  assert.equal(lying.firstRefused?.declaredBy, 'primary');
  const overclaim = new OutputRuleAudit(net, true);
  overclaim.onBackupHolds('backup', 'primary', 100, 'backup', 40, 0);
  overclaim.observe('primary', out(39), 0);
  overclaim.observe('primary', out(50), 0);
  assert.equal(overclaim.verdict(), false, 'only what reached the backup (up to 40) is held');
  assert.equal(overclaim.cappedHolds, 1);
  const alone = new OutputRuleAudit(net, true);
  alone.onAlone('primary', 'primary', 0);
  alone.observe('primary', out(10), 0);
  assert.equal(alone.verdict(), false, 'alone without a test-and-set win is not exempt');
  assert.equal(alone.unverifiedAlone, 1);
  alone.onTestAndSetWon('primary');
  alone.onProtected('primary');
  alone.onAlone('primary', 'primary', 0);
  assert.equal(alone.unverifiedAlone, 2, 'a win before the last protected does not count');
});

test('split brain: a go-live while another primary holds authority, or an output from a non-owner; a fair takeover race is not', () => {
  const { net, client } = network();
  const oneWay = new SplitBrainChecker(net, 'counter');
  oneWay.onEvent({ kind: 'go-live', host: 'primary' }, 0);
  oneWay.onEvent({ kind: 'protected', host: 'primary' }, 0);
  oneWay.onEvent({ kind: 'suspect', host: 'backup', suspected: 'primary' }, 50);
  oneWay.onEvent({ kind: 'go-live', host: 'backup' }, 52);
  oneWay.onEvent({ kind: 'suspect', host: 'primary', suspected: 'backup' }, 100);
  oneWay.onEvent({ kind: 'halt', host: 'primary', reason: 'lost test-and-set' }, 101);
  assert.equal(oneWay.verdict(), false, 'a protected primary cannot act alone: its outputs wait for acks');
  const fair = new SplitBrainChecker(net, 'counter');
  fair.onEvent({ kind: 'go-live', host: 'primary' }, 0);
  fair.onEvent({ kind: 'suspect', host: 'primary', suspected: 'backup' }, 10);
  fair.onEvent({ kind: 'suspect', host: 'backup', suspected: 'primary' }, 11);
  fair.onEvent({ kind: 'go-live', host: 'backup' }, 12);
  fair.onEvent({ kind: 'halt', host: 'primary', reason: 'lost test-and-set' }, 13);
  assert.equal(fair.verdict(), false);
  const twoPrimaries = new SplitBrainChecker(net, 'counter');
  twoPrimaries.onEvent({ kind: 'go-live', host: 'primary' }, 0);
  twoPrimaries.onEvent({ kind: 'suspect', host: 'primary', suspected: 'backup' }, 10);
  twoPrimaries.onEvent({ kind: 'alone', host: 'primary' }, 10);
  twoPrimaries.onEvent({ kind: 'go-live', host: 'backup' }, 12);
  assert.equal(twoPrimaries.verdict(), true);
  assert.deepEqual(twoPrimaries.firstOverlap, { host: 'backup', other: 'primary', timeNs: 12 });
  net.claimService('counter', 'backup');
  const deposed = new SplitBrainChecker(net, 'counter');
  deposed.observe('primary', reply(client.address, 1, 1), 20);
  assert.equal(deposed.verdict(), true);
  assert.equal(deposed.firstDeposed?.owner, 'backup');
});
