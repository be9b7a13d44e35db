/**
 * A MIGRAD-like variable-metric minimiser: BFGS updates of the inverse Hessian, a backtracking
 * (Armijo) line search, box bounds by projection with an active set, fixed parameters, and
 * Minuit's convergence test EDM = ½ gᵀ V g < 0.002 · tol · errordef (tol 0.1 by default).
 *
 * Why projected rather than Minuit's sin transform: a POI at its bound (μ̂ clipped at 0 in
 * q̃μ) is the common case here, and projection lands on the bound exactly instead of
 * approaching it as a squared transform variable. The step on the free set uses the exact
 * reduced inverse (Schur complement of the active block), so the metric learnt before a
 * parameter hit its bound is kept.
 *
 * Strategy 1 (default) checks the claimed minimum with a finite-difference Hessian of the
 * analytic gradient and continues from it if the EDM was underestimated; if an attempt fails,
 * it is retried from the best point with that Hessian, then from the start with a fresh metric.
 */
import type { JobContext } from '../jobs/context'
import { numericalHessian, type ValueGrad } from './hesse'
import { cholesky, choleskySolve, invertSpdRegularised, solveSmall } from './linalg'

export interface MinimizeOptions {
  lower?: Float64Array
  upper?: Float64Array
  /** 1 = held at its start value. */
  fixed?: Uint8Array
  /** Minuit's tolerance (EDM < 0.002·tol·errordef). Default 0.1. */
  tol?: number
  /** Objective rise that defines one standard deviation: 1 for −2 ln L (default). */
  errordef?: number
  maxIterations?: number
  /** A Hessian estimate (n × n over all parameters) at x, e.g. the Fisher information. */
  hessianGuess?: (x: Float64Array) => Float64Array
  /**
   * 0: trust the BFGS metric; 1 (default): re-check the EDM with `hessianGuess` (cheap);
   * 2: re-check it with a finite-difference Hessian of the gradient.
   */
  strategy?: 0 | 1 | 2
  ctx?: JobContext
}

export interface MinimizeResult {
  x: Float64Array
  fval: number
  edm: number
  converged: boolean
  /** Free parameters that ended on a bound. */
  atBound: number[]
  /** Known when strategy 2 verified the minimum with a numerical Hessian. */
  hessianPositiveDefinite: boolean | null
  /** Numerical Hessian at the minimum (n × n) when strategy 2 computed it. */
  hessian: Float64Array | null
  nfev: number
  ngrad: number
  iterations: number
  retries: number
  message: string
}

interface Attempt {
  x: Float64Array
  f: number
  g: Float64Array
  edm: number
  converged: boolean
  message: string
  iterations: number
}

/**
 * Minimises f (with analytic gradient `fg`) from x0 (length n) within bounds. Returns the best
 * point found and says honestly whether the convergence criterion was met.
 */
