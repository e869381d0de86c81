/**
 * Text widths measured with the font the charts are drawn in (DejaVu Sans, from the
 * `dejavu-fonts-ttf` package), for vega's layout. Without a canvas vega estimates every character
 * at 0.8 em, which makes every label, legend and title box wider than the text and every chart
 * wider than what it draws; with the real advance widths the layout (and so the SVG, PNG and PDF
 * page) fits the chart, and a truncated label is truncated where the font really runs out.
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import * as vega from 'vega';

const require = createRequire(import.meta.url);
/** The regular weight of the chart font. */
export const CHART_FONT_FILE = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
/** The bold weight (titles). */
export const CHART_BOLD_FONT_FILE = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
/** The family name every chart uses. */
export const CHART_FONT_FAMILY = 'DejaVu Sans';

/** The text properties of a vega scenegraph item that set its width. */
interface TextItem {
  readonly fontSize?: number;
  readonly fontWeight?: string | number;
}

/** Vega's default font size, in px, when an item sets none (vega-scenegraph's `fontSize`). */
const DEFAULT_FONT_SIZE_PX = 11;

let measurer: PDFKit.PDFDocument | undefined;

/** True for the weights vega or CSS draw bold. */
export function isBold(weight: string | number | undefined): boolean {
  if (weight === undefined) return false;
  if (typeof weight === 'number') return weight >= 600;
  return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
}

/** The advance width in px of `text` in the chart font at the item's size and weight. */
export function textWidthPx(item: TextItem, text: string): number {
  // pdfkit's font engine (fontkit) reads the advance widths from the TTF: no drawing happens.
  measurer ??= new PDFDocument({ autoFirstPage: false });
  const size = item.fontSize ?? DEFAULT_FONT_SIZE_PX;
  if (size <= 0 || text.length === 0) return 0;
  measurer.font(isBold(item.fontWeight) ? CHART_BOLD_FONT_FILE : CHART_FONT_FILE).fontSize(size);
  return measurer.widthOfString(text);
}

/** Makes vega measure text with the chart font (idempotent; vega keeps one global text metric). */
export function useChartFontMetrics(): void {
  // vega's typings omit `textMetrics`; vl-convert replaces its `width` the same way.
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;
  metrics.width = (item, text) => textWidthPx(item, text === null || text === undefined ? '' : String(text).trim());
}
