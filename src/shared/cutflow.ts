/**
 * What a weighted cut-flow is (`hepwb cutflow --json`, the Cuts & Regions view): per region and
 * sample, the events passing each cut in order, raw and weighted, with efficiencies; the same
 * per process group; and signal-vs-background figures per cut. Plain JSON-ready objects.
 * Keys are snake_case like every JSON result of hepwb.
 */

/** Events passing a cut: raw count, Σw and Σw² with w = weight × scale (float64 sums). */
export interface Yield {
  raw: number
  weighted: number
  sumw2: number
}

/** One line of a cut-flow: the events passing this cut and every cut before it. */
export interface CutflowRow extends Yield {
  /** The cut's label (its name, else its expression). */
  cut: string
  expr: string
  /** weighted / weighted of the previous cut (of all events for the first cut); NaN if 0/0. */
  eff_prev: number
  /** weighted / weighted after the region's first cut. */
  eff_first: number
  /** weighted / weighted of all events. */
  eff_total: number
}

/** Signal (S) against background (B) after a cut, from weighted yields. */
export interface SignificanceRow {
  cut: string
  s: number
  b: number
  s_over_b: number
  s_over_sqrt_b: number
  /** Asimov Z_A = sqrt(2((s+b) ln(1+s/b) − s)). */
  z_asimov: number
  /** Z_A with a background uncertainty σ_b = sigma_b × b (Cowan's formula). */
  z_asimov_sigma_b: number
}

export interface CutflowResult {
  /** Region → sample → one row per cut (the parent's cuts first). Blinded data are absent. */
  regions: Record<string, Record<string, CutflowRow[]>>
  /** Region → process group → rows summed over the group's samples shown in that region. */
  groups: Record<string, Record<string, CutflowRow[]>>
  /** Region → one row per cut: signal samples against background samples. */
  significance: Record<string, SignificanceRow[]>
  /** Sample → all its events, before any cut. */
  totals: Record<string, Yield>
  /** Process group → all events of its samples. */
  group_totals: Record<string, Yield>
  /** Region → data samples hidden there because it (or a region above it) is blinded. */
  hidden: Record<string, string[]>
  /** Relative background uncertainty used for z_asimov_sigma_b. */
  sigma_b: number
}

/** Weighted histogram of one sample (`hepwb hist --json`): counts are Σw per bin. */
export interface SampleHistogram {
  counts: number[]
  sumw2: number[]
  underflow: number
  overflow: number
  /** Values filled (elements for a list per event), NaN values excluded. */
  entries: number
  /** Values that were NaN (not filled). */
  nan: number
}

export interface RegionHistogram {
  expr: string
  /** Region the events were taken from; null for all events. */
  region: string | null
  /** bins + 1 bin edges. */
  edges: number[]
  samples: Record<string, SampleHistogram>
  hidden: string[]
}
