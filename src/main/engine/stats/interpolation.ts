/**
 * HistFactory interpolation codes, as pyhf defines them (pyhf.interpolators).
 *
 * normsys (multiplicative factor on a sample, hi/lo are factors relative to nominal):
 *   code1  piecewise exponential: hi^α (α ≥ 0), lo^(−α) (α < 0)             (ROOT's default)
 *   code4  exponential for |α| ≥ 1, 6th-order polynomial inside, continuous up to the 2nd
 *          derivative at ±1 (pyhf's default)
 * histosys (additive per-bin delta; U = hi − nom, D = nom − lo per bin):
 *   code0  piecewise linear: αU (α ≥ 0), αD (α < 0)                          (ROOT's default)
 *   code4p linear outside |α| > 1, polynomial inside (pyhf's default)
 *   code2  quadratic inside, linear outside; we use ROOT's continuous form (pyhf's code2 drops
 *          the constant that makes it continuous at |α| = 1)
 *
 * Every histosys code is linear in the per-bin deltas: delta_b = cu(α)·U_b + cd(α)·D_b, so the
 * model evaluates the two weights once per parameter and then one multiply-add per bin.
 */

export type NormsysCode = 'code1' | 'code4'
export type HistosysCode = 'code0' | 'code2' | 'code4p'

export interface InterpolationCodes {
  normsys: NormsysCode
  histosys: HistosysCode
}

/** pyhf's defaults. */
export const PYHF_CODES: InterpolationCodes = { normsys: 'code4', histosys: 'code4p' }
/** ROOT HistFactory's defaults (and pyhf's validation suite). */
export const ROOT_CODES: InterpolationCodes = { normsys: 'code1', histosys: 'code0' }

/**
 * The six polynomial coefficients a₁…a₆ of code4 (α₀ = 1) for factors lo, hi, fixed by value,
 * first and second derivative matching the exponential branches at α = ±1 (pyhf's A⁻¹·b).
 */
export function code4Coefficients(lo: number, hi: number, out = new Float64Array(6)): Float64Array {
  const lnHi = Math.log(hi)
  const lnLo = Math.log(lo)
  const b0 = hi - 1
  const b1 = lo - 1
  const b2 = lnHi * hi
  const b3 = -lnLo * lo
  const b4 = lnHi * lnHi * hi
  const b5 = lnLo * lnLo * lo
  out[0] =
    (15 / 16) * b0 - (15 / 16) * b1 - (7 / 16) * b2 - (7 / 16) * b3 + (1 / 16) * b4 - (1 / 16) * b5
  out[1] =
    (3 / 2) * b0 + (3 / 2) * b1 - (9 / 16) * b2 + (9 / 16) * b3 + (1 / 16) * b4 + (1 / 16) * b5
  out[2] = (-5 / 8) * b0 + (5 / 8) * b1 + (5 / 8) * b2 + (5 / 8) * b3 - (1 / 8) * b4 + (1 / 8) * b5
  out[3] = (-3 / 2) * b0 - (3 / 2) * b1 + (7 / 8) * b2 - (7 / 8) * b3 - (1 / 8) * b4 - (1 / 8) * b5
  out[4] =
    (3 / 16) * b0 - (3 / 16) * b1 - (3 / 16) * b2 - (3 / 16) * b3 + (1 / 16) * b4 - (1 / 16) * b5
  out[5] =
    (1 / 2) * b0 + (1 / 2) * b1 - (5 / 16) * b2 + (5 / 16) * b3 + (1 / 16) * b4 + (1 / 16) * b5
  return out
}

/** normsys factor at α (dimensionless multiplier of the nominal sample). */
export function normsysFactor(code: NormsysCode, alpha: number, lo: number, hi: number): number {
  if (code === 'code1') return alpha >= 0 ? Math.pow(hi, alpha) : Math.pow(lo, -alpha)
  if (alpha >= 1) return Math.pow(hi, alpha)
  if (alpha <= -1) return Math.pow(lo, -alpha)
  const a = code4Coefficients(lo, hi)
  let v = 0
  for (let i = 5; i >= 0; i--) v = (v + a[i]) * alpha
  return 1 + v
}

