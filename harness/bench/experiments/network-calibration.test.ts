import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkCalibration } from './network-calibration.ts';

test('network calibration is deterministic per seed and shows the ~941 Mbit/s framing ceiling', () => {
  const rowsFor = (seed: number) => networkCalibration.cells().map((cell) => networkCalibration.row(cell, {}, seed));
  const rows = rowsFor(3);
  assert.deepEqual(rowsFor(3), rows);
  const gigabitMtu = rows.find((row) => row.linkGbitPerSec === 1 && row.messageBytes === 1448)!;
  assert.ok(Math.abs((gigabitMtu.goodputMbitPerSec as number) - 941.5) < 2, JSON.stringify(gigabitMtu));
  const tenGigabit = rows.find((row) => row.linkGbitPerSec === 10 && row.messageBytes === 65_536)!;
  assert.ok((tenGigabit.goodputMbitPerSec as number) > 9000, JSON.stringify(tenGigabit));
});
