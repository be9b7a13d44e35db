/**
 * The variable explorer's default binning of a variable over all samples (its min–max; unit
 * bins for integers). The histograms themselves are app/histogram.ts's.
 */
import { isIntegerType } from '../../../shared/column-type'
import type { LoadedSample } from './loaded-sample'

/** The "nice" step (1, 2, 2.5 or 5 × 10^k) nearest above `raw`. */
export function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw * 0.999_999) return m * p
  return 10 * p
}

/**
 * Default binning for values in [min, max]: integers get one bin per value (centred on it) when
 * there are at most 100 values; otherwise about `bins` bins of a round width (1, 2, 2.5, 5 × 10^k)
 * with edges on multiples of it, covering min and max (max falls in the last bin, not the
 * overflow).
 */
export function defaultBinning(
  min: number,
  max: number,
  integer: boolean,
  bins = 40,
): { bins: number; lo: number; hi: number } {
  if (integer && max - min <= 100) return { bins: max - min + 1, lo: min - 0.5, hi: max + 0.5 }
  if (integer) {
    // Wider integer ranges: a whole nice step, edges halfway between integers, so every bin
    // holds the same number of values.
    const p = 10 ** Math.floor(Math.log10((max - min) / bins))
    const step =
      [1, 2, 2.5, 5, 10]
        .map((m) => Math.max(1, m * p))
        .find((x) => Number.isInteger(x) && x * bins >= max - min) ?? 10 * p
    const lo = Math.floor(min / step) * step - 0.5
    const n = Math.floor((max - lo) / step) + 1
    return { bins: n, lo, hi: lo + n * step }
  }
  if (max === min) return { bins, lo: min - 0.5, hi: max + 0.5 }
  const step = niceStep((max - min) / bins)
  const lo = Math.floor(min / step) * step
  let n = Math.max(1, Math.ceil((max - lo) / step - 1e-9))
  if (lo + n * step <= max) n++ // the maximum belongs inside [lo, hi)
  // Rounded so that edges print as typed (0.1 * 3 → 0.30000000000000004 otherwise).
  const round = (x: number) => Number(x.toPrecision(12))
  return { bins: n, lo: round(lo), hi: round(lo + n * step) }
}

/**
 * Whether every finite value is a whole number (a count computed by an expression, a flag): such
 * values get integer-centred bins like integer columns. Empty or all-NaN: false.
 */
export function isIntegral(values: ArrayLike<number | bigint>): boolean {
  let any = false
  for (let i = 0; i < values.length; i++) {
    const x = Number(values[i])
    if (!Number.isFinite(x)) continue
    if (!Number.isInteger(x)) return false
    any = true
  }
  return any
}

/** Whether a variable holds integers in every sample that has it. */
export function isIntegerVariable(samples: readonly LoadedSample[], name: string): boolean {
  const types = samples.flatMap((s) => s.table.columns.filter((c) => c.name === name))
  return types.length > 0 && types.every((c) => isIntegerType(c.type))
}
