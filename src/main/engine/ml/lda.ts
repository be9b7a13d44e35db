/**
 * Fisher's linear discriminant (TMVA "Fisher"), weighted, in closed form on the training events.
 *
 * With the training-weighted class means μ_S, μ_B and covariances Σ_S, Σ_B of the inputs, the
 * within-class matrix is W = Σ_S + Σ_B and the coefficients c ∝ W⁻¹(μ_S − μ_B). Signed weights
 * are used as they are (as TMVA does). The output is
 *   F(x) = offset + Σ cᵢ xᵢ   (inputs in their own units),
 * scaled so that the training signal mean of F is +½ and the background mean −½: the output is
 * centred between the class means and its class-mean difference is 1, whatever the units.
 *
 * W is inverted on the non-constant inputs after scaling it to unit diagonal, by the
 * pseudo-inverse of its eigen-decomposition (eigenvalues below 1e-10 of the largest dropped): a
 * constant input gets coefficient 0 and linearly dependent inputs share their weight; both are
 * reported as warnings.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix'
import { z } from 'zod'
import type { ModelSummary } from '../../../shared/contract/train'
import type { Classifier } from './classifier'
import type { CorrelationPart } from '../data/correlation'
import { PART, type TrainingData, gatherRows, indicesOf } from './dataset'

/** Eigenvalues of the unit-diagonal W below this fraction of the largest count as zero. */
const RANK_TOLERANCE = 1e-10

export type LdaSummary = Extract<ModelSummary, { kind: 'lda' }>

/** A trained Fisher discriminant: output = offset + Σ coefficients[j] · x_j. */
export class LdaClassifier implements Classifier {
  readonly kind = 'lda' as const

  constructor(
    readonly inputs: readonly string[],
    readonly coefficients: readonly number[],
    readonly offset: number,
  ) {
    if (coefficients.length !== inputs.length)
      throw new RangeError(`${coefficients.length} coefficients for ${inputs.length} inputs`)
  }

  score(x: Float64Array, n: number): Float64Array {
    const d = this.inputs.length
    if (x.length < n * d) throw new RangeError(`${x.length} values for ${n} events × ${d} inputs`)
    const c = Float64Array.from(this.coefficients)
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      let s = this.offset
      const o = i * d
      for (let j = 0; j < d; j++) s += c[j] * x[o + j]
      out[i] = s
    }
    return out
  }
}

export interface LdaResult {
  classifier: LdaClassifier
  summary: LdaSummary
  warnings: string[]
}

/** Trains Fisher's discriminant on the training part of `data` with the training weights `w`. */
export function trainLda(data: TrainingData): LdaResult {
  const { d, x, w, inputs } = data
  const rowsS = indicesOf(data, PART.train, 1)
  const rowsB = indicesOf(data, PART.train, 0)
  const S = classMoments(x, d, w, rowsS, inputs, 'signal')
  const B = classMoments(x, d, w, rowsB, inputs, 'background')
  const { classifier, warnings } = ldaFromMoments(inputs, S, B)
  const output = (rows: Uint32Array) =>
    outputMoments(
      classifier.score(gatherRows(x, d, rows), rows.length),
      Float64Array.from(rows, (i) => w[i]),
    )
  return ldaResult(classifier, output(rowsS), output(rowsB), warnings)
}

/**
 * The result of a solved discriminant, with Fisher's criterion (μ_S − μ_B)² / (σ_S² + σ_B²)
 * of its output over the training events of each class (`outputMoments`).
 */
export function ldaResult(
  classifier: LdaClassifier,
  fS: { mean: number; variance: number },
  fB: { mean: number; variance: number },
  warnings: string[],
): LdaResult {
  const { inputs, coefficients: coef, offset } = classifier
  const criterion = (fS.mean - fB.mean) ** 2 / (fS.variance + fB.variance)
  return {
    classifier,
    summary: {
      kind: 'lda',
      coefficients: inputs.map((input, j) => ({ input, value: coef[j] })),
      offset,
      fisherCriterion: Number.isFinite(criterion) ? criterion : 0,
    },
    warnings,
  }
}

