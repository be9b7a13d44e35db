/**
 * Bump search: the distribution of one input for events below vs above the score threshold,
 * from the input × score-bin histograms of the display (score bins ≥ `index` are above). Pure.
 */
import type { AnomalyDisplay } from '../../../../shared/contract/anomaly'

export interface BumpSplit {
  input: string
  edges: number[]
  /** Expected events per input bin (background, signal), below and above the cut. */
  below: { background: number[]; signal: number[] }
  above: { background: number[]; signal: number[] }
}

export function bumpSplit(
  b: AnomalyDisplay['bump'][number],
  scoreBins: number,
  index: number,
): BumpSplit {
  const part = (cells: number[], above: boolean) =>
    Array.from({ length: b.bins }, (_, i) => {
      let s = 0
      for (let k = above ? index : 0; k < (above ? scoreBins : index); k++)
        s += cells[i * scoreBins + k]
      return s
    })
  return {
    input: b.input,
    edges: Array.from({ length: b.bins + 1 }, (_, k) => b.lo + ((b.hi - b.lo) * k) / b.bins),
    below: { background: part(b.background, false), signal: part(b.signal, false) },
    above: { background: part(b.background, true), signal: part(b.signal, true) },
  }
}
