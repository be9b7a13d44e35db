import { beforeAll, describe, expect, it } from 'vitest'
import type * as TF from '@tensorflow/tfjs'
import { Random } from '../../../../src/main/engine/data/random'
import { chooseBackend } from '../../../../src/main/engine/ml/backend'
import { BENCHMARKS, type Benchmark } from '../../../../src/main/engine/ml/inferno/benchmarks'
import {
  type Shapes,
  TEMPLATE_STEPS,
  constraintTerms,
  countDerivatives,
  expectedCounts,
  fisherMatrix,
  fisherSigmaS,
} from '../../../../src/main/engine/ml/inferno/fisher'
import { argmaxBins, hardHistogram } from '../../../../src/main/engine/ml/inferno/soft-histogram'
import { infernoLossTf, softHistogram } from './autodiff-reference'
import { infernoLoss64, softShape } from '../../../../src/main/engine/ml/inferno/train'

let tf: typeof TF

beforeAll(async () => {
  tf = (await chooseBackend()).tf
})

function normalised(v: number[]): Float64Array {
  const s = v.reduce((a, b) => a + b, 0)
  return Float64Array.from(v.map((x) => x / s))
}

/** Fixed, plausible summary histograms of 6 bins with r and λ variations. */
function fixedShapes(seed = 1): Shapes<Float64Array> {
  const rng = new Random(seed)
  const b = 6
  const sig = Array.from({ length: b }, (_, j) => 0.02 + (j / b) ** 2 + 0.1 * rng.uniform())
  const bkg = Array.from({ length: b }, (_, j) => 1 - j / (b + 1) + 0.1 * rng.uniform())
  const vary = (k: number): number[] =>
    bkg.map((x, j) => x * (1 + k * (j - 2.5) * 0.03 + 0.01 * k * k * rng.uniform()))
  return {
    signal: normalised(sig),
    background: normalised(bkg),
    up: { r: normalised(vary(1)), lambda: normalised(vary(-1.5)) },
    down: { r: normalised(vary(-1)), lambda: normalised(vary(1.2)) },
  }
}

/**
 * −ln L of the Asimov data of `sh` at parameters θ = (s, r, λ, b): expected counts
 * s·S + b·B(α_r, α_λ), B interpolated quadratically between the ±step templates (the paper's
 * int_quad_lin inside |α| ≤ 1), Gaussian constraints of the benchmark. Written plainly here as
 * the independent reference.
 */
function asimovNll(sh: Shapes<Float64Array>, bm: Benchmark, theta: number[]): number {
  const [s, r, lambda, b] = theta
  const nominal = [50, 0, 3, 1000]
  const ar = r / TEMPLATE_STEPS.r
  const al = (lambda - 3) / TEMPLATE_STEPS.lambda
  let nll = 0
  for (let j = 0; j < sh.signal.length; j++) {
    const quad = (up: number, dn: number, nom: number, a: number): number =>
      (0.5 * (up + dn) - nom) * a * a + 0.5 * (up - dn) * a
    const bj =
      sh.background[j] +
      quad(sh.up.r![j], sh.down.r![j], sh.background[j], ar) +
      quad(sh.up.lambda![j], sh.down.lambda![j], sh.background[j], al)
    const mu = s * sh.signal[j] + b * bj
    const n = 50 * sh.signal[j] + 1000 * sh.background[j]
    nll += mu - n * Math.log(mu)
  }
  const names = ['s', 'r', 'lambda', 'b'] as const
  names.forEach((p, i) => {
    const c = bm.constraints[p]
    if (c !== undefined) nll += (0.5 * (theta[i] - nominal[i]) ** 2) / (c * c)
  })
  return nll
}

