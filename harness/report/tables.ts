import { stringify } from 'csv-stringify/sync';
import { columnHeader, columnInfo } from './columns.ts';

/** One row of a result table: column name to a plain value. */
export type Row = Readonly<Record<string, string | number | boolean | null>>;

/** Tidy CSV: a header line with the columns in the given order, then one line per row. Machine names, full precision. */
export function toCsv(rows: readonly Row[], columns: readonly string[]): string {
  return stringify(rows as Row[], { header: true, columns: columns as string[], cast: { boolean: (value) => String(value) } });
}

const LOW_SUFFIX = 'Ci95Low';
const HIGH_SUFFIX = 'Ci95High';

/**
 * The columns a reader's table shows: the given ones without the interval columns
 * (`<metric>Ci95Low`, `<metric>Ci95High`), which are printed inside their metric's cell.
 */
export function displayColumns(columns: readonly string[]): string[] {
  return columns.filter((column) => !(column.endsWith(LOW_SUFFIX) || column.endsWith(HIGH_SUFFIX)) || !columns.includes(column.replace(/Ci95(Low|High)$/, '')));
}

/** The decimals that show `value` to `digits` significant digits (none past the integer part). */
export function decimalsFor(value: number, digits: number): number {
  if (digits <= 0 || value === 0 || !Number.isFinite(value)) return 0;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  return Math.min(20, Math.max(0, digits - 1 - magnitude));
}

/**
 * `value` to the column's significant digits, in plain decimal notation (never 1.9e+4), without
 * trailing zeros: the CSV rows are already rounded, so `0.00900` would claim digits nobody measured.
 */
export function formatNumber(value: number, digits: number, decimals = decimalsFor(value, digits)): string {
  if (!Number.isFinite(value)) return String(value);
  if (digits <= 0 && Number.isInteger(value)) return String(value);
  const fixed = value.toFixed(digits <= 0 ? decimalsFor(value, 3) : decimals);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** One cell's parts: the value, and its 95 % interval when the row carries one. */
export interface CellParts {
  readonly value: string;
  readonly interval?: readonly [string, string];
}

/** The printed parts of `row[column]`: numbers to significant digits (interval at the median's decimals), booleans as yes/no. */
export function cellParts(row: Row, column: string): CellParts | null {
  const value = row[column];
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return { value: value ? 'yes' : 'no' };
  if (typeof value !== 'number') return { value: String(value) };
  const digits = columnInfo(column).digits ?? 3;
  const decimals = decimalsFor(value, digits);
  const low = row[`${column}${LOW_SUFFIX}`];
  const high = row[`${column}${HIGH_SUFFIX}`];
  const printed = formatNumber(value, digits, decimals);
  if (typeof low !== 'number' || typeof high !== 'number') return { value: printed };
  return { value: printed, interval: [formatNumber(low, digits, decimals), formatNumber(high, digits, decimals)] };
}

/** A cell as plain text: `18843 [18512, 19104]`, `yes`, or `–` when empty. */
export function plainCell(row: Row, column: string): string {
  const parts = cellParts(row, column);
  if (parts === null) return '–';
  return parts.interval === undefined ? parts.value : `${parts.value} [${parts.interval[0]}, ${parts.interval[1]}]`;
}

/**
 * A GitHub-flavoured Markdown table of the same rows, for readers: headers with units, numbers to
 * significant digits, `median [low, high]` where the rows carry 95 % intervals, numbers right-aligned.
 */
export function toMarkdown(rows: readonly Row[], columns: readonly string[]): string {
  const shown = displayColumns(columns);
  const escape = (text: string) => text.replaceAll('|', '\\|');
  const numeric = shown.map((column) => isNumericColumn(rows, column));
  const lines = [`| ${shown.map((column) => escape(columnHeader(column))).join(' | ')} |`, `|${numeric.map((isNumber) => (isNumber ? '---:' : '---')).join('|')}|`];
  for (const row of rows) lines.push(`| ${shown.map((column) => escape(plainCell(row, column))).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

/** True when every value of the column is a number or empty (and one is a number). */
function isNumericColumn(rows: readonly Row[], column: string): boolean {
  return rows.some((row) => typeof row[column] === 'number') && rows.every((row) => row[column] === null || row[column] === undefined || typeof row[column] === 'number');
}

/** LaTeX special characters, escaped for text mode. */
export function latexEscape(text: string): string {
  return text.replace(/[\\{}&%$#_^~]/g, (character) => {
    switch (character) {
      case '\\':
        return '\\textbackslash{}';
      case '^':
        return '\\textasciicircum{}';
      case '~':
        return '\\textasciitilde{}';
      default:
        return `\\${character}`;
    }
  });
}

/** A LaTeX cell: numbers through siunitx's `\num` (digit grouping, true minus), intervals in brackets. */
function latexCell(row: Row, column: string): string {
  const parts = cellParts(row, column);
  if (parts === null) return '--';
  if (typeof row[column] !== 'number') return latexEscape(parts.value);
  const value = `\\num{${parts.value}}`;
  return parts.interval === undefined ? value : `${value} [\\num{${parts.interval[0]}}, \\num{${parts.interval[1]}}]`;
}

/** The LaTeX header of a column: label, and the unit in siunitx form. */
function latexHeader(column: string): string {
  const info = columnInfo(column);
  return info.unit === undefined ? latexEscape(info.label) : `${latexEscape(info.label)} (${info.unit.latex})`;
}

/**
 * A LaTeX tabular of the same rows (booktabs rules, siunitx numbers and units), numbers
 * right-aligned, ready for `\input{results/NAME.tex}` in a paper whose preamble loads
 * `booktabs` and `siunitx`.
 */
export function toLatex(rows: readonly Row[], columns: readonly string[]): string {
  const shown = displayColumns(columns);
  const numeric = shown.map((column) => isNumericColumn(rows, column));
  const lines = [
    `\\begin{tabular}{${numeric.map((isNumber) => (isNumber ? 'r' : 'l')).join('')}}`,
    '\\toprule',
    `${shown.map(latexHeader).join(' & ')} \\\\`,
    '\\midrule',
    ...rows.map((row) => `${shown.map((column) => latexCell(row, column)).join(' & ')} \\\\`),
    '\\bottomrule',
    '\\end{tabular}',
  ];
  return `${lines.join('\n')}\n`;
}
