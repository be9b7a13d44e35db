/**
 * Interpolation code 4p (histosys, pyhf's default): linear outside |α| > 1 (α·U above, α·D
 * below, U = hi − nom, D = nom − lo), inside the 6th-order polynomial of pyhf `code4p`
 *   delta = α·S + t(α)·A,  S = (U + D)/2,  A = (U − D)/16,  t(α) = α²(15 + α²(3α² − 10)),
 * which matches value, first and second derivative of the linear branches at ±1.
 */
export function value(alpha: number, up: number, down: number): number {
  if (alpha > 1) return alpha * up
  if (alpha < -1) return alpha * down
  const a2 = alpha * alpha
  return 0.5 * alpha * (up + down) + (a2 * (15 + a2 * (3 * a2 - 10)) * (up - down)) / 16
}

export function d1(alpha: number, up: number, down: number): number {
  if (alpha > 1) return up
  if (alpha < -1) return down
  const a2 = alpha * alpha
  return 0.5 * (up + down) + (alpha * (30 + a2 * (18 * a2 - 40)) * (up - down)) / 16
}

export function d2(alpha: number, up: number, down: number): number {
  if (alpha > 1 || alpha < -1) return 0
  const a2 = alpha * alpha
  return ((30 + a2 * (90 * a2 - 120)) * (up - down)) / 16
}
