/**
 * Interpolation code 4 (normsys, pyhf's default): exponential for |α| ≥ 1 as code 1, inside the
 * polynomial 1 + Σᵢ₌₁⁶ aᵢ αⁱ whose six coefficients make value, first and second derivative
 * continuous at α = ±1 (pyhf `code4` with α₀ = 1: a = A⁻¹ b). Data per modifier:
 * [ln lo, ln hi, a₁ … a₆].
 */
import { NORMSYS_STRIDE } from './kernel'

export function prepare(
  lo: number,
  hi: number,
  p = new Float64Array(NORMSYS_STRIDE),
  o = 0,
): Float64Array {
  const lnHi = Math.log(hi)
  const lnLo = Math.log(lo)
  // b: the exponentials' value − 1, slope and curvature at +1 and −1 (pyhf's right-hand side).
  const b0 = hi - 1
  const b1 = lo - 1
  const b2 = lnHi * hi
  const b3 = -lnLo * lo
  const b4 = lnHi * lnHi * hi
  const b5 = lnLo * lnLo * lo
  p[o] = lnLo
  p[o + 1] = lnHi
  p[o + 2] =
    (15 / 16) * b0 - (15 / 16) * b1 - (7 / 16) * b2 - (7 / 16) * b3 + (1 / 16) * b4 - (1 / 16) * b5
  p[o + 3] =
    (3 / 2) * b0 + (3 / 2) * b1 - (9 / 16) * b2 + (9 / 16) * b3 + (1 / 16) * b4 + (1 / 16) * b5
  p[o + 4] =
    (-5 / 8) * b0 + (5 / 8) * b1 + (5 / 8) * b2 + (5 / 8) * b3 - (1 / 8) * b4 + (1 / 8) * b5
  p[o + 5] =
    (-3 / 2) * b0 - (3 / 2) * b1 + (7 / 8) * b2 - (7 / 8) * b3 - (1 / 8) * b4 - (1 / 8) * b5
  p[o + 6] =
    (3 / 16) * b0 - (3 / 16) * b1 - (3 / 16) * b2 - (3 / 16) * b3 + (1 / 16) * b4 - (1 / 16) * b5
  p[o + 7] =
    (1 / 2) * b0 + (1 / 2) * b1 - (5 / 16) * b2 + (5 / 16) * b3 + (1 / 16) * b4 + (1 / 16) * b5
  return p
}

export function value(alpha: number, p: ArrayLike<number>, o = 0): number {
  if (alpha >= 1) return Math.exp(alpha * p[o + 1])
  if (alpha <= -1) return Math.exp(-alpha * p[o])
  const a = alpha
  return (
    1 +
    a *
      (p[o + 2] + a * (p[o + 3] + a * (p[o + 4] + a * (p[o + 5] + a * (p[o + 6] + a * p[o + 7])))))
  )
}

export function d1(alpha: number, p: ArrayLike<number>, o = 0): number {
  if (alpha >= 1) return p[o + 1] * Math.exp(alpha * p[o + 1])
  if (alpha <= -1) return -p[o] * Math.exp(-alpha * p[o])
  const a = alpha
  return (
    p[o + 2] +
    a *
      (2 * p[o + 3] +
        a * (3 * p[o + 4] + a * (4 * p[o + 5] + a * (5 * p[o + 6] + a * 6 * p[o + 7]))))
  )
}

export function d2(alpha: number, p: ArrayLike<number>, o = 0): number {
  if (alpha >= 1) return p[o + 1] * p[o + 1] * Math.exp(alpha * p[o + 1])
  if (alpha <= -1) return p[o] * p[o] * Math.exp(-alpha * p[o])
  const a = alpha
  return (
    2 * p[o + 3] +
    a * (6 * p[o + 4] + a * (12 * p[o + 5] + a * (20 * p[o + 6] + a * 30 * p[o + 7])))
  )
}
