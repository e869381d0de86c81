/**
 * Chart renderings for papers: PNG (resvg, a real SVG renderer) and PDF (pdfkit with
 * svg-to-pdfkit, vector), from the SVG vega draws. Both embed DejaVu Sans (regular and bold) from
 * the `dejavu-fonts-ttf` package rather than the machine's fonts, so the same chart gives the same
 * bytes on every machine; the PDF's creation date is fixed for the same reason.
 */
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { CHART_BOLD_FONT_FILE, CHART_FONT_FAMILY, CHART_FONT_FILE } from './text-width.ts';

export { CHART_FONT_FILE } from './text-width.ts';

/**
 * PDF points per SVG pixel. SVG and CSS pixels are 1/96 in and PDF points 1/72 in, so a chart
 * laid out 317 px wide (a 3.3 in paper column) makes a PDF page 3.3 in wide, with its 11 px
 * labels at 8.25 pt — the size of a paper's figure text.
 */
export const POINTS_PER_PIXEL = 72 / 96;

/**
 * Refuses to render without the embedded fonts: resvg draws a chart with no text at all, and no
 * error, when a font file is missing (seen while node_modules was being reinstalled under a run).
 */
function requireFontFiles(): void {
  for (const file of [CHART_FONT_FILE, CHART_BOLD_FONT_FILE]) {
    if (!existsSync(file)) throw new Error(`chart font ${file} is missing: reinstall the dependencies (npm ci) and render again`);
  }
}

/** A PNG of `svg` at `scale` times its size (2: sharp on screens and in slides). */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  requireFontFiles();
  const renderer = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { fontFiles: [CHART_FONT_FILE, CHART_BOLD_FONT_FILE], loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
  });
  return renderer.render().asPng();
}

/** The size an SVG declares (vega writes width and height on its root element). */
export function svgSize(svg: string): [number, number] {
  const width = /<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1];
  const height = /<svg[^>]*\sheight="([\d.]+)"/.exec(svg)?.[1];
  if (width === undefined || height === undefined) throw new Error('svgToPdf: the SVG does not declare its width and height');
  return [Number(width), Number(height)];
}

const BOLD_FONT = `${CHART_FONT_FAMILY} Bold`;

/** A one-page vector PDF of `svg`: the page is the chart, at the SVG's physical size. */
export function svgToPdf(svg: string): Promise<Uint8Array> {
  requireFontFiles();
  const [widthPx, heightPx] = svgSize(svg);
  const width = widthPx * POINTS_PER_PIXEL;
  const height = heightPx * POINTS_PER_PIXEL;
  // A fixed creation date (the epoch), not the wall clock: the same chart must give the same bytes.
  const document = new PDFDocument({ size: [width, height], margin: 0, info: { CreationDate: new Date(0), Producer: 'ftbench', Creator: 'ftbench' } });
  document.registerFont(CHART_FONT_FAMILY, CHART_FONT_FILE);
  document.registerFont(BOLD_FONT, CHART_BOLD_FONT_FILE);
  const chunks: Uint8Array[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    document.on('data', (chunk: Uint8Array) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });
  SVGtoPDF(document, svg, 0, 0, { width, height, fontCallback: (_family: string, bold: boolean) => (bold ? BOLD_FONT : CHART_FONT_FAMILY) });
  document.end();
  return done;
}
