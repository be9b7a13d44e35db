/**
 * Interpolation code 1 (normsys, ROOT's default): piecewise exponential,
 * factor = hi^α (α ≥ 0), lo^(−α) (α < 0) (pyhf `code1`). Data per modifier: [ln lo, ln hi].
 */
import { NORMSYS_STRIDE } from './kernel'

export function prepare(
  lo: number,
  hi: number,
  p = new Float64Array(NORMSYS_STRIDE),
  o = 0,
): Float64Array {
  p[o] = Math.log(lo)
  p[o + 1] = Math.log(hi)
  return p
}

export function value(alpha: number, p: ArrayLike<number>, o = 0): number {
  return alpha >= 0 ? Math.exp(alpha * p[o + 1]) : Math.exp(-alpha * p[o])
}

export function d1(alpha: number, p: ArrayLike<number>, o = 0): number {
  if (alpha >= 0) return p[o + 1] * Math.exp(alpha * p[o + 1])
  return -p[o] * Math.exp(-alpha * p[o])
}

export function d2(alpha: number, p: ArrayLike<number>, o = 0): number {
  const L = alpha >= 0 ? p[o + 1] : p[o]
  return L * L * value(alpha, p, o)
}
