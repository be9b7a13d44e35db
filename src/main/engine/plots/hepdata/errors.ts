/**
 * Uncertainties as HEPData errors: the statistical one of a weighted count (√Σw²) or of an
 * observed count (Garwood's Poisson interval, asymmetric), and systematic shifts (symmetric
 * when up and down are equal and opposite, asymmetric otherwise). Zero errors are left out:
 * HEPData reads an error of 0 as a mistake.
 */
import { garwood } from '../poisson-interval'
import type { ValueError } from './record'

/** √Σw² as a symmetric 'stat' error, or nothing when it is 0 or not finite. */
export function statError(sumw2: number): ValueError[] {
  const e = Math.sqrt(sumw2)
  return e > 0 && Number.isFinite(e) ? [{ label: 'stat', symerror: e }] : []
}

/**
 * Garwood's ±1σ interval around the observed count n as an asymmetric 'stat' error — the
 * figure renderer's own interval (plots/poisson-interval.ts), so the table's errors are the
 * error bars drawn.
 */
export function poissonError(n: number): ValueError[] {
  const [lo, hi] = garwood(n)
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return []
  return [{ label: 'stat', asymerror: { minus: lo - n, plus: hi - n } }]
}

/**
 * A systematic shift of a value: `up` and `down` are the changes (value_up − value,
 * value_down − value), signed. Equal and opposite shifts give a symerror.
 */
export function systError(label: string, up: number, down: number): ValueError[] {
  if (!Number.isFinite(up) || !Number.isFinite(down) || (up === 0 && down === 0)) return []
  if (up === -down) return [{ label: `sys,${label}`, symerror: Math.abs(up) }]
  return [{ label: `sys,${label}`, asymerror: { minus: down, plus: up } }]
}

/** A count is an unweighted observation when Σw² = Σw and it is a whole number. */
export function isUnweightedCount(sumw: number, sumw2: number): boolean {
  return sumw === sumw2 && Number.isInteger(sumw) && sumw >= 0
}
