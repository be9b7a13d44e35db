/**
 * Colour-blind-safe palettes for figures. The Petroff sets (M. A. Petroff, "Accessible Color
 * Sequences for Data Visualization", arXiv:2107.02270) are what CMS recommends and mplhep ships;
 * Okabe–Ito is the classic 8-colour set. 'samples' keeps each sample's own colour.
 */
import type { PaletteName } from './settings'

export const PALETTE_COLOURS: Record<Exclude<PaletteName, 'samples'>, readonly string[]> = {
  petroff6: ['#5790fc', '#f89c20', '#e42536', '#964a8b', '#9c9ca1', '#7a21dd'],
  petroff8: [
    '#1845fb',
    '#ff5e02',
    '#c91f16',
    '#c849a9',
    '#adad7d',
    '#86c8dd',
    '#578dff',
    '#656364',
  ],
  petroff10: [
    '#3f90da',
    '#ffa90e',
    '#bd1f01',
    '#94a4a2',
    '#832db6',
    '#a96b59',
    '#e76300',
    '#b9ac70',
    '#717581',
    '#92dadd',
  ],
  'okabe-ito': [
    '#e69f00',
    '#56b4e9',
    '#009e73',
    '#f0e442',
    '#0072b2',
    '#d55e00',
    '#cc79a7',
    '#000000',
  ],
}

/** The colour of the n-th series: from the palette (cycled), or `own` under 'samples'. */
export function paletteColour(palette: PaletteName, n: number, own: string | null): string {
  if (palette === 'samples' && own) return own
  const colours = PALETTE_COLOURS[palette === 'samples' ? 'petroff10' : palette]
  return colours[n % colours.length]
}
