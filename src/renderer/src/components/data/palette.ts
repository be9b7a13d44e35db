/** Default sample colours: distinguishable, print-friendly (ColorBrewer / Tableau-like). */
export const PALETTE = [
  '#6baed6',
  '#fd8d3c',
  '#74c476',
  '#9e9ac8',
  '#fdd0a2',
  '#969696',
  '#e7ba52',
  '#c6dbef',
  '#d62728',
  '#17becf',
]

/** The first palette colour no sample uses yet (cycling when all are taken). */
export function nextColour(used: readonly string[]): string {
  const taken = new Set(used.map((c) => c.toLowerCase()))
  return PALETTE.find((c) => !taken.has(c)) ?? PALETTE[used.length % PALETTE.length]
}
