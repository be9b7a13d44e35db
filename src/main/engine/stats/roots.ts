/**
 * Brent's root finder (zeroin) on a bracketing interval: inverse quadratic interpolation with
 * bisection as safeguard, so every step keeps the bracket and convergence is guaranteed.
 */

export interface RootResult {
  x: number
  fx: number
  iterations: number
  converged: boolean
}

/**
 * A root of f in [a, b] where f(a) and f(b) differ in sign (fa, fb may be passed when known).
 * Stops when the bracket is narrower than 2·(xtol + 4ε|x|) or f(x) = 0.
 */
export function brentRoot(
  f: (x: number) => number,
  a: number,
  b: number,
  options: { xtol?: number; maxIterations?: number; fa?: number; fb?: number } = {},
): RootResult {
  const xtol = options.xtol ?? 1e-10
  const maxIt = options.maxIterations ?? 100
  let fa = options.fa ?? f(a)
  let fb = options.fb ?? f(b)
  if (fa === 0) return { x: a, fx: 0, iterations: 0, converged: true }
  if (fb === 0) return { x: b, fx: 0, iterations: 0, converged: true }
  if (Math.sign(fa) === Math.sign(fb))
    throw new Error(`root not bracketed: f(${a}) = ${fa}, f(${b}) = ${fb}`)
  let c = a
  let fc = fa
  let d = b - a
  let e = d
  for (let it = 1; it <= maxIt; it++) {
    if (Math.sign(fb) === Math.sign(fc)) {
      c = a
      fc = fa
      d = b - a
      e = d
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b
      b = c
      c = a
      fa = fb
      fb = fc
      fc = fa
    }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * xtol
    const xm = 0.5 * (c - b)
    if (Math.abs(xm) <= tol1 || fb === 0) return { x: b, fx: fb, iterations: it, converged: true }
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      let p: number
      let q: number
      const s = fb / fa
      if (a === c) {
        p = 2 * xm * s
        q = 1 - s
      } else {
        const qq = fa / fc
        const r = fb / fc
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1))
        q = (qq - 1) * (r - 1) * (s - 1)
      }
      if (p > 0) q = -q
      p = Math.abs(p)
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d
        d = p / q
      } else {
        d = xm
        e = d
      }
    } else {
      d = xm
      e = d
    }
    a = b
    fa = fb
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1
    fb = f(b)
  }
  return { x: b, fx: fb, iterations: maxIt, converged: false }
}
