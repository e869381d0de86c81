/**
 * An append-only file of records (the workloads' file-append service): `append` adds a record at
 * the end and answers its index (0 for the first record); `read` answers every record in order, or
 * with `from` and `count` the records from index `from`, at most `count` of them.
 * The file's state is a linked list that shares its past with the states before it, so an append
 * costs one node and the search can keep thousands of states without copying files.
 *
 * A file is an append history (`appendView`): an append's index + 1 is its version (the count of
 * records after it), and when the records are distinct and every read is whole, the append-order
 * check decides the history without a search.
 */
import { combineHash, extendStringHash, mix32 } from '../hash.ts';
import type { Model } from '../types.ts';
import { expectInteger, expectObject, expectOnlyFields, expectOperationName, expectString, expectStringArray, fail, quote } from './shape.ts';

/** A file operation. */
export type FileInput =
  | {
      /** Adds `record` at the end of the file. */
      readonly op: 'append';
      /** The record. */
      readonly record: string;
    }
  | {
      /** Reads the whole file, or a range of it when `from` and `count` are given. */
      readonly op: 'read';
      /** Index of the first record to read (with `count`). */
      readonly from?: number;
      /** Most records to read (with `from`). */
      readonly count?: number;
    };

/** What `append` answers. */
export interface FileAppendOutput {
  /** Position of the record in the file, counted in records from 0. */
  readonly index: number;
}

/** What `read` answers. */
export interface FileReadOutput {
  /** Every record, first to last (or those of the range asked for). */
  readonly records: readonly string[];
}

/** What a file operation answers. */
export type FileOutput = FileAppendOutput | FileReadOutput;

/** The file after some appends: its last record and the file before it. */
export interface FileState {
  /** Number of records. */
  readonly length: number;
  /** Hash of the records in order. */
  readonly hash: number;
  /** The last record ('' for the empty file). */
  readonly record: string;
  /** The file without its last record; null for the empty file. */
  readonly previous: FileState | null;
}

const EMPTY_FILE: FileState = { length: 0, hash: 0x3c6ef372, record: '', previous: null };
const operationNames = ['append', 'read'] as const;

function appendRecord(file: FileState, record: string): FileState {
  return { length: file.length + 1, hash: combineHash(file.hash, extendStringHash(file.length, record)), record, previous: file };
}

function recordsOf(file: FileState): string[] {
  const records: string[] = new Array(file.length);
  for (let node: FileState | null = file; node !== null && node.length > 0; node = node.previous) records[node.length - 1] = node.record;
  return records;
}

function holdsRecords(file: FileState, records: readonly string[]): boolean {
  if (file.length !== records.length) return false;
  for (let node: FileState | null = file; node !== null && node.length > 0; node = node.previous) {
    if (node.record !== records[node.length - 1]) return false;
  }
  return true;
}

/** Whether `records` are exactly the file's records [from, from + count) that exist. */
function holdsRange(file: FileState, from: number, count: number, records: readonly string[]): boolean {
  const expected = Math.max(0, Math.min(count, file.length - from));
  if (records.length !== expected) return false;
  for (let node: FileState | null = file; node !== null && node.length > from; node = node.previous) {
    const index = node.length - 1 - from;
    if (index < expected && node.record !== records[index]) return false;
  }
  return true;
}

/**
 * The records as one text for the append-order check: each as a JSON string, which ends at its
 * first unescaped quote, so distinct records are prefix-free and a text splits back into records
 * in one way only.
 */
function encodeRecords(records: readonly string[]): string {
  return records.map((record) => JSON.stringify(record)).join('');
}

function sameFile(first: FileState, second: FileState): boolean {
  if (first.length !== second.length || first.hash !== second.hash) return false;
  let left: FileState | null = first;
  let right: FileState | null = second;
  // Files that grew from a common state share their nodes from there on: stop at the first shared one.
  while (left !== right && left !== null && right !== null) {
    if (left.record !== right.record) return false;
    left = left.previous;
    right = right.previous;
  }
  return true;
}

function parseInput(value: unknown, path: string): FileInput {
  const input = expectObject(value, path);
  const op = expectOperationName(input, path, 'file', operationNames);
  if (op === 'read') {
    expectOnlyFields(input, path, ['op', 'from', 'count']);
    if (input.from === undefined && input.count === undefined) return { op };
    if (input.from === undefined || input.count === undefined) fail(path, 'a ranged read needs both from and count');
    const from = expectInteger(input.from, `${path}.from`);
    const count = expectInteger(input.count, `${path}.count`);
    if (from < 0) fail(`${path}.from`, `${from} is negative`);
    if (count < 0) fail(`${path}.count`, `${count} is negative`);
    return { op, from, count };
  }
  expectOnlyFields(input, path, ['op', 'record']);
  return { op, record: expectString(input.record, `${path}.record`) };
}

function parseOutput(value: unknown, input: FileInput, path: string): FileOutput {
  const output = expectObject(value, path);
  if (input.op === 'append') {
    expectOnlyFields(output, path, ['index']);
    return { index: expectInteger(output.index, `${path}.index`) };
  }
  expectOnlyFields(output, path, ['records']);
  return { records: expectStringArray(output.records, `${path}.records`) };
}

function step(state: FileState, input: FileInput, output: FileOutput | null): FileState | undefined {
  if (input.op === 'append') {
    if (output !== null && !('index' in output && output.index === state.length)) return undefined;
    return appendRecord(state, input.record);
  }
  if (output === null) return state;
  if (!('records' in output)) return undefined;
  const matches = input.from === undefined || input.count === undefined ? holdsRecords(state, output.records) : holdsRange(state, input.from, input.count, output.records);
  return matches ? state : undefined;
}

function describeOperation(input: FileInput, output: FileOutput | null): string {
  if (input.op === 'append') return `append(${quote(input.record)}) → ${output !== null && 'index' in output ? output.index : '?'}`;
  const range = input.from === undefined ? '' : `(${input.from}, ${input.count})`;
  return `read${range} → ${output !== null && 'records' in output ? describeRecords(output.records) : '?'}`;
}

function describeRecords(records: readonly string[]): string {
  const shown = records.slice(-5).map(quote).join(', ');
  return records.length > 5 ? `[${records.length} records, last 5: ${shown}]` : `[${shown}]`;
}

export const fileModel: Model<FileState, FileInput, FileOutput, readonly string[]> = {
  name: 'file',
  summary: '{op:"append",record} → {index} (records before it), {op:"read"} → {records:[...]}; records are strings; init: [records] (default [])',
  parseInput,
  parseOutput,
  parseInit: expectStringArray,
  partitionKey: () => '',
  initialState: (init) => (init ?? []).reduce(appendRecord, EMPTY_FILE),
  step,
  hashState: (state) => mix32(state.hash),
  equalStates: sameFile,
  describeOperation,
  describeState: (state) => describeRecords(recordsOf(state)),
  stateValue: (state) => recordsOf(state),
  appendView: {
    initial: (state) => ({ text: encodeRecords(recordsOf(state)), version: state.length }),
    classify(input, output) {
      if (input.op === 'append') return { kind: 'append', value: JSON.stringify(input.record), version: output !== null && 'index' in output ? output.index + 1 : undefined };
      if (input.from !== undefined) return { kind: 'other' };
      return { kind: 'read', text: output !== null && 'records' in output ? encodeRecords(output.records) : undefined };
    },
  },
};

