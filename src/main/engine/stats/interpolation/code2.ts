/**
 * Interpolation code 2 (histosys): quadratic inside |α| ≤ 1, linear outside, with
 * a = (U − D)/2, b = (U + D)/2 (U = hi − nom, D = nom − lo):
 *   |α| ≤ 1   a α² + b α
 *   α > 1     U + (b + 2a)(α − 1)
 *   α < −1    −D + (b − 2a)(α + 1)
 * This is ROOT's continuous form; pyhf's `code2` drops the constants U and −D outside, so it
 * jumps at |α| = 1 (we do not copy that).
 */
export function value(alpha: number, up: number, down: number): number {
  const a = 0.5 * (up - down)
  const b = 0.5 * (up + down)
  if (alpha > 1) return up + (b + 2 * a) * (alpha - 1)
  if (alpha < -1) return -down + (b - 2 * a) * (alpha + 1)
  return alpha * (a * alpha + b)
}

export function d1(alpha: number, up: number, down: number): number {
  const a = 0.5 * (up - down)
  const b = 0.5 * (up + down)
  if (alpha > 1) return b + 2 * a
  if (alpha < -1) return b - 2 * a
  return 2 * a * alpha + b
}

export function d2(alpha: number, up: number, down: number): number {
  return alpha > 1 || alpha < -1 ? 0 : up - down
}