export function minimize(
  fg: ValueGrad,
  x0: ArrayLike<number>,
  options: MinimizeOptions = {},
): MinimizeResult {
  const n = x0.length
  const lower = options.lower ?? new Float64Array(n).fill(-Infinity)
  const upper = options.upper ?? new Float64Array(n).fill(Infinity)
  const fixed = options.fixed ?? new Uint8Array(n)
  const tol = options.tol ?? 0.1
  const errordef = options.errordef ?? 1
  const edmMax = 0.002 * tol * errordef
  const strategy = options.strategy ?? 1
  const maxIter = options.maxIterations ?? 200 + 20 * n
  const free: number[] = []
  for (let i = 0; i < n; i++) if (!fixed[i]) free.push(i)
  const m = free.length

  let nfev = 0
  let ngrad = 0
  const counted: ValueGrad = (x, g) => {
    ngrad++
    nfev++
    return fg(x, g)
  }

  const x = new Float64Array(n)
  for (let i = 0; i < n; i++) x[i] = Math.min(upper[i], Math.max(lower[i], x0[i]))

  if (m === 0) {
    const g = new Float64Array(n)
    const f = counted(x, g)
    return {
      x,
      fval: f,
      edm: 0,
      converged: Number.isFinite(f),
      atBound: [],
      hessianPositiveDefinite: null,
      hessian: null,
      nfev,
      ngrad,
      iterations: 0,
      retries: 0,
      message: Number.isFinite(f) ? 'no free parameters' : 'objective not finite',
    }
  }

  /** Inverse-Hessian guess on the free set (m × m). */
  const guessInverse = (at: Float64Array, hessFull: Float64Array | null): Float64Array => {
    if (hessFull || options.hessianGuess) {
      const Hf = hessFull ?? options.hessianGuess!(at)
      const sub = new Float64Array(m * m)
      for (let a = 0; a < m; a++) {
        for (let b = 0; b < m; b++) sub[a * m + b] = Hf[free[a] * n + free[b]]
        // A parameter the objective does not depend on: unit curvature keeps the metric regular.
        if (!(sub[a * m + a] > 0)) {
          for (let b = 0; b < m; b++) sub[a * m + b] = sub[b * m + a] = 0
          sub[a * m + a] = 1
        }
      }
      return invertSpdRegularised(sub, m).inv
    }
    const H = new Float64Array(m * m)
    for (let a = 0; a < m; a++) H[a * m + a] = 1e-2
    return H
  }

  const runAttempt = (start: Float64Array, H: Float64Array, scaleFirst: boolean): Attempt => {
    const xc = Float64Array.from(start)
    const g = new Float64Array(n)
    let f = counted(xc, g)
    if (!Number.isFinite(f)) {
      return {
        x: xc,
        f,
        g,
        edm: Infinity,
        converged: false,
        message: 'objective not finite at the start point',
        iterations: 0,
      }
    }
    const xt = new Float64Array(n)
    const gt = new Float64Array(n)
    const d = new Float64Array(m)
    const v = new Float64Array(m)
    const gF = new Float64Array(m)
    const s = new Float64Array(m)
    const y = new Float64Array(m)
    const Hy = new Float64Array(m)
    const active = new Uint8Array(m)
    let fresh = true
    let edm = Infinity
    for (let it = 0; it < maxIter; it++) {
      options.ctx?.throwIfCancelled()
      // Active set: free parameters on a bound whose gradient pushes outwards.
      const act: number[] = []
      for (let a = 0; a < m; a++) {
        const i = free[a]
        const on = (xc[i] <= lower[i] && g[i] > 0) || (xc[i] >= upper[i] && g[i] < 0)
        active[a] = on ? 1 : 0
        if (on) act.push(a)
      }
      // v = H g_F (F = free, not active); gF holds the gradient with active entries zeroed.
      for (let b = 0; b < m; b++) gF[b] = active[b] ? 0 : g[free[b]]
      for (let a = 0; a < m; a++) {
        let sum = 0
        const ra = a * m
        for (let b = 0; b < m; b++) sum += H[ra + b] * gF[b]
        v[a] = sum
      }
      let ok = true
      if (act.length) {
        const k = act.length
        const Haa = new Float64Array(k * k)
        const va = new Float64Array(k)
        for (let p = 0; p < k; p++) {
          va[p] = v[act[p]]
          for (let q = 0; q < k; q++) Haa[p * k + q] = H[act[p] * m + act[q]]
        }
        const z = solveSmall(Haa, va, k)
        if (!z) ok = false
        else {
          for (let a = 0; a < m; a++) {
            if (active[a]) {
              d[a] = 0
              continue
            }
            let sum = v[a]
            for (let p = 0; p < k; p++) sum -= H[a * m + act[p]] * z[p]
            d[a] = -sum
          }
        }
      } else for (let a = 0; a < m; a++) d[a] = -v[a]
      let gd = 0
      for (let a = 0; a < m; a++) gd += g[free[a]] * d[a]
      edm = -0.5 * gd
      if (ok && gd <= 0 && edm < edmMax) {
        return { x: xc, f, g, edm, converged: true, message: 'converged', iterations: it }
      }
      if (!ok || !(gd < 0)) {
        // The metric lost positive definiteness: restart it from the guess.
        if (fresh)
          return {
            x: xc,
            f,
            g,
            edm,
            converged: false,
            message: 'no descent direction',
            iterations: it,
          }
        H.set(guessInverse(xc, null))
        fresh = true
        continue
      }
      // Projected backtracking line search (Armijo).
      let t = 1
      let ft = Infinity
      let accepted = false
      for (let ls = 0; ls < 40; ls++) {
        let decrease = 0
        for (let i = 0; i < n; i++) xt[i] = xc[i]
        for (let a = 0; a < m; a++) {
          const i = free[a]
          let xi = xc[i] + t * d[a]
          if (xi < lower[i]) xi = lower[i]
          else if (xi > upper[i]) xi = upper[i]
          xt[i] = xi
          decrease += g[i] * (xi - xc[i])
        }
        ft = counted(xt, gt)
        if (Number.isFinite(ft) && ft <= f + 1e-4 * decrease) {
          accepted = true
          break
        }
        // Quadratic interpolation of the step, kept within [0.1 t, 0.5 t].
        let tn = 0.5 * t
        if (Number.isFinite(ft)) {
          const denom = 2 * (ft - f - decrease)
          if (denom > 0) tn = Math.min(0.5 * t, Math.max(0.1 * t, (-decrease * t) / denom))
        } else tn = 0.2 * t
        t = tn
      }
      if (!accepted) {
        if (!fresh) {
          H.set(guessInverse(xc, null))
          fresh = true
          continue
        }
        return {
          x: xc,
          f,
          g,
          edm,
          converged: edm < 100 * edmMax,
          message: edm < 100 * edmMax ? 'converged to machine precision' : 'line search failed',
          iterations: it,
        }
      }
      let sy = 0
      let yy = 0
      let ss = 0
      for (let a = 0; a < m; a++) {
        const i = free[a]
        s[a] = xt[i] - xc[i]
        y[a] = gt[i] - g[i]
        sy += s[a] * y[a]
        yy += y[a] * y[a]
        ss += s[a] * s[a]
      }
      xc.set(xt)
      g.set(gt)
      const df = f - ft
      f = ft
      if (sy > 1e-14 * Math.sqrt(yy * ss)) {
        if (scaleFirst && fresh) {
          const c = sy / yy
          for (let a = 0; a < m * m; a++) H[a] *= c
        }
        // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
        const rho = 1 / sy
        let yHy = 0
        for (let a = 0; a < m; a++) {
          let sum = 0
          const ra = a * m
          for (let b = 0; b < m; b++) sum += H[ra + b] * y[b]
          Hy[a] = sum
          yHy += y[a] * sum
        }
        const c2 = rho * rho * yHy + rho
        for (let a = 0; a < m; a++) {
          const ra = a * m
          const sa = s[a]
          const ha = Hy[a]
          for (let b = 0; b < m; b++) H[ra + b] += -rho * (sa * Hy[b] + ha * s[b]) + c2 * sa * s[b]
        }
        fresh = false
      }
      if (df === 0 && edm < 100 * edmMax) {
        return {
          x: xc,
          f,
          g,
          edm,
          converged: true,
          message: 'converged to machine precision',
          iterations: it + 1,
        }
      }
    }
    return {
      x: xc,
      f,
      g,
      edm,
      converged: false,
      message: `no convergence in ${maxIter} iterations`,
      iterations: maxIter,
    }
  }

  /** Numerical Hessian on the free set and the EDM it implies for the reduced problem. */
  /**
   * Hessian at a claimed minimum (numerical, or the cheap guess) and the EDM it implies on the
   * parameters not pinned at a bound, ½ g_Iᵀ H_II⁻¹ g_I (a Cholesky solve, no inverse). The
   * full inverse, needed only to continue, is computed on demand.
   */
  const verify = (
    at: Attempt,
    numerical: boolean,
  ): { H: Float64Array; edm: number; posdef: boolean; inverse: () => Float64Array } => {
    let H: Float64Array
    if (numerical || !options.hessianGuess) {
      const step = new Float64Array(n)
      for (const i of free) step[i] = 1e-4 * (1 + Math.abs(at.x[i]))
      H = numericalHessian(counted, at.x, free, lower, upper, step)
    } else H = options.hessianGuess(at.x)
    const inverse = (): Float64Array => {
      const sub = new Float64Array(m * m)
      for (let a = 0; a < m; a++)
        for (let b = 0; b < m; b++) sub[a * m + b] = H[free[a] * n + free[b]]
      return invertSpdRegularised(sub, m).inv
    }
    const inner: number[] = []
    for (const i of free) {
      const pinned = (at.x[i] <= lower[i] && at.g[i] > 0) || (at.x[i] >= upper[i] && at.g[i] < 0)
      if (!pinned) inner.push(i)
    }
    const k = inner.length
    const L = new Float64Array(k * k)
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) L[a * k + b] = H[inner[a] * n + inner[b]]
    const posdef = cholesky(L, k)
    let edm = 0
    if (posdef) {
      const z = Float64Array.from(inner, (i) => at.g[i])
      choleskySolve(L, k, z)
      for (let a = 0; a < k; a++) edm += 0.5 * at.g[inner[a]] * z[a]
    } else {
      // Not positive definite (a saddle or a flat direction): the regularised metric still
      // says how far the gradient points.
      const sub = new Float64Array(k * k)
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) sub[a * k + b] = H[inner[a] * n + inner[b]]
      const inv = invertSpdRegularised(sub, k).inv
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) edm += 0.5 * at.g[inner[a]] * inv[a * k + b] * at.g[inner[b]]
    }
    return { H, edm, posdef, inverse }
  }

  let best: Attempt | null = null
  let retries = 0
  let hessian: Float64Array | null = null
  let posdef: boolean | null = null
  let start = Float64Array.from(x)
  let H0 = guessInverse(start, null)
  let scaleFirst = !options.hessianGuess
  for (let attempt = 0; attempt < 4; attempt++) {
    const res = runAttempt(start, H0, scaleFirst)
    if (!best || res.f < best.f || (res.converged && !best.converged && res.f <= best.f + edmMax))
      best = res
    if (res.converged && strategy >= 1) {
      const numerical = strategy >= 2 || !options.hessianGuess
      const ver = verify(res, numerical)
      hessian = numerical ? ver.H : null
      posdef = numerical ? ver.posdef : null
      if (ver.edm < edmMax || !Number.isFinite(ver.edm)) break
      // The BFGS metric underestimated the distance: continue with the true curvature.
      best = {
        ...res,
        converged: false,
        edm: ver.edm,
        message: 'EDM above tolerance with the Hessian check',
      }
      start = Float64Array.from(res.x)
      H0 = ver.inverse()
      scaleFirst = false
      retries++
      hessian = null
      posdef = null
      continue
    }
    if (res.converged) break
    retries++
    if (attempt === 0) {
      // Retry from the best point with the numerical Hessian as the metric.
      start = Float64Array.from(best.x)
      const ver = verify(best, true)
      H0 = ver.inverse()
      scaleFirst = false
    } else if (attempt === 1) {
      // Last resort: from the start again with a diagonal metric (no correlations assumed).
      start = Float64Array.from(x)
      const full = guessInverse(start, null)
      H0 = new Float64Array(m * m)
      for (let a = 0; a < m; a++) H0[a * m + a] = full[a * m + a] > 0 ? full[a * m + a] : 1e-2
      scaleFirst = true
    } else break
  }
  const b = best!
  const atBound: number[] = []
  for (const i of free) if (b.x[i] <= lower[i] || b.x[i] >= upper[i]) atBound.push(i)
  return {
    x: b.x,
    fval: b.f,
    edm: b.edm,
    converged: b.converged,
    atBound,
    hessianPositiveDefinite: posdef,
    hessian,
    nfev,
    ngrad,
    iterations: b.iterations,
    retries,
    message: b.message,
  }
}
