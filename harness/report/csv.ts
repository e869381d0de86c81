/**
 * Reading back the tidy CSV files `npm run bench` writes, with the plain values they were written
 * from: empty cells are null, `true`/`false` are booleans, decimal numbers are numbers, anything
 * else stays text. The chart test and the literature report read `results/` through this.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Row } from './tables.ts';

/** A decimal number as `toCsv` writes one (no hex, no thousands separators). */
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The plain value of one CSV cell. */
export function cellValue(text: string): string | number | boolean | null {
  if (text === '') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  return DECIMAL.test(text) ? Number(text) : text;
}

/** The rows of a CSV text with a header line. */
export function parseCsv(text: string): Row[] {
  const records = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return records.map((record) => Object.fromEntries(Object.entries(record).map(([column, value]) => [column, cellValue(value)])));
}

/** The rows of a CSV file. */
export function readCsv(path: string): Row[] {
  return parseCsv(readFileSync(path, 'utf8'));
}
