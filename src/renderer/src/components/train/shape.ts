/**
 * A weighted histogram as a shape: divided by its total Σw and the bin width, so its integral is
 * 1 and histograms of different samples, binnings or sizes compare directly.
 */

export interface Shape {
  /** Bin edges, length bins + 1. */
  edges: number[]
  /** Density per bin (1/N dN/dx). */
  y: number[]
  /** Its uncertainty √Σw² / (N · width). */
  err: number[]
}

/** `sumw` per bin on [lo, hi) → its normalised shape; all zeros when Σw ≤ 0. */
export function toShape(lo: number, hi: number, sumw: number[], sumw2: number[]): Shape {
  const n = sumw.length
  const width = n > 0 ? (hi - lo) / n : 1
  const total = sumw.reduce((a, b) => a + b, 0)
  const k = total > 0 && width > 0 ? 1 / (total * width) : 0
  const edges = Array.from({ length: n + 1 }, (_, i) => lo + i * width)
  return {
    edges,
    y: sumw.map((w) => w * k),
    err: sumw2.map((w2) => Math.sqrt(Math.max(0, w2)) * k),
  }
}
