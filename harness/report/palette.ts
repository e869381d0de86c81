/**
 * The one palette of every chart: each strategy has a fixed colour and point shape here, looked
 * up by name, so adding a strategy never repaints the others (a scale's default colours follow
 * the order of its domain, which would). Colours are the Okabe–Ito palette (Okabe & Ito, "Color
 * Universal Design", 2008), distinguishable with the common colour-vision deficiencies; a
 * known-broken variant gets a lighter or neighbouring hue of its family's colour.
 */

/** How one strategy is drawn in every chart. */
export interface StrategyStyle {
  /** Fill and stroke colour, `#rrggbb`. */
  readonly colour: string;
  /** A vega point shape (`circle`, `square`, `diamond`, `triangle-up` …). */
  readonly shape: string;
}

/** The registered strategies, in the order legends list them. */
export const STRATEGY_STYLES: Readonly<Record<string, StrategyStyle>> = {
  none: { colour: '#7f7f7f', shape: 'circle' },
  vmft: { colour: '#0072b2', shape: 'square' },
  checkpoint: { colour: '#d55e00', shape: 'diamond' },
  'app-rsm': { colour: '#009e73', shape: 'triangle-up' },
  'vmft-no-output-rule': { colour: '#56b4e9', shape: 'cross' },
  'vmft-no-test-and-set': { colour: '#cc79a7', shape: 'triangle-down' },
  'checkpoint-no-output-buffering': { colour: '#e69f00', shape: 'triangle-left' },
  'app-rsm-reply-before-ack': { colour: '#f0e442', shape: 'triangle-right' },
  // Beyond the eight Okabe-Ito colours: black for colo, and the mutants in their base's hue, darker.
  colo: { colour: '#000000', shape: 'wedge' },
  'colo-no-compare': { colour: '#555555', shape: 'triangle' },
  'vmft-release-on-send': { colour: '#1f4e79', shape: 'cross' },
  'vmft-smp': { colour: '#6a3d9a', shape: 'square' },
};

/** Shapes a strategy outside the table may get. */
const FALLBACK_SHAPES = ['circle', 'square', 'diamond', 'triangle-up', 'triangle-down', 'cross', 'wedge'];

/** FNV-1a over the name's UTF-16 code units: a stable number per name, the same on every machine. */
function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index += 1) {
    hash ^= name.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** `#rrggbb` of an HSL colour (hue in degrees, saturation and lightness from 0 to 1). */
function hslToHex(hue: number, saturation: number, lightness: number): string {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const channel = (offset: number) => {
    const k = (offset + hue / 30) % 12;
    const value = lightness - chroma / 2 * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255).toString(16).padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/**
 * The style of a strategy: its row of the table, or for a plugin strategy not in it a colour and
 * shape derived from its name alone (so it, too, keeps them whatever else is registered).
 */
export function strategyStyle(name: string): StrategyStyle {
  const known = STRATEGY_STYLES[name];
  if (known !== undefined) return known;
  const hash = nameHash(name);
  // Mid lightness and saturation keep a derived colour readable on white, as the table's are.
  return { colour: hslToHex(hash % 360, 0.55, 0.45), shape: FALLBACK_SHAPES[(hash >>> 9) % FALLBACK_SHAPES.length] ?? 'circle' };
}

/** The strategies among `names`, in legend order: the table's order, then the others by name. */
export function legendOrder(names: Iterable<string>): string[] {
  const known = Object.keys(STRATEGY_STYLES);
  const present = [...new Set(names)];
  const rank = (name: string) => (known.includes(name) ? known.indexOf(name) : known.length);
  return present.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Colours of outcomes that are not strategies (a checker verdict in the mutants chart). */
export const OUTCOME_COLOURS: Readonly<Record<string, string>> = {
  caught: '#009e73',
  passed: '#56b4e9',
  missed: '#d55e00',
  'false alarm': '#e69f00',
};

/** Colours of the two logging-link or network-link speeds the experiments use, by Gbit/s. */
export const LINK_COLOURS: Readonly<Record<string, string>> = { '1': '#0072b2', '10': '#d55e00' };
