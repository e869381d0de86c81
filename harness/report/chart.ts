import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { textWidthPx, useChartFontMetrics } from './text-width.ts';

/** A text the chart draws, as vega laid it out. */
export interface ChartText {
  /** The scenegraph role: `axis-label`, `legend-label`, `title-text`, `mark` (a labelled mark) … */
  readonly role: string;
  /** The text as written in the spec or data. */
  readonly text: string;
  /** True when vega shortens it to fit its `limit` (it would end in an ellipsis). */
  readonly truncated: boolean;
}

/** A drawn item of one of the chart's own marks (not an axis, legend or title). */
export interface ChartMarkItem {
  /** vega's mark type: rect, symbol, rule, text, line … */
  readonly markType: string;
  /** True when it covers pixels: a rect or rule of non-zero extent, a symbol of non-zero size, non-empty text. */
  readonly visible: boolean;
  /** The data row it draws, or undefined for marks vega draws from derived data. */
  readonly datum: Readonly<Record<string, unknown>> | undefined;
}

/** What a chart draws: its size and every text and mark item, for checks and for the report. */
export interface ChartScene {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly texts: readonly ChartText[];
  readonly markItems: readonly ChartMarkItem[];
}

/** The parts of a vega scenegraph node this module reads. */
interface SceneNode {
  readonly marktype?: string;
  readonly role?: string;
  readonly items?: SceneNode[];
  readonly text?: unknown;
  readonly limit?: number;
  readonly fontSize?: number;
  readonly fontWeight?: string | number;
  readonly width?: number;
  readonly height?: number;
  readonly x?: number;
  readonly y?: number;
  readonly x2?: number;
  readonly y2?: number;
  readonly size?: number;
  readonly opacity?: number;
  readonly fill?: unknown;
  readonly stroke?: unknown;
  readonly datum?: Record<string, unknown>;
}

/** A vega view of a vega-lite spec, measured in the chart font, not yet run. */
function viewOf(spec: TopLevelSpec): vega.View {
  useChartFontMetrics();
  const { spec: vegaSpec } = compile(spec);
  return new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
}

/**
 * Renders a vega-lite spec to SVG with the real vega renderer (headless, no browser). The spec is
 * what `results/*.vl.json` holds, so a reader can re-render or restyle any chart.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = viewOf(spec);
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The smallest extent a bar may have to count as seen (a 0.1 px bar is a zero to the eye). */
const MIN_VISIBLE_PX = 1;

/** Whether a rect, rule, symbol or text item is painted and covers pixels one can see. */
function itemVisible(markType: string, item: SceneNode): boolean {
  if (item.opacity === 0) return false;
  const painted = (paint: unknown) => typeof paint === 'string' && paint !== '' && paint !== 'transparent' && paint !== 'none';
  if (!painted(item.fill) && !painted(item.stroke)) return false;
  switch (markType) {
    case 'rect':
      return (item.width ?? 0) >= MIN_VISIBLE_PX && (item.height ?? 0) >= MIN_VISIBLE_PX;
    case 'rule':
      return Math.hypot((item.x2 ?? item.x ?? 0) - (item.x ?? 0), (item.y2 ?? item.y ?? 0) - (item.y ?? 0)) > 0;
    case 'symbol':
      return (item.size ?? 64) > 0;
    case 'text':
      return String(item.text ?? '').trim().length > 0 && (item.fontSize ?? 11) > 0;
    default:
      return true;
  }
}

/** Walks the scenegraph, collecting texts and the items of the chart's own marks. */
function collect(node: SceneNode, texts: ChartText[], markItems: ChartMarkItem[]): void {
  const markType = node.marktype;
  for (const item of node.items ?? []) {
    if (markType === 'text') {
      const text = String(item.text ?? '').trim();
      const limit = item.limit ?? 0;
      const truncated = limit > 0 && text.length > 0 && textWidthPx(item, text) >= limit;
      texts.push({ role: node.role ?? '', text, truncated });
    }
    if (markType !== undefined && markType !== 'group' && node.role === 'mark') {
      markItems.push({ markType, visible: itemVisible(markType, item), datum: item.datum });
    }
    collect(item, texts, markItems);
  }
}

/** Runs the chart's dataflow and reports what it draws (size, texts, mark items). */
export async function inspectChart(spec: TopLevelSpec): Promise<ChartScene> {
  const view = viewOf(spec);
  try {
    await view.runAsync();
    const texts: ChartText[] = [];
    const markItems: ChartMarkItem[] = [];
    collect((view.scenegraph() as unknown as { root: SceneNode }).root, texts, markItems);
    const svg = await view.toSVG();
    const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 0);
    const height = Number(/<svg[^>]*\sheight="([\d.]+)"/.exec(svg)?.[1] ?? 0);
    return { widthPx: width, heightPx: height, texts, markItems };
  } finally {
    view.finalize();
  }
}
