import { stringify } from 'csv-stringify/sync';

/** One row of a result table: column name to a plain value. */
export type Row = Readonly<Record<string, string | number | boolean | null>>;

/** Tidy CSV: a header line with the columns in the given order, then one line per row. */
export function toCsv(rows: readonly Row[], columns: readonly string[]): string {
  return stringify(rows as Row[], { header: true, columns: columns as string[], cast: { boolean: (value) => String(value) } });
}

/** A GitHub-flavoured Markdown table of the same rows. */
export function toMarkdown(rows: readonly Row[], columns: readonly string[]): string {
  const cell = (value: unknown) => (value === null || value === undefined ? '' : String(value)).replaceAll('|', '\\|');
  const lines = [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${columns.map((column) => cell(row[column])).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
