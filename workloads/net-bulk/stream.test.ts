import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../../harness/cli/files.ts';
import { ConfigError } from '../../harness/errors.ts';
import type { Delivery } from '../../harness/net/types.ts';
import { runExperiment } from '../../harness/runner/experiment.ts';
import type { ExperimentConfig } from '../../harness/runner/types.ts';
import type { World } from '../../harness/runner/world.ts';
import { CHANNEL_ACK, CHANNEL_REPLICATION, decodeAck, decodeReplication } from '../../strategies/vmft/messages.ts';
import { decodeReply, decodeRequest } from '../protocol.ts';

const streamSettings = (mode: string, extra: Record<string, string> = {}) => ({ mode, transport: 'stream', 'chunk-bytes': '1424', clients: '1', 'client-hosts': '1', operations: '300', ...extra });
const config = (strategy: string, mode: string, extra: Record<string, string> = {}): ExperimentConfig => ({ strategy, workload: 'net-bulk', scenario: 'none', seed: 4, settings: streamSettings(mode, extra) });

/**
 * Watches a receive stream under vmft: the log sequence of each segment's frame entry, the
 * backup's acks as the primary gets them, and when each segment's acknowledgment reaches the
 * client. Returns the segments whose acknowledgment reached the client before the backup had
 * acknowledged the log entry of the segment itself.
 */
function watchHeldAcks(strategy: string): { readonly acknowledged: number; readonly early: number } {
  const frameEntry = new Map<number, number>();
  let backupAcked = 0;
  let acknowledged = 0;
  let early = 0;
  const watch = (world: World) => world.network.observe({
    delivered(delivery: Delivery) {
      if (delivery.channel === CHANNEL_REPLICATION) {
        const message = decodeReplication(delivery.bytes);
        if (message.type !== 'log') return;
        message.entries.forEach((entry, index) => {
          if (entry.kind === 'frame') frameEntry.set(decodeRequest(entry.bytes).sequence, message.firstSequence + index);
        });
      } else if (delivery.channel === CHANNEL_ACK) {
        backupAcked = Math.max(backupAcked, decodeAck(delivery.bytes).sequence);
      } else if (delivery.channel === 'client' && delivery.to.startsWith('client-')) {
        const entry = frameEntry.get(decodeReply(delivery.bytes).sequence);
        acknowledged++;
        if (entry === undefined || backupAcked < entry) early++;
      }
    },
  });
  const report = runExperiment(config(strategy, 'receive'), hostEnvironment, watch);
  assert.equal(report.verdicts.linearizable.state, 'pass');
  return { acknowledged, early };
}

test('net-bulk stream under vmft: every acknowledgment the guest sends reaches the client only after the backup acknowledged the segment\'s log entry (the output rule)', () => {
  const held = watchHeldAcks('vmft');
  assert.equal(held.acknowledged, 300);
  assert.equal(held.early, 0);
});

test('net-bulk stream under vmft-no-output-rule: the same watch sees acknowledgments leave before the backup has the segment (the watch can fail)', () => {
  const held = watchHeldAcks('vmft-no-output-rule');
  assert.ok(held.early > 0, `${held.early} of ${held.acknowledged} early`);
});

test('net-bulk stream, transmit under vmft: the client\'s requests for segments are guest inputs, each logged; the stream checks byte for byte', () => {
  const report = runExperiment(config('vmft', 'transmit'), hostEnvironment);
  assert.equal(report.verdicts.linearizable.state, 'pass');
  assert.equal(report.verdicts.outputRule.state, 'pass');
  assert.equal(report.opsCompleted, 300);
  const frames = (report.strategyFigures.entriesFramePerSec ?? 0) * report.virtualSeconds;
  assert.ok(frames >= 300, `${frames} frame entries for 300 segments`);
});

test('net-bulk stream: same config and seed give the same trace; another seed another', () => {
  const strip = (report: ReturnType<typeof runExperiment>) => JSON.stringify({ ...report, wallSeconds: 0 });
  const first = runExperiment(config('vmft', 'receive', { operations: '120' }), hostEnvironment);
  assert.equal(strip(runExperiment(config('vmft', 'receive', { operations: '120' }), hostEnvironment)), strip(first));
  assert.notEqual(runExperiment({ ...config('vmft', 'receive', { operations: '120' }), seed: 5 }, hostEnvironment).traceHash, first.traceHash);
});

test('net-bulk stream: a window below one chunk or beyond the guest\'s receive ring is refused with the values named', () => {
  assert.throws(() => runExperiment(config('none', 'receive', { 'window-bytes': '1000' }), hostEnvironment), (error: unknown) => error instanceof ConfigError && /window-bytes = 1000 .* chunk-bytes = 1424/.test(error.message));
  assert.throws(() => runExperiment(config('none', 'receive', { 'window-bytes': '100000' }), hostEnvironment), (error: unknown) => error instanceof ConfigError && /at most 64 chunks/.test(error.message));
});

test('net-bulk stream under vmft with a 0.1 Gbit/s logging link: the saturated link back-pressures the sender (through the held acknowledgments), so the payload stays below what the link carries', () => {
  const report = runExperiment(config('vmft', 'receive', { 'replication-link-gbps': '0.1', operations: '200' }), hostEnvironment);
  assert.equal(report.verdicts.linearizable.state, 'pass');
  const payloadMbitPerSec = (report.throughputOpsPerSec! * 1424 * 8) / 1e6;
  assert.ok(payloadMbitPerSec < 100, `${payloadMbitPerSec} Mbit/s of payload over a 100 Mbit/s logging link`);
  assert.ok(report.replication.mbitPerSec <= 100, `${report.replication.mbitPerSec} Mbit/s on the logging link`);
});
