/**
 * One-click sanity tests of an anomaly model (seed 002's checklist): modified copies of the
 * validation background scored against the untouched validation background, each giving the
 * AUC and both score distributions.
 *
 * - scale: one input × factor on a seeded fraction of the validation events (those leave the
 *   background side, so nothing is compared with itself);
 * - shuffle: every input permuted independently across the validation events — marginals kept,
 *   correlations destroyed;
 * - dummy: every input drawn uniformly between its validation minimum and maximum.
 *
 * Leaving a background process out of training needs a new training run: `leaveOneOut`
 * prepares its data set (the process scored as if it were signal).
 */
import type { SanityTest } from '../../../../shared/contract/anomaly'
import { Random } from '../../data/random'
import { PART, type TrainingData } from '../dataset'
import { weightedRoc } from '../evaluate/roc'
import { type AnomalyModel, eventLosses, type StackRunner } from './model'

export interface SanityResult {
  /** AUC of the score, modified (positive) vs untouched validation background; NaN if undefined. */
  readonly auc: number
  /** Scores and physical weights of the untouched validation background. */
  readonly background: { score: Float64Array; weight: Float64Array }
  readonly modified: { score: Float64Array; weight: Float64Array }
}

/**
 * The untouched and modified validation background of `data` for `test` (raw inputs,
 * row-major). Throws naming an input that is not one, or a fraction leaving either side empty.
 */
export function sanityRows(
  data: TrainingData,
  test: SanityTest,
  seed: number,
): { background: number[]; modified: Float64Array; modifiedWeight: Float64Array } {
  const d = data.d
  const rows: number[] = []
  for (let i = 0; i < data.n; i++) if (!data.y[i] && data.part[i] === PART.validation) rows.push(i)
  if (!rows.length) throw new Error('no validation background events to test with')
  const rng = new Random(seed)
  const copy = (ids: readonly number[]) => {
    const x = new Float64Array(ids.length * d)
    ids.forEach((i, r) => x.set(data.x.subarray(i * d, (i + 1) * d), r * d))
    return x
  }
  const weights = (ids: readonly number[]) => Float64Array.from(ids, (i) => data.weight[i])
  if (test.kind === 'scale') {
    const j = data.inputs.indexOf(test.input)
    if (j < 0) throw new Error(`sanity test: '${test.input}' is not one of the model's inputs`)
    const picked: number[] = []
    const kept: number[] = []
    for (const i of rows) (rng.uniform() < test.fraction ? picked : kept).push(i)
    if (!picked.length || !kept.length)
      throw new Error(
        `sanity test: a fraction of ${test.fraction} of ${rows.length} validation events leaves nothing on one side`,
      )
    const x = copy(picked)
    for (let r = 0; r < picked.length; r++) x[r * d + j] *= test.factor
    return { background: kept, modified: x, modifiedWeight: weights(picked) }
  }
  const x = copy(rows)
  const m = rows.length
  for (let j = 0; j < d; j++) {
    if (test.kind === 'shuffle') {
      const p = rng.permutation(m)
      const col = Float64Array.from({ length: m }, (_, r) => x[r * d + j])
      for (let r = 0; r < m; r++) x[r * d + j] = col[p[r]]
    } else {
      let lo = Infinity
      let hi = -Infinity
      for (let r = 0; r < m; r++) {
        lo = Math.min(lo, x[r * d + j])
        hi = Math.max(hi, x[r * d + j])
      }
      for (let r = 0; r < m; r++) x[r * d + j] = lo + (hi - lo) * rng.uniform()
    }
  }
  return { background: rows, modified: x, modifiedWeight: weights(rows) }
}

/** Runs one sanity test: scores both sides with the model and their ROC's AUC. */
export function runSanityTest(
  model: AnomalyModel,
  run: StackRunner,
  data: TrainingData,
  test: SanityTest,
  seed = 1,
): SanityResult {
  const { background, modified, modifiedWeight } = sanityRows(data, test, seed)
  const d = data.d
  const bgX = new Float64Array(background.length * d)
  background.forEach((i, r) => bgX.set(data.x.subarray(i * d, (i + 1) * d), r * d))
  const bgScore = eventLosses(model, run, bgX, background.length).score
  const modScore = eventLosses(model, run, modified, modifiedWeight.length).score
  const bgWeight = Float64Array.from(background, (i) => data.weight[i])
  const nb = bgScore.length
  const scores = new Float64Array(nb + modScore.length)
  scores.set(bgScore)
  scores.set(modScore, nb)
  const labels = Uint8Array.from(scores, (_, i) => (i < nb ? 0 : 1))
  const weights = new Float64Array(scores.length)
  weights.set(bgWeight)
  weights.set(modifiedWeight, nb)
  return {
    auc: weightedRoc(scores, labels, weights, undefined, 3).auc,
    background: { score: bgScore, weight: bgWeight },
    modified: { score: modScore, weight: modifiedWeight },
  }
}

/**
 * The data set for training without background sample `name`: its events are taken out of
 * training and validation and scored like a signal sample (role `signal`, test part).
 */
export function leaveOneOut(data: TrainingData, name: string): TrainingData {
  const s = data.samples.findIndex((v) => v.name === name && v.role === 'background')
  if (s < 0) throw new Error(`leave one out: no background sample named '${name}'`)
  const left = data.samples.filter((v) => v.role === 'background').length
  if (left < 2) throw new Error('leave one out: training needs another background sample')
  const y = Uint8Array.from(data.y, (v, i) => (data.sample[i] === s ? 1 : v))
  const part = Uint8Array.from(data.part, (v, i) => (data.sample[i] === s ? PART.test : v))
  return {
    ...data,
    y,
    part,
    samples: data.samples.map((v, i) => (i === s ? { ...v, role: 'signal' } : v)),
  }
}