/**
 * The discriminant of the training-weighted class moments S and B (see the file comment): the
 * same solve whether the moments come from the rows in memory or merged partition by partition.
 */
export function ldaFromMoments(
  inputs: readonly string[],
  S: ClassMoments,
  B: ClassMoments,
): { classifier: LdaClassifier; warnings: string[] } {
  const d = inputs.length
  const warnings: string[] = []
  const active: number[] = []
  const constant: string[] = []
  for (let j = 0; j < d; j++) {
    if (S.min[j] === S.max[j] && B.min[j] === B.max[j] && S.min[j] === B.min[j])
      constant.push(inputs[j])
    else active.push(j)
  }
  if (constant.length)
    warnings.push(
      `Fisher: ${constant.map((s) => `'${s}'`).join(', ')} ${constant.length > 1 ? 'are' : 'is'} ` +
        'constant in the training events and get coefficient 0',
    )

  const coef = new Array<number>(d).fill(0)
  const delta = S.mean.map((m, j) => m - B.mean[j])
  const k = active.length
  if (k > 0) {
    // Scale W to unit diagonal so the rank tolerance does not depend on the inputs' units.
    const scale = active.map((j) => {
      const v = S.cov[j * d + j] + B.cov[j * d + j]
      return v > 0 ? 1 / Math.sqrt(v) : 1
    })
    const R = new Matrix(k, k)
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) {
        const ja = active[a]
        const jb = active[b]
        R.set(a, b, (S.cov[ja * d + jb] + B.cov[ja * d + jb]) * scale[a] * scale[b])
      }
    const e = new EigenvalueDecomposition(R, { assumeSymmetric: true })
    const lambda = e.realEigenvalues
    const V = e.eigenvectorMatrix
    const top = Math.max(...lambda.map(Math.abs))
    const keep = lambda.map((l) => Math.abs(l) > RANK_TOLERANCE * top)
    const rank = keep.filter(Boolean).length
    if (rank < k)
      warnings.push(
        `Fisher: the inputs are linearly dependent in the training events (rank ${rank} of ${k}); ` +
          'the pseudo-inverse of the within-class covariance is used',
      )
    // c = D R⁺ D Δ with D = diag(scale), R⁺ = V diag(1/λ) Vᵀ over the kept eigenvalues.
    const dd = active.map((j, a) => scale[a] * delta[j])
    const proj = new Array<number>(k).fill(0)
    for (let m = 0; m < k; m++) {
      if (!keep[m]) continue
      let p = 0
      for (let a = 0; a < k; a++) p += V.get(a, m) * dd[a]
      proj[m] = p / lambda[m]
    }
    for (let a = 0; a < k; a++) {
      let s = 0
      for (let m = 0; m < k; m++) s += V.get(a, m) * proj[m]
      coef[active[a]] = scale[a] * s
    }
  }

  // Δ·c is the mean difference of the unscaled output; normalise it to 1.
  const sep = delta.reduce((s, v, j) => s + v * coef[j], 0)
  let offset = 0
  if (Number.isFinite(sep) && sep > 0) {
    for (let j = 0; j < d; j++) coef[j] /= sep
    offset = -coef.reduce((s, c, j) => s + (c * (S.mean[j] + B.mean[j])) / 2, 0)
  } else {
    coef.fill(0)
    warnings.push(
      'Fisher: signal and background have the same input means in the training events; ' +
        'the discriminant is constant',
    )
  }
  return { classifier: new LdaClassifier([...inputs], coef, offset), warnings }
}

/** Serialisable model (project store, export). */
export const LdaJSON = z
  .object({
    format: z.literal('hepwb-lda'),
    version: z.literal(1),
    inputs: z.array(z.string()).min(1),
    coefficients: z.array(z.number()),
    offset: z.number(),
  })
  .strict()
  .refine((m) => m.coefficients.length === m.inputs.length, {
    message: 'a Fisher model needs one coefficient per input',
  })