/** d(normsys factor)/dα. */
export function normsysDerivative(
  code: NormsysCode,
  alpha: number,
  lo: number,
  hi: number,
): number {
  if (code === 'code1') {
    return alpha >= 0 ? Math.pow(hi, alpha) * Math.log(hi) : -Math.pow(lo, -alpha) * Math.log(lo)
  }
  if (alpha >= 1) return Math.pow(hi, alpha) * Math.log(hi)
  if (alpha <= -1) return -Math.pow(lo, -alpha) * Math.log(lo)
  const a = code4Coefficients(lo, hi)
  let v = 0
  for (let i = 5; i >= 1; i--) v = (v + (i + 1) * a[i]) * alpha
  return v + a[0]
}

/**
 * The histosys weights at α: out = [cu, cd, dcu/dα, dcd/dα] with delta_b = cu·U_b + cd·D_b.
 */
export function histosysWeights(
  code: HistosysCode,
  alpha: number,
  out: Float64Array,
): Float64Array {
  const a = alpha
  if (code === 'code0') {
    if (a >= 0) set4(out, 0, a, 0, 1, 0)
    else set4(out, 0, 0, a, 0, 1)
  } else if (code === 'code4p') {
    if (a > 1) set4(out, 0, a, 0, 1, 0)
    else if (a < -1) set4(out, 0, 0, a, 0, 1)
    else {
      // delta = α·S + t(α)·A with S = (U + D)/2, A = (U − D)/16, t = α²(15 + α²(3α² − 10)).
      const a2 = a * a
      const t = a2 * (15 + a2 * (3 * a2 - 10))
      const dt = a * (30 + a2 * (18 * a2 - 40))
      out[0] = a / 2 + t / 16
      out[1] = a / 2 - t / 16
      out[2] = 0.5 + dt / 16
      out[3] = 0.5 - dt / 16
    }
  } else {
    // code2 (ROOT): a_q = (U − D)/2, b_q = (U + D)/2; quadratic a_q α² + b_q α inside.
    if (a > 1) set4(out, 0, 1.5 * (a - 1) + 1, -0.5 * (a - 1), 1.5, -0.5)
    else if (a < -1) set4(out, 0, -0.5 * (a + 1), 1.5 * (a + 1) - 1, -0.5, 1.5)
    else set4(out, 0, 0.5 * a * a + 0.5 * a, -0.5 * a * a + 0.5 * a, a + 0.5, -a + 0.5)
  }
  return out
}

/** histosys additive delta of one bin at α (events). */
export function histosysDelta(
  code: HistosysCode,
  alpha: number,
  lo: number,
  nom: number,
  hi: number,
): number {
  const w = histosysWeights(code, alpha, new Float64Array(4))
  return w[0] * (hi - nom) + w[1] * (nom - lo)
}

export function parseInterpolationCodes(spec: string | undefined): InterpolationCodes {
  const codes: InterpolationCodes = { ...PYHF_CODES }
  if (!spec) return codes
  for (const part of spec.split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim())
    if (k === 'normsys' && (v === 'code1' || v === 'code4')) codes.normsys = v
    else if (k === 'histosys' && (v === 'code0' || v === 'code2' || v === 'code4p'))
      codes.histosys = v
    else {
      throw new Error(
        `bad interpolation setting '${part}' (expected normsys=code1|code4 and/or histosys=code0|code2|code4p)`,
      )
    }
  }
  return codes
}

/** Writes four consecutive values (keeps the branchy weight code on one line per case). */
function set4(a: Float64Array, o: number, v0: number, v1: number, v2: number, v3: number): void {
  a[o] = v0
  a[o + 1] = v1
  a[o + 2] = v2
  a[o + 3] = v3
}