describe('Asimov Fisher information', () => {
  it('equals a float64 finite-difference Hessian of the Asimov −ln L (B4: s, r, λ, b)', () => {
    const sh = fixedShapes()
    const bm = BENCHMARKS.B4
    const theta0 = [50, 0, 3, 1000]
    const h = [0.05, 1e-3, 2e-3, 0.5]
    const k = 4
    const numeric = new Float64Array(k * k)
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const f = (di: number, dj: number): number => {
          const t = [...theta0]
          t[i] += di * h[i]
          t[j] += dj * h[j]
          return asimovNll(sh, bm, t)
        }
        numeric[i * k + j] = (f(1, 1) - f(1, -1) - f(-1, 1) + f(-1, -1)) / (4 * h[i] * h[j])
      }
    }
    const fisher = fisherMatrix(
      expectedCounts(sh),
      countDerivatives(sh, bm.params, TEMPLATE_STEPS),
      constraintTerms(bm),
    )
    for (let i = 0; i < k * k; i++) {
      const scale = Math.sqrt(
        Math.abs(numeric[(i % k) * (k + 1)] * numeric[Math.floor(i / k) * (k + 1)]),
      )
      expect(Math.abs(fisher[i] - numeric[i]) / scale).toBeLessThan(1e-5)
    }
  })

  it('B0 (no nuisances): the loss is the closed form 1 / Σ S_j² / (s S_j + b B_j)', () => {
    const sh = fixedShapes(2)
    let info = 0
    for (let j = 0; j < sh.signal.length; j++)
      info += sh.signal[j] ** 2 / (50 * sh.signal[j] + 1000 * sh.background[j])
    expect(infernoLoss64(sh, BENCHMARKS.B0, TEMPLATE_STEPS)).toBeCloseTo(1 / info, 9)
    expect(fisherSigmaS(sh, BENCHMARKS.B0, TEMPLATE_STEPS)).toBeCloseTo(Math.sqrt(1 / info), 9)
    // One bin: no shape information, σ_s = √(s + b) (counting experiment).
    const one = { signal: Float64Array.of(1), background: Float64Array.of(1), up: {}, down: {} }
    expect(fisherSigmaS(one, BENCHMARKS.B0, TEMPLATE_STEPS)).toBeCloseTo(Math.sqrt(1050), 9)
  })

  it('nuisances only widen σ_s, constraints narrow it again (B0 < B3 < B2, B3 < B4)', () => {
    const sh = fixedShapes(3)
    const s = (n: keyof typeof BENCHMARKS): number =>
      fisherSigmaS(sh, BENCHMARKS[n], TEMPLATE_STEPS)
    expect(s('B0')).toBeLessThan(s('B1'))
    expect(s('B1')).toBeLessThan(s('B2'))
    expect(s('B3')).toBeLessThan(s('B2'))
    expect(s('B0')).toBeLessThan(s('B3'))
    expect(s('B3')).toBeLessThan(s('B4'))
  })

  it('the TF.js loss equals the float64 one and its gradient matches finite differences', () => {
    const sh = fixedShapes(4)
    const steps = { r: 0.2, lambda: 0.5 }
    for (const name of ['B0', 'B2', 'B4'] as const) {
      const bm = BENCHMARKS[name]
      const ref = infernoLoss64(sh, bm, steps)
      const asTensors = (s: Float64Array): TF.Tensor1D => tf.tensor1d(Float32Array.from(s))
      const got = tf.tidy(() => {
        const t: Shapes<TF.Tensor1D> = {
          signal: asTensors(sh.signal),
          background: asTensors(sh.background),
          up: { r: asTensors(sh.up.r!), lambda: asTensors(sh.up.lambda!) },
          down: { r: asTensors(sh.down.r!), lambda: asTensors(sh.down.lambda!) },
        }
        return infernoLossTf(tf, t, bm, steps).dataSync()[0]
      })
      expect(Math.abs(got - ref) / ref).toBeLessThan(2e-4)
      // ∂loss/∂S_j by autodiff (float32) vs central differences of the float64 loss.
      const grad = tf.tidy(() =>
        Array.from(
          tf
            .grad((sig: TF.Tensor) =>
              infernoLossTf(
                tf,
                {
                  signal: sig as TF.Tensor1D,
                  background: asTensors(sh.background),
                  up: { r: asTensors(sh.up.r!), lambda: asTensors(sh.up.lambda!) },
                  down: { r: asTensors(sh.down.r!), lambda: asTensors(sh.down.lambda!) },
                },
                bm,
                steps,
              ),
            )(asTensors(sh.signal))
            .dataSync(),
        ),
      )
      const scale = Math.max(...grad.map(Math.abs))
      for (let j = 0; j < sh.signal.length; j++) {
        const e = 1e-6
        const plus = Float64Array.from(sh.signal)
        const minus = Float64Array.from(sh.signal)
        plus[j] += e
        minus[j] -= e
        const fd =
          (infernoLoss64({ ...sh, signal: plus }, bm, steps) -
            infernoLoss64({ ...sh, signal: minus }, bm, steps)) /
          (2 * e)
        expect(Math.abs(grad[j] - fd) / scale).toBeLessThan(2e-3)
      }
    }
  })
})

describe('soft histograms', () => {
  it('with τ → 0 equal the hard (argmax) histogram', () => {
    const rng = new Random(8)
    const n = 500
    const b = 7
    const logits = new Float32Array(n * b)
    for (let i = 0; i < n * b; i++) logits[i] = rng.normal()
    // Keep the largest logit of each event ≥ 0.05 above the next, so the limit is reached.
    const hard = argmaxBins(logits, b)
    for (let i = 0; i < n; i++) logits[i * b + hard[i]] += 0.05
    const soft = tf.tidy(() =>
      Array.from(softHistogram(tf, tf.tensor2d(logits, [n, b]), 1e-4).dataSync()),
    )
    const ref = hardHistogram(hard, b)
    for (let j = 0; j < b; j++) expect(soft[j]).toBeCloseTo(ref[j], 6)
    // The float64 validation path computes the same soft histogram as the TF.js one at τ = 0.3.
    const tfSoft = tf.tidy(() =>
      Array.from(softHistogram(tf, tf.tensor2d(logits, [n, b]), 0.3).dataSync()),
    )
    const jsSoft = softShape(logits, b, 0.3)
    for (let j = 0; j < b; j++) expect(tfSoft[j]).toBeCloseTo(jsSoft[j], 6)
    expect(jsSoft.reduce((a, c) => a + c, 0)).toBeCloseTo(1, 12)
  })
})
