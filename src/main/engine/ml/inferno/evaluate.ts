/**
 * After training: the hard summary histogram of a network on the test set (argmax bin for
 * INFERNO, 10 uniform bins of the sigmoid output for the cross-entropy classifier), its
 * templates at nominal and at the paper's shifted nuisances (r ± 0.2, λ ± 0.5), and the expected
 * uncertainty on s two ways:
 *   - Fisher: √(I⁻¹)_ss of the Asimov Fisher information of the templates (fisher.ts) — the
 *     paper's own figure of merit (paper-inferno benchmarking.py / template_model.py);
 *   - profile: a HistFactory model fitted by the stats engine (normfactor μ on s = 50 μ, histosys
 *     α per shape nuisance with quadratic-inside interpolation, code2 — the paper's int_quad_lin —
 *     a lumi-type Gaussian factor on b for B4) to its Asimov data; the width of the profile
 *     likelihood at Δ(−2 ln L) = 1 (MINOS), half of upper − lower, in events.
 */
import { fitLikelihood } from '../../stats/fit'
import { Likelihood, asimovData } from '../../stats/likelihood'
import { minos } from '../../stats/minos'
import { compileModel } from '../../stats/model'
import { type Workspace, parseWorkspace } from '../../stats/workspace'
import type { Benchmark } from './benchmarks'
import { type Shapes, type Steps, TEMPLATE_STEPS, fisherSigmaS, shapeNuisances } from './fisher'
import type { ProcessSamples } from './simulator'
import { NOMINAL } from './simulator'
import { argmaxBins, hardHistogram, uniformBin } from './soft-histogram'
import { type TrainedNetwork, summaryShapes } from './train'

export type SummaryKind = 'inferno' | 'bce'

/** Histogram of network outputs: argmax of b logits, or b uniform bins of σ(logit). */
export function hardBinner(kind: SummaryKind, bins: number): (out: Float32Array) => Float64Array {
  if (kind === 'inferno') return (out) => hardHistogram(argmaxBins(out, bins), bins)
  return (out) => {
    const idx = new Int32Array(out.length)
    for (let i = 0; i < out.length; i++) idx[i] = uniformBin(1 / (1 + Math.exp(-out[i])), bins)
    return hardHistogram(idx, bins)
  }
}

/** An α of a histosys modifier that is not constrained: σ so wide its constraint is negligible. */
const FREE_ALPHA_SIGMA = 1e4

/**
 * The HistFactory workspace of the summary histogram: signal (normfactor 'mu', s = 50 mu),
 * background with a histosys per shape nuisance (hi/lo = templates at nominal ± step, so
 * α = Δθ / step; its Gaussian σ is the constraint width / step, or effectively free) and, when
 * b is a parameter, a Gaussian 'b_norm' factor N(1, σ_b / b). Bins where neither process has
 * events are dropped.
 */
export function summaryWorkspace(sh: Shapes<Float64Array>, bm: Benchmark, steps: Steps): Workspace {
  const keep: number[] = []
  for (let j = 0; j < sh.signal.length; j++)
    if (sh.signal[j] > 0 || sh.background[j] > 0) keep.push(j)
  const pick = (v: Float64Array, scale: number): number[] => keep.map((j) => scale * v[j])
  const sig = pick(sh.signal, NOMINAL.s)
  const bkg = pick(sh.background, NOMINAL.b)
  const bkgMods: Workspace['channels'][number]['samples'][number]['modifiers'] = []
  const params: Workspace['measurements'][number]['config']['parameters'] = [
    { name: 'mu', bounds: [[0, 10]] },
  ]
  for (const v of shapeNuisances(bm)) {
    bkgMods.push({
      name: v,
      type: 'histosys',
      data: { hi_data: pick(sh.up[v]!, NOMINAL.b), lo_data: pick(sh.down[v]!, NOMINAL.b) },
    })
    const c = bm.constraints[v]
    params.push({
      name: v,
      sigmas: [c === undefined ? FREE_ALPHA_SIGMA : c / steps[v]],
      bounds: [[-20, 20]],
    })
  }
  if (bm.params.includes('b')) {
    bkgMods.push({ name: 'b_norm', type: 'lumi', data: null })
    const c = bm.constraints.b
    params.push({
      name: 'b_norm',
      auxdata: [1],
      sigmas: [c === undefined ? FREE_ALPHA_SIGMA : c / NOMINAL.b],
      bounds: [[0, 10]],
    })
  }
  const observed = sig.map((s, i) => s + bkg[i])
  return parseWorkspace({
    channels: [
      {
        name: 'summary',
        samples: [
          {
            name: 'signal',
            data: sig,
            modifiers: [{ name: 'mu', type: 'normfactor', data: null }],
          },
          { name: 'background', data: bkg, modifiers: bkgMods },
        ],
      },
    ],
    observations: [{ name: 'summary', data: observed }],
    measurements: [{ name: 'inferno', config: { poi: 'mu', parameters: params } }],
    version: '1.0.0',
  })
}

export interface ProfileResult {
  /** Half the MINOS interval of s (events). */
  readonly sigmaS: number
  /** MINOS errors of s (events). */
  readonly lower: number
  readonly upper: number
  readonly valid: boolean
  /** Correlation matrix of the free parameters (POI first as the model orders them). */
  readonly correlation: { names: string[]; matrix: number[][] }
}

/** Profile-likelihood width of s on the Asimov data of the summary histogram (stats engine). */
export function profileSigmaS(
  sh: Shapes<Float64Array>,
  bm: Benchmark,
  steps: Steps,
): ProfileResult {
  const model = compileModel(summaryWorkspace(sh, bm, steps), {
    codes: { normsys: 'code4', histosys: 'code2' },
  })
  const lik = new Likelihood(model, asimovData(model, model.init))
  const best = fitLikelihood(lik, { hesse: true })
  const me = minos(lik, best, model.poi)
  const free = best.hesse!.free
  const m = free.length
  const matrix: number[][] = []
  for (let a = 0; a < m; a++)
    matrix.push(Array.from(best.hesse!.correlation.subarray(a * m, a * m + m)))
  return {
    sigmaS: (NOMINAL.s * (me.upper - me.lower)) / 2,
    lower: NOMINAL.s * me.lower,
    upper: NOMINAL.s * me.upper,
    valid: me.valid && best.converged,
    correlation: { names: free.map((i) => model.parNames[i]), matrix },
  }
}

export interface SummaryEvaluation {
  readonly kind: SummaryKind
  readonly shapes: Shapes<Float64Array>
  /** √(I⁻¹)_ss from the templates (paper's figure of merit), events. */
  readonly sigmaFisher: number
  readonly profile: ProfileResult
}

/** Hard templates of a trained network on `test` and its expected σ_s for benchmark `bm`. */
export function evaluateSummary(
  trained: TrainedNetwork,
  kind: SummaryKind,
  bins: number,
  test: ProcessSamples,
  bm: Benchmark,
  steps: Steps = TEMPLATE_STEPS,
): SummaryEvaluation {
  const shapes = summaryShapes(
    trained.net,
    trained.standardiser,
    test,
    shapeNuisances(bm),
    steps,
    hardBinner(kind, bins),
  )
  return {
    kind,
    shapes,
    sigmaFisher: fisherSigmaS(shapes, bm, steps),
    profile: profileSigmaS(shapes, bm, steps),
  }
}
