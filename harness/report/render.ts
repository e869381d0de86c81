/**
 * Chart renderings for papers: PNG (resvg, a real SVG renderer) and PDF (pdfkit with
 * svg-to-pdfkit, vector), from the SVG vega draws. Both embed DejaVu Sans from the
 * `dejavu-fonts-ttf` package rather than the machine's fonts, so the same chart gives the same
 * bytes on every machine; the PDF's creation date is fixed for the same reason.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';

const require = createRequire(import.meta.url);
/** The one font of every chart. */
export const CHART_FONT_FILE = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_FAMILY = 'DejaVu Sans';

/** A PNG of `svg` at `scale` times its size (2: sharp on screens and in slides). */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const renderer = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { fontFiles: [CHART_FONT_FILE], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  return renderer.render().asPng();
}

/** The size an SVG declares (vega writes width and height on its root element). */
function svgSize(svg: string): [number, number] {
  const width = /<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1];
  const height = /<svg[^>]*\sheight="([\d.]+)"/.exec(svg)?.[1];
  if (width === undefined || height === undefined) throw new Error('svgToPdf: the SVG does not declare its width and height');
  return [Number(width), Number(height)];
}

/** A one-page vector PDF of `svg`, page size = the SVG's size in points. */
export function svgToPdf(svg: string): Promise<Uint8Array> {
  const [width, height] = svgSize(svg);
  // A fixed creation date (the epoch), not the wall clock: the same chart must give the same bytes.
  const document = new PDFDocument({ size: [width, height], margin: 0, info: { CreationDate: new Date(0), Producer: 'ftbench', Creator: 'ftbench' } });
  document.registerFont(FONT_FAMILY, CHART_FONT_FILE);
  const chunks: Uint8Array[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    document.on('data', (chunk: Uint8Array) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });
  SVGtoPDF(document, svg, 0, 0, { width, height, fontCallback: () => FONT_FAMILY });
  document.end();
  return done;
}