export type LdaJSON = z.infer<typeof LdaJSON>

export function ldaToJSON(c: LdaClassifier): LdaJSON {
  return {
    format: 'hepwb-lda',
    version: 1,
    inputs: [...c.inputs],
    coefficients: [...c.coefficients],
    offset: c.offset,
  }
}

/** Loads a stored Fisher model; throws a ZodError naming the bad field. */
export function ldaFromJSON(json: unknown): LdaClassifier {
  const m = LdaJSON.parse(json)
  return new LdaClassifier(m.inputs, m.coefficients, m.offset)
}

/** One class's training-weighted input moments. */
export interface ClassMoments {
  mean: number[]
  /** Row-major d × d covariance Σw(x−μ)(x−μ)ᵀ / Σw. */
  cov: Float64Array
  min: number[]
  max: number[]
}

/**
 * The class moments of merged correlation sums (data/correlation.ts: Σw, weighted means,
 * co-moments around them by Chan's pairwise merge, extremes) of one class's training rows:
 * what an out-of-core pass hands ldaFromMoments. Throws as classMoments does.
 */
export function momentsOfPart(p: CorrelationPart | undefined, label: string): ClassMoments {
  if (!p || !p.events) throw new RangeError(`Fisher: no ${label} events in the training part`)
  if (!(p.sumw > 0) || p.sx)
    throw new RangeError(`Fisher: the ${label} training events' weights sum to ${p.sumw}, not > 0`)
  const d = p.k
  const cov = new Float64Array(d * d)
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      cov[a * d + b] = p.comoment[a * d + b] / p.sumw
      cov[b * d + a] = cov[a * d + b]
    }
  return { mean: Array.from(p.mean), cov, min: Array.from(p.lo), max: Array.from(p.hi) }
}

function classMoments(
  x: Float64Array,
  d: number,
  w: Float64Array,
  rows: Uint32Array,
  inputs: readonly string[],
  label: string,
): ClassMoments {
  let sw = 0
  const mean = new Array<number>(d).fill(0)
  const min = new Array<number>(d).fill(Infinity)
  const max = new Array<number>(d).fill(-Infinity)
  for (const i of rows) {
    sw += w[i]
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]
      if (!Number.isFinite(v))
        throw new RangeError(`Fisher: input '${inputs[j]}' is ${v} in a ${label} training event`)
      mean[j] += w[i] * v
      if (v < min[j]) min[j] = v
      if (v > max[j]) max[j] = v
    }
  }
  if (!rows.length) throw new RangeError(`Fisher: no ${label} events in the training part`)
  if (!(sw > 0))
    throw new RangeError(`Fisher: the ${label} training events' weights sum to ${sw}, not > 0`)
  for (let j = 0; j < d; j++) mean[j] /= sw
  const cov = new Float64Array(d * d)
  const c = new Float64Array(d)
  for (const i of rows) {
    for (let j = 0; j < d; j++) c[j] = x[i * d + j] - mean[j]
    for (let a = 0; a < d; a++) {
      const wa = w[i] * c[a]
      for (let b = a; b < d; b++) cov[a * d + b] += wa * c[b]
    }
  }
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      cov[a * d + b] /= sw
      cov[b * d + a] = cov[a * d + b]
    }
  return { mean, cov, min, max }
}

/** Weighted mean and variance of outputs `f` with weights `w` (compact, the same length). */
export function outputMoments(
  f: ArrayLike<number>,
  w: ArrayLike<number>,
): { mean: number; variance: number } {
  let sw = 0
  let m = 0
  for (let r = 0; r < f.length; r++) {
    sw += w[r]
    m += w[r] * f[r]
  }
  m /= sw
  let v = 0
  for (let r = 0; r < f.length; r++) v += w[r] * (f[r] - m) ** 2
  return { mean: m, variance: v / sw }
}
