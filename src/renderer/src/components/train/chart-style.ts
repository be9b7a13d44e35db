/**
 * Colours and axis styling shared by the Train view's charts: signal blue and background red as
 * in TMVA's plots, a qualitative palette for comparing models, and analysis-note axes (ticks
 * inside, no grid lines).
 */
export const SIGNAL = '#1f5fa8'
export const BACKGROUND = '#d62728'
export const SIGNAL_FILL = 'rgba(31,95,168,0.30)'
export const BACKGROUND_FILL = 'rgba(214,39,40,0.22)'

/** One colour per compared model, in order. */
export const MODEL_COLOURS = [
  '#1f5fa8',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
]

export const AXIS_FONT = 12

/** A value axis in the analysis-note style. */
export function valueAxis(
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'value',
    name,
    nameLocation: 'middle',
    nameGap: 30,
    nameTextStyle: { fontSize: AXIS_FONT },
    axisLabel: { fontSize: AXIS_FONT, hideOverlap: true },
    axisTick: { inside: true },
    splitLine: { show: false },
    ...extra,
  }
}

/** Axis ends that are data bounds, not ticks: their labels would crowd the nice ticks. */
export const NO_END_LABELS = { showMinLabel: false, showMaxLabel: false }

/** Numbers for tick labels and legends: at most 4 significant digits. */
export function short(v: number): string {
  return String(Number(v.toPrecision(4)))
}

/** A p-value or AUC for a legend: 3 decimals, "—" when undefined. */
export function fixed3(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3)
}

/**
 * The smallest "nice" number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) ≥ x, for axis maxima
 * (the rule of the Data view's histograms, charts/histogram-option.ts, which needs the DOM types).
 */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1
  const k = Math.floor(Math.log10(x))
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10])
    if (m * 10 ** k >= x * (1 - 1e-12)) return m * 10 ** k
  return 10 ** (k + 1)
}
