/**
 * One classifier training from an assembled training set to a stored-model form and its TMVA
 * evaluation: dispatches to Fisher (lda.ts), rectangular cuts (rect-cuts.ts) or the network
 * (mlp.ts). The project service and `hepwb train` share it.
 */
import type {
  ClassifierEvaluation,
  ModelSummary,
  TrainConfig,
} from '../../../shared/contract/train'
import { silentContext, type JobContext } from '../jobs/context'
import { chooseBackend } from './backend'
import type { AssembledData } from './build-dataset'
import type { Classifier } from './classifier'
import { PART, indicesOf } from './dataset'
import { evaluateClassifier } from './evaluate/evaluate'
import { evaluateStreamed, SCORED_ROW_BYTES } from './evaluate/streamed'
import { ldaFromJSON, ldaToJSON, trainLda } from './lda'
import type { MissingValues } from './model-inputs'
import { mlpFromArtifacts, trainMlp, trainMlpStreamed, type MlpArtifacts } from './mlp'
import { fitPreprocessing, type Preprocessing } from './preprocess'
import { cutsFromJSON, cutsToJSON, trainRectCuts } from './rect-cuts'
import { streamedPreprocessing, type StreamedSet } from './streamed-set'
import { bytesPerEvent } from './streaming'

/** What the project stores to score events again (besides network weights). */
export interface StoredModelJSON {
  readonly kind: TrainConfig['kind']
  readonly inputs: readonly string[]
  readonly missing: MissingValues
  readonly preprocessing: Preprocessing | null
  /** lda / cuts: their JSON form; mlp: the topology and weight specs (weights kept apart). */
  readonly method: unknown
}

export interface TrainedClassifier {
  readonly classifier: Classifier
  readonly summary: ModelSummary
  readonly evaluation: ClassifierEvaluation
  readonly stored: StoredModelJSON
  /** Network weights (TensorFlow.js weight data), null for lda / cuts. */
  readonly weights: Uint8Array | null
  readonly warnings: string[]
  readonly backend: string
  readonly trainSeconds: number
  readonly eventsPerSecond: number
  /** The run was cancelled part-way (networks): the result holds what was learned. */
  readonly cancelled: boolean
}

/** Trains `config.kind` on `assembled` and evaluates it on the test events. */
export async function trainClassifier(
  config: TrainConfig,
  assembled: AssembledData,
  ctx: JobContext,
): Promise<TrainedClassifier> {
  const { data } = assembled
  const missing: MissingValues = {
    values: config.missing.values,
    policy: config.missing.policy,
    means: assembled.means,
  }
  const warnings = [...assembled.warnings]
  const t0 = performance.now()
  let classifier: Classifier
  let summary: ModelSummary
  let method: unknown
  let weights: Uint8Array | null = null
  let preprocessing: Preprocessing | null = null
  let backend = 'js'
  let eventsPerSecond: number
  let trainSeconds: number
  let cancelled = false
  const trainRows = countPart(data.part, PART.train)
  switch (config.kind) {
    case 'lda': {
      ctx.progress(0, 'Fisher discriminant')
      const r = trainLda(data)
      ;({ classifier, summary } = r)
      warnings.push(...r.warnings)
      method = ldaToJSON(r.classifier)
      trainSeconds = (performance.now() - t0) / 1000
      eventsPerSecond = trainRows / Math.max(trainSeconds, 1e-9)
      break
    }
    case 'cuts': {
      const r = trainRectCuts(data, config.options, ctx, config.split.seed)
      ;({ classifier, summary } = r)
      warnings.push(...r.warnings)
      method = cutsToJSON(r.classifier)
      trainSeconds = (performance.now() - t0) / 1000
      eventsPerSecond = trainRows / Math.max(trainSeconds, 1e-9)
      break
    }
    case 'mlp': {
      backend = (await chooseBackend()).backend
      const train = indicesOf(data, PART.train)
      preprocessing = fitPreprocessing(data.x, data.d, train, data.w, config.preprocess)
      const r = await trainMlp(data, preprocessing, config.options, config.split.seed, ctx)
      ;({ classifier, summary } = r)
      warnings.push(...r.warnings)
      const { weightData, ...rest } = r.artifacts
      method = rest
      weights = new Uint8Array(weightData)
      trainSeconds = r.trainSeconds
      eventsPerSecond = r.eventsPerSecond
      cancelled = summary.kind === 'mlp' && summary.stopped === 'cancelled'
      break
    }
  }
  ctx.progress(0.99, 'evaluating')
  const evaluation = evaluateClassifier(data, classifier, {
    bins: 40,
    expectedS: assembled.expected.s,
    expectedB: assembled.expected.b,
    seed: config.split.seed,
  })
  return {
    classifier,
    summary,
    evaluation,
    stored: { kind: config.kind, inputs: data.inputs, missing, preprocessing, method },
    weights,
    warnings,
    backend,
    trainSeconds,
    eventsPerSecond,
    cancelled,
  }
}

