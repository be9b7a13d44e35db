import { describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import { BENCHMARKS, BENCHMARK_NAMES } from '../../../../src/main/engine/ml/inferno/benchmarks'
import {
  hardBinner,
  profileSigmaS,
  summaryWorkspace,
} from '../../../../src/main/engine/ml/inferno/evaluate'
import {
  type Shapes,
  TEMPLATE_STEPS,
  fisherSigmaS,
} from '../../../../src/main/engine/ml/inferno/fisher'

function normalised(v: number[]): Float64Array {
  const s = v.reduce((a, b) => a + b, 0)
  return Float64Array.from(v.map((x) => x / s))
}

/**
 * A fixed 10-bin summary histogram with an r variation linear and a λ variation quadratic in the
 * bin index (so they are not degenerate); `asym` makes the down templates differ from the mirror
 * images of the up ones.
 */
function fixedShapes(asym: number): Shapes<Float64Array> {
  const rng = new Random(1)
  const b = 10
  const sig = Array.from({ length: b }, (_, j) => 0.01 + (j / b) ** 3 + 0.05 * rng.uniform())
  const bkg = Array.from({ length: b }, (_, j) => 1 - j / (b + 1) + 0.1 * rng.uniform())
  const r = (k: number): number[] => bkg.map((x, j) => x * (1 + k * (j - 4.5) * 0.02))
  const l = (k: number): number[] => bkg.map((x, j) => x * (1 + k * ((j - 4.5) ** 2 - 8) * 0.004))
  return {
    signal: normalised(sig),
    background: normalised(bkg),
    up: { r: normalised(r(1)), lambda: normalised(l(1)) },
    down: { r: normalised(r(-1 + asym)), lambda: normalised(l(-1 - asym)) },
  }
}

describe('expected σ_s of a summary histogram', () => {
  /*
   * With templates symmetric about nominal the HistFactory model is linear in every nuisance,
   * and the profile likelihood of the Asimov data differs from its quadratic (Fisher)
   * approximation only through the Poisson terms beyond second order. Their cubic part shifts
   * the two MINOS crossings in opposite directions and cancels in the half-width; what remains
   * is of relative order σ_s² Σ S³/μ² / Σ S²/μ ≈ (σ_s S / μ)² ≲ 1e-3 here. The tolerance is that.
   */
  it.each(BENCHMARK_NAMES)(
    '%s: the stats-engine profile width equals the Fisher σ_s for linear templates (0.1%%)',
    (name) => {
      const sh = fixedShapes(0)
      const fisher = fisherSigmaS(sh, BENCHMARKS[name], TEMPLATE_STEPS)
      const prof = profileSigmaS(sh, BENCHMARKS[name], TEMPLATE_STEPS)
      expect(prof.valid).toBe(true)
      expect(Math.abs(prof.sigmaS / fisher - 1)).toBeLessThan(1e-3)
      // Asimov: the interval is around s = 50, a little longer upwards (Poisson).
      expect(prof.upper).toBeGreaterThan(-prof.lower)
    },
  )

  /*
   * Asymmetric templates add the quadratic interpolation term ((up + down)/2 − nominal)·α² that
   * the Fisher information at α = 0 does not see; with a 20% asymmetry and profiled |α| ≲ 1 it
   * moves the width by well under 1%.
   */
  it('stays within 1% of the Fisher σ_s for mildly asymmetric templates (B2, B4)', () => {
    const sh = fixedShapes(0.2)
    for (const name of ['B2', 'B4'] as const) {
      const fisher = fisherSigmaS(sh, BENCHMARKS[name], TEMPLATE_STEPS)
      const prof = profileSigmaS(sh, BENCHMARKS[name], TEMPLATE_STEPS)
      expect(Math.abs(prof.sigmaS / fisher - 1)).toBeLessThan(1e-2)
    }
  })

  it('nuisances widen the interval: B0 < B1 < B2 and B3 < B4', () => {
    const sh = fixedShapes(0)
    const w = (n: (typeof BENCHMARK_NAMES)[number]): number =>
      profileSigmaS(sh, BENCHMARKS[n], TEMPLATE_STEPS).sigmaS
    expect(w('B0')).toBeLessThan(w('B1'))
    expect(w('B1')).toBeLessThan(w('B2'))
    expect(w('B3')).toBeLessThan(w('B4'))
  })

  it('builds the HistFactory workspace the paper describes, without empty bins', () => {
    const sh = fixedShapes(0)
    const withEmpty: Shapes<Float64Array> = {
      signal: Float64Array.from([...sh.signal, 0]),
      background: Float64Array.from([...sh.background, 0]),
      up: {
        r: Float64Array.from([...sh.up.r!, 0]),
        lambda: Float64Array.from([...sh.up.lambda!, 0]),
      },
      down: {
        r: Float64Array.from([...sh.down.r!, 0]),
        lambda: Float64Array.from([...sh.down.lambda!, 0]),
      },
    }
    const ws = summaryWorkspace(withEmpty, BENCHMARKS.B4, TEMPLATE_STEPS)
    const [sig, bkg] = ws.channels[0].samples
    expect(sig.data).toHaveLength(10)
    expect(sig.data.reduce((a, b) => a + b, 0)).toBeCloseTo(50, 9)
    expect(bkg.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1000, 9)
    expect(bkg.modifiers.map((m) => `${m.type}:${m.name}`)).toEqual([
      'histosys:r',
      'histosys:lambda',
      'lumi:b_norm',
    ])
    const params = ws.measurements[0].config.parameters
    // α = Δθ / step: N(r | 0, 0.4) with step 0.2 is N(α | 0, 2); N(λ | 3, 1) with step 0.5 too.
    expect(params.find((p) => p.name === 'r')?.sigmas).toEqual([2])
    expect(params.find((p) => p.name === 'lambda')?.sigmas).toEqual([2])
    expect(params.find((p) => p.name === 'b_norm')?.sigmas).toEqual([0.1])
  })
})

describe('hard summary histograms', () => {
  it('cross entropy: 10 uniform bins of the sigmoid output', () => {
    const logit = (p: number): number => Math.log(p / (1 - p))
    const h = hardBinner('bce', 10)(Float32Array.from([0.01, 0.15, 0.151, 0.55, 0.999].map(logit)))
    expect(Array.from(h)).toEqual([0.2, 0.4, 0, 0, 0, 0.2, 0, 0, 0, 0.2])
  })

  it('INFERNO: argmax of the outputs', () => {
    const h = hardBinner('inferno', 3)(Float32Array.from([0, 1, 2, 5, 1, 0, 0, 9, 1, 3, 0, 1]))
    // Rows → bins 2, 0, 1, 0.
    expect(Array.from(h)).toEqual([0.5, 0.25, 0.25])
  })
})
