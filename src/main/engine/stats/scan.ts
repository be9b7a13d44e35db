/**
 * Profile-likelihood scans: twice_nll minimised over all other parameters with one parameter
 * held at each grid value, reported as Δ(−2 ln L) relative to the free minimum. Fits are
 * warm-started from the neighbouring grid point, walking outwards from the point nearest the
 * best fit so each start is close to its solution.
 */
import type { JobContext } from '../jobs/context'
import { fitLikelihood, type FitResult } from './fit'
import type { Likelihood } from './likelihood'

export interface ScanResult {
  parameter: string
  values: number[]
  /** twice_nll at each value minus the free minimum (≥ 0 up to fit precision). */
  deltaTwiceNll: number[]
  /** Whether the profile fit at each point converged. */
  converged: boolean[]
  /** A scan point below the free minimum means the free fit missed the global minimum. */
  belowMinimum: boolean
}

/** `n` evenly spaced values from lo to hi inclusive. */
export function linspace(lo: number, hi: number, n: number): number[] {
  if (n === 1) return [lo]
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1))
}

/** Profile scan of parameter `p` at `values` around the free fit `best`. */
export function profileScan(
  lik: Likelihood,
  best: FitResult,
  p: number,
  values: number[],
  options: { tol?: number; ctx?: JobContext } = {},
): ScanResult {
  const n = values.length
  const twice = new Array<number>(n).fill(NaN)
  const conv = new Array<boolean>(n).fill(false)
  const fits: (FitResult | null)[] = new Array(n).fill(null)
  let start = 0
  for (let i = 1; i < n; i++)
    if (Math.abs(values[i] - best.x[p]) < Math.abs(values[start] - best.x[p])) start = i
  const order = [start]
  for (let k = 1; k < n; k++) {
    if (start + k < n) order.push(start + k)
    if (start - k >= 0) order.push(start - k)
  }
  order.forEach((i, k) => {
    options.ctx?.throwIfCancelled()
    options.ctx?.progress(k / n, `scan ${lik.model.parNames[p]} = ${values[i]}`)
    const neighbour = fits[i - 1] ?? fits[i + 1] ?? best
    const x0 = Float64Array.from(neighbour.x)
    x0[p] = values[i]
    const fix = new Map([[p, values[i]]])
    for (let j = 0; j < best.fixed.length; j++) if (best.fixed[j] && j !== p) fix.set(j, best.x[j])
    const r = fitLikelihood(lik, { init: x0, fix, tol: options.tol, ctx: options.ctx })
    fits[i] = r
    twice[i] = r.twiceNll
    conv[i] = r.converged
  })
  const delta = twice.map((v) => v - best.twiceNll)
  return {
    parameter: lik.model.parNames[p],
    values,
    deltaTwiceNll: delta,
    converged: conv,
    belowMinimum: delta.some((d) => d < -1e-6),
  }
}
