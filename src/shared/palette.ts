/**
 * Default sample colours, in the order new samples get them: distinguishable and print-friendly
 * (ColorBrewer / Tableau-like). The Data step offers them to new samples and a spec opened as a
 * project gives them to samples that name no colour, so both look alike.
 */
export const SAMPLE_PALETTE: readonly string[] = [
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
