/** Small helpers shared by the bench experiments: units, and the vega-lite boilerplate. */
import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../../report/tables.ts';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** ns to µs with one decimal, null kept. */
export function microseconds(ns: number | null | undefined): number | null {
  return ns === null || ns === undefined ? null : Number((ns / 1000).toFixed(1));
}

/** ns to ms with two decimals, null kept. */
export function milliseconds(ns: number | null | undefined): number | null {
  return ns === null || ns === undefined ? null : Number((ns / 1e6).toFixed(2));
}

/** A number with three significant decimals, null kept. */
export function rounded(value: number | null | undefined, digits = 3): number | null {
  return value === null || value === undefined ? null : Number(value.toFixed(digits));
}

/**
 * A chart spec with the common frame: schema, inlined rows, title and size. The body (mark,
 * encoding) is loosely typed because TypeScript cannot narrow vega-lite's union of spec kinds
 * without `data`; vega-lite itself validates it when the chart is compiled.
 */
export function chartOf(rows: readonly Row[], title: string, body: Readonly<Record<string, unknown>>, size: { width: number; height: number } = { width: 400, height: 220 }): TopLevelSpec {
  return { $schema: VEGA_LITE_SCHEMA, data: { values: rows as Row[] }, title, ...size, ...body } as TopLevelSpec;
}

/**
 * Virtual time a fault run keeps its clients going after the scenario's last fault or heal, so
 * that recovery (or its absence) is seen: 300 ms, about six failure timeouts (50 ms). The runner
 * makes a fault run last as long as its scenario (harness/runner/run-length.ts); this is its
 * `liveness-bound-ms` for the bench, shorter than the 500 ms default so that five seeds fit.
 */
export const SETTLE_MS = 300;

/** Settings of a fault run: the clients go on for SETTLE_MS after the scenario's last step. */
export function faultRunSettings(): Record<string, string> {
  return { 'liveness-bound-ms': String(SETTLE_MS) };
}