/**
 * Trains the network of `config` (kind mlp) on a training set streamed from chunks under
 * `budget` bytes (streamed-set.ts; three quarters of the budget for the window of training
 * rows, a quarter for the test events of the permutation importance) and evaluates it chunk by
 * chunk (evaluate/streamed.ts). Fisher and rectangular cuts are not trained here.
 */
export async function trainStreamedClassifier(
  config: TrainConfig,
  set: StreamedSet,
  budget: number,
  ctx: JobContext,
): Promise<TrainedClassifier> {
  if (config.kind !== 'mlp')
    throw new Error(`a streamed training set trains a network, not '${config.kind}'`)
  const missing: MissingValues = {
    values: config.missing.values,
    policy: config.missing.policy,
    means: [...set.means],
  }
  const backend = (await chooseBackend()).backend
  const preprocessing = await streamedPreprocessing(set, config.preprocess, ctx)
  const perRow = bytesPerEvent(set.d)
  const r = await trainMlpStreamed(
    set,
    preprocessing,
    config.options,
    config.split.seed,
    ctx,
    Math.floor((3 * budget) / 4 / perRow),
  )
  const { weightData, ...method } = r.artifacts
  ctx.progress(0.99, 'evaluating')
  const evaluation = await evaluateStreamed(
    set,
    r.classifier,
    { bins: 40, expectedS: set.expected.s, expectedB: set.expected.b, seed: config.split.seed },
    {
      importance: Math.max(1, Math.floor(budget / 4 / perRow)),
      scored: Math.floor(budget / 4 / SCORED_ROW_BYTES),
    },
    // Evaluated even when cancelled, as in memory: the run keeps what it learned.
    silentContext(),
  )
  return {
    classifier: r.classifier,
    summary: r.summary,
    evaluation,
    stored: { kind: 'mlp', inputs: [...set.inputs], missing, preprocessing, method },
    weights: new Uint8Array(weightData),
    warnings: [...set.warnings, ...r.warnings],
    backend,
    trainSeconds: r.trainSeconds,
    eventsPerSecond: r.eventsPerSecond,
    cancelled: r.summary.stopped === 'cancelled',
  }
}

/** The classifier of a stored model (to apply it to events again). */
export async function restoreClassifier(
  stored: StoredModelJSON,
  weights: Uint8Array | null,
): Promise<Classifier> {
  switch (stored.kind) {
    case 'lda':
      return ldaFromJSON(stored.method)
    case 'cuts':
      return cutsFromJSON(stored.method)
    case 'mlp': {
      if (!weights || !stored.preprocessing) throw new Error('the stored network has no weights')
      const m = stored.method as Omit<MlpArtifacts, 'weightData'>
      const buffer = weights.buffer.slice(
        weights.byteOffset,
        weights.byteOffset + weights.byteLength,
      )
      return mlpFromArtifacts(
        { ...m, weightData: buffer as ArrayBuffer },
        stored.preprocessing,
        stored.inputs,
      )
    }
  }
}

function countPart(part: Uint8Array, p: number): number {
  let k = 0
  for (let i = 0; i < part.length; i++) if (part[i] === p) k++
  return k
}
