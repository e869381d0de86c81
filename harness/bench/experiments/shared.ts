/**
 * Small helpers shared by the bench experiments: units, and the vega-lite pieces every chart is
 * built from — the frame (fonts, no truncated labels, sizes that fit a paper), the strategy
 * palette, interval bars from the Ci95 columns, and labelled marks for cells with no value.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_FONT_FAMILY } from '../../report/text-width.ts';
import { legendOrder, strategyStyle } from '../../report/palette.ts';
import type { Row } from '../../report/tables.ts';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A paper's column, ≈ 3.3 in at 96 px per inch: the widest a one-column chart may be. */
export const COLUMN_WIDTH_PX = 317;
/** A paper's text width, ≈ 7 in at 96 px per inch: the widest any chart may be. */
export const PAGE_WIDTH_PX = 672;

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
 * The configuration of every chart: the shipped font, and no length limit on any label, legend
 * entry, header or title (vega's defaults cut them at 160–180 px with an ellipsis).
 */
export const CHART_CONFIG = {
  font: CHART_FONT_FAMILY,
  axis: { labelLimit: 0, titleLimit: 0 },
  legend: { labelLimit: 0, titleLimit: 0 },
  header: { labelLimit: 0, titleLimit: 0 },
  title: { limit: 0, anchor: 'start' },
} as const;

/**
 * A chart spec with the common frame: schema, inlined rows, title, size and configuration.
 * `cells` names the fields that identify one cell of the experiment (one row): the chart test
 * checks that every row is drawn by a visible mark, and that the chart fits its `fit` width. The body (mark, encoding, layers) is loosely
 * typed because TypeScript cannot narrow vega-lite's union of spec kinds without `data`;
 * vega-lite itself validates it when the chart is compiled.
 */
export function chartOf(rows: readonly Row[], title: string, body: Readonly<Record<string, unknown>>, cells: readonly string[], size: Readonly<{ width?: number; height?: number; fit?: ChartFit }> = {}): TopLevelSpec {
  const { fit = 'page', ...plot } = size;
  return { $schema: VEGA_LITE_SCHEMA, data: { values: rows as Row[] }, title, ...plot, config: CHART_CONFIG, usermeta: { cells, fit }, ...body } as unknown as TopLevelSpec;
}

/** The width a chart is laid out for: one paper column or the whole text width. */
export type ChartFit = 'column' | 'page';

/** What `chartOf` records in a spec's `usermeta`, for the chart test. */
export interface ChartMeta {
  /** The fields that identify one row (one cell of the experiment). */
  readonly cells: readonly string[];
  readonly fit: ChartFit;
}

/** Whether any row carries the 95 % interval of `field` (the `<field>Ci95Low`/`High` columns of a multi-seed run). */
export function hasInterval(rows: readonly Row[], field: string): boolean {
  return rows.some((row) => typeof row[`${field}Ci95Low`] === 'number' && typeof row[`${field}Ci95High`] === 'number');
}

/** The colour encoding of `field` (strategy names) with each strategy's fixed colour from the palette. */
export function strategyColour(rows: readonly Row[], field = 'strategy', legend: Readonly<Record<string, unknown>> | null = { title: null }): Record<string, unknown> {
  const domain = legendOrder(rows.map((row) => String(row[field])));
  return { field, type: 'nominal', sort: domain, scale: { domain, range: domain.map((name) => strategyStyle(name).colour) }, legend };
}

/** The shape encoding of `field` with each strategy's fixed point shape (legend merged with the colour's). */
export function strategyShape(rows: readonly Row[], field = 'strategy'): Record<string, unknown> {
  const domain = legendOrder(rows.map((row) => String(row[field])));
  return { field, type: 'nominal', sort: domain, scale: { domain, range: domain.map((name) => strategyStyle(name).shape) }, legend: { title: null } };
}

/**
 * A rule layer from `<field>Ci95Low` to `<field>Ci95High` along `axis`, or no layer when the
 * rows carry no interval (a single-seed run). `position` is the encoding of the other axis
 * (category and offset), shared with the mark the interval belongs to.
 */
export function intervalLayers(rows: readonly Row[], field: string, axis: 'x' | 'y', position: Readonly<Record<string, unknown>>, colour?: Readonly<Record<string, unknown>>): Record<string, unknown>[] {
  if (!hasInterval(rows, field)) return [];
  const other = axis === 'x' ? 'x2' : 'y2';
  return [{
    mark: { type: 'rule', strokeWidth: 1.5 },
    encoding: { ...position, [axis]: { field: `${field}Ci95Low`, type: 'quantitative' }, [other]: { field: `${field}Ci95High` }, ...(colour ? { color: colour } : { color: { value: '#333333' } }) },
  }];
}

/**
 * Why a row has no value to draw, or null when it has one: `n/a` for a combination the strategy
 * does not support, `lost` when the service never recovered, `failed` for a run that failed,
 * `none` when the run ended with no value for `field` (e.g. no outage to measure).
 */
export function noteOf(row: Row, field: string): string | null {
  if (row.status === 'unsupported') return 'n/a';
  if (row.status !== undefined && row.status !== 'ok' && row.status !== null) return String(row.status);
  if (row.recovered === false) return 'lost';
  return typeof row[field] === 'number' ? null : 'none';
}

/** The rows with a `note` field: what a labelled mark says instead of a bar, or null. */
export function withNotes(rows: readonly Row[], field: string): Row[] {
  return rows.map((row) => ({ ...row, note: noteOf(row, field) }));
}

/**
 * A text layer that writes each row's note (`n/a`, `lost` …) at the left end of a horizontal
 * value axis, in the row's band, so a missing value reads as missing and never as a zero bar.
 * Every chart with notes draws its values along x for this reason.
 */
export function noteLayer(position: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    transform: [{ filter: 'datum.note !== null' }],
    mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 9, fontStyle: 'italic', color: '#333333' },
    encoding: { ...position, x: { value: 3 }, text: { field: 'note', type: 'nominal' } },
  };
}

/** The rows that have a value for `field` (the others are drawn as notes). */
export function valueFilter(field: string): Record<string, unknown> {
  return { filter: `datum.note === null && isValid(datum['${field}'])` };
}

/**
 * Tick values for a log axis over `values`: powers of ten and three times them (1, 3, 10, 30 …),
 * about half a decade apart so labels never crowd, from the decade below the smallest value to the
 * decade above the largest. vega's own log ticks put 1-2-5 steps 30 px apart on a column-wide chart.
 */
export function logTicks(values: ReadonlyArray<number | null | undefined | string | boolean>): { domain: [number, number]; values: number[] } {
  const positive = values.filter((value): value is number => typeof value === 'number' && value > 0);
  if (positive.length === 0) return { domain: [1, 10], values: [1, 3, 10] };
  const low = 10 ** Math.floor(Math.log10(Math.min(...positive)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...positive)) + 1e-9);
  const ticks: number[] = [];
  for (let decade = low; decade <= high; decade *= 10) ticks.push(decade, 3 * decade);
  return { domain: [low, high], values: ticks.filter((tick) => tick <= high).map((tick) => Number(tick.toPrecision(1))) };
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
