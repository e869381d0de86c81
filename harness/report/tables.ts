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

/** LaTeX special characters, escaped for text mode. */
function latexEscape(text: string): string {
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

/**
 * A LaTeX tabular of the same rows (booktabs rules), numbers right-aligned, ready for
 * `\input{results/NAME.tex}` in a paper.
 */
export function toLatex(rows: readonly Row[], columns: readonly string[]): string {
  const numeric = columns.map((column) => rows.length > 0 && rows.every((row) => row[column] === null || typeof row[column] === 'number'));
  const cell = (value: unknown) => (value === null || value === undefined ? '--' : latexEscape(String(value)));
  const lines = [
    `\\begin{tabular}{${numeric.map((isNumber) => (isNumber ? 'r' : 'l')).join('')}}`,
    '\\toprule',
    `${columns.map((column) => latexEscape(column)).join(' & ')} \\\\`,
    '\\midrule',
    ...rows.map((row) => `${columns.map((column) => cell(row[column])).join(' & ')} \\\\`),
    '\\bottomrule',
    '\\end{tabular}',
  ];
  return `${lines.join('\n')}\n`;
}
