/**
 * Interpolation code 0 (histosys, ROOT's default): piecewise linear,
 * delta = α·U (α ≥ 0), α·D (α < 0), with U = hi − nom, D = nom − lo (pyhf `code0`).
 * The second derivative is 0 (the kink at α = 0 is not differentiable; we take the right side).
 */
export function value(alpha: number, up: number, down: number): number {
  return alpha >= 0 ? alpha * up : alpha * down
}

export function d1(alpha: number, up: number, down: number): number {
  return alpha >= 0 ? up : down
}

export function d2(_alpha: number, _up: number, _down: number): number {
  return 0
}
