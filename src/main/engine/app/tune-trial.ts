/**
 * One tuning trial as a Task (`tune.trial`): a classifier training (the Train step's use case:
 * app/classifier-training.ts: the training set, then the training) on the events of an analysis
 * spec, with the trial's parameters already applied to the training config, judged by the
 * study's objective. Each epoch's validation loss is the trial's intermediate value; the
 * pruner runs beside the training from the payload's snapshot of the study (the trials finished
 * when this one started), so a worker thread or a cluster node prunes the same way as this
 * process. A pruned trial stops at the end of that epoch (the training's own cancel path) and
 * is still evaluated. A NaN loss or a non-finite objective is a failed trial with the reason.
 *
 * The payload is a description (spec path, config, objective), never live objects; the
 * training set is read once per process and kept for the trials that share it.
 */
import type { AnalysisSpec } from '../../../shared/spec'
import { AnomalyConfig } from '../../../shared/contract/anomaly'
import { InfernoBenchmarkConfig } from '../../../shared/contract/inferno'
import { ClassifierEvaluation, TrainConfig } from '../../../shared/contract/train'
import { describeZodError } from '../../../shared/api'
import { CancelledError, type JobContext } from '../jobs/context'
import type { AssembledData } from '../ml/build-dataset'
import { chooseBackend } from '../ml/backend'
import { withModelRunner } from '../ml/autoencoder/runner'
import { evaluateAnomaly, scoreData } from '../ml/autoencoder/score'
import { median } from '../ml/inferno/benchmark-run'
import { BENCHMARKS } from '../ml/inferno/benchmarks'
import { evaluateSummary } from '../ml/inferno/evaluate'
import { TEMPLATE_STEPS } from '../ml/inferno/fisher'
import { benchmarkData } from '../ml/inferno/simulator'
import { INFERNO_DEFAULTS, trainInferno } from '../ml/inferno/train'
import { trainClassifier } from '../ml/train-classifier'
import { runAnomalyTraining } from './anomaly-training'
import { classifierSet, trainOnSet, type ClassifierSet } from './classifier-training'
import { asimovZ } from '../select/significance'
import { readSpecFile, withSpecFile } from '../select/spec-file'
import { trainingFraction } from '../ml/data-fraction'
import { hyperbandRungs, makePruner, type PrunerConfig } from '../tune/pruner'
import type { TrialOutcome } from '../tune/study'
import type { Direction, TrialRecord } from '../tune/trial'
import { defaultMemoryBudget } from './memory-budget'
import { withMemory } from './source'
import { specSource } from './spec-source'
import { defineTask, type Task } from './task'

/** What a study optimises; `direction` defaults by metric. */
export interface Objective {
  /**
   * `auc_test` (weighted test AUC), `val_loss` (best validation loss, networks),
   * `eff_s_at_eff_b` (signal efficiency on the test ROC at background efficiency `effB`),
   * `significance` (S/√(S+B) at the best cut on the output, expected yields of the region),
   * `discovery_z` (the expected discovery significance of a binned fit of the output: see
   * binnedDiscoveryZ);
   * autoencoders and VAEs: `val_loss` and `anomaly_auc` (the AUC of signal sample `signal`, by
   * default the first, against the background on the reconstruction loss); INFERNO on the
   * paper benchmark (`kind: "inferno"`, the options of `hepwb bench inferno`): `sigma_poi`, the
   * median over its seeds of σ of the signal yield s (the benchmark's parameter of interest)
   * from the profile likelihood of the test-set summary, and `val_loss`.
   */
  readonly metric: ObjectiveMetric
  readonly direction: Direction
  /** ε_B for `eff_s_at_eff_b` (default 0.1). */
  readonly effB?: number
  /** The signal sample of `anomaly_auc` (default: the first). */
  readonly signal?: string
}

export const OBJECTIVE_METRICS = [
  'auc_test',
  'val_loss',
  'eff_s_at_eff_b',
  'significance',
  'discovery_z',
  'anomaly_auc',
  'sigma_poi',
] as const
export type ObjectiveMetric = (typeof OBJECTIVE_METRICS)[number]

/** The direction a metric is optimised in unless the study says otherwise. */
export const defaultDirection = (m: ObjectiveMetric): Direction =>
  m === 'val_loss' || m === 'sigma_poi' ? 'minimize' : 'maximize'

export interface TrialPayload {
  /** The analysis spec: its file (absolute path), or the spec itself with absolute sample paths. */
  readonly spec: string | AnalysisSpec
  /** The training config with the trial's parameters applied (validated by the handler). */
  readonly config: unknown
  readonly objective: Objective
  readonly pruner: PrunerConfig
  readonly number: number
  /** The study's finished trials when this one started (for the pruner). */
  readonly peers: readonly TrialRecord[]
  /**
   * Bytes the trial's passes over events may hold (the study's --memory or the project's
   * budget); beyond it the training set streams as the Train step's does. Default: a quarter
   * of the memory of the machine the trial runs on.
   */
  readonly memory?: number
}

export const TRIAL_KIND = 'tune.trial'

export function trialTask(payload: TrialPayload): Task {
  return { kind: TRIAL_KIND, payload }
}

// The last training set read, by what defines it (spec and every non-option field).
let cached: { key: string; data: Promise<ClassifierSet> } | null = null

/**
 * The trial's training set as the Train step reads it (app/classifier-training.ts): in memory,
 * or streamed when the events exceed `memory` bytes.
 */
function trainingSet(
  spec: string | AnalysisSpec,
  config: TrainConfig,
  memory: number,
  ctx: JobContext,
): Promise<ClassifierSet> {
  const { options: _options, name: _name, ...events } = config as TrainConfig & { name?: string }
  const key = JSON.stringify({ spec, events, memory })
  if (cached?.key !== key) {
    forgetClassifierSet()
    const read = (s: AnalysisSpec) => classifierSet(withMemory(specSource(s), memory), config, ctx)
    const data = typeof spec === 'string' ? withSpecFile(spec, read) : read(spec)
    cached = { key, data }
    data.catch(() => {
      if (cached?.data === data) cached = null
    })
  }
  return cached.data
}

/** Drops the kept training set, closing a streamed one's samples. */
function forgetClassifierSet(): void {
  cached?.data.then(
    (set) => set.kind !== 'memory' && set.release(),
    () => undefined,
  )
  cached = null
}

/** Drops the training sets kept for trials in this process (a study that ended calls it). */
export function forgetTrialData(): void {
  forgetClassifierSet()
  simulated = null
}

/** The objective's value of a trained classifier (NaN where it is not defined). */
export function objectiveValue(
  objective: Objective,
  evaluation: ClassifierEvaluation,
  valLoss: readonly (number | null)[],
): number {
  switch (objective.metric) {
    case 'auc_test':
      return evaluation.auc_test ?? NaN
    case 'val_loss': {
      const v = valLoss.filter((x): x is number => x !== null && Number.isFinite(x))
      return v.length ? Math.min(...v) : NaN
    }
    case 'eff_s_at_eff_b':
      return effSAt(evaluation.roc, objective.effB ?? 0.1)
    case 'significance':
      return evaluation.efficiency?.best?.significance ?? NaN
    case 'discovery_z':
      return binnedDiscoveryZ(evaluation)
    case 'anomaly_auc':
    case 'sigma_poi':
      return NaN
  }
}

/**
 * The expected discovery significance of a binned likelihood fit of the classifier output:
 * the test events' output histograms (40 bins) scaled to the region's expected signal and
 * background yields, one Poisson bin each with the signal strength μ free, on Asimov data
 * (μ = 1). Without systematic uncertainties the profile has μ alone and q₀ = Σ 2((sᵢ+bᵢ)
 * ln(1+sᵢ/bᵢ) − sᵢ) exactly (Cowan et al. 2011), so Z = √(Σ Z_A,ᵢ²). Bins without background
 * are merged into their lower neighbours (an empty-background bin would claim any
 * significance). NaN without expected yields or test events.
 */
export function binnedDiscoveryZ(evaluation: ClassifierEvaluation): number {
  const h = evaluation.output?.test
  const e = evaluation.efficiency
  if (!h || !e) return NaN
  const ts = h.signal.sumw.reduce((a, b) => a + b, 0)
  const tb = h.background.sumw.reduce((a, b) => a + b, 0)
  if (!(ts > 0 && tb > 0 && e.expected_s > 0 && e.expected_b > 0)) return NaN
  const ks = e.expected_s / ts
  const kb = e.expected_b / tb
  const groups: [number, number][] = []
  let s = 0
  let b = 0
  for (let i = h.signal.sumw.length - 1; i >= 0; i--) {
    s += ks * h.signal.sumw[i]
    b += kb * h.background.sumw[i]
    if (b > 0) {
      groups.push([s, b])
      s = 0
      b = 0
    }
  }
  // Signal left below the lowest background: into the last group.
  if (groups.length && s > 0) groups[groups.length - 1][0] += s
  let q0 = 0
  for (const [si, bi] of groups) q0 += asimovZ(Math.max(si, 0), bi) ** 2
  return Math.sqrt(q0)
}

/** ε_S on the ROC (points with ε_S increasing) at ε_B = target, linearly interpolated. */
function effSAt(roc: { eff_s: number[]; eff_b: number[] }, target: number): number {
  const { eff_s: s, eff_b: b } = roc
  for (let i = 1; i < b.length; i++) {
    const [b0, b1] = [b[i - 1], b[i]]
    if ((b0 - target) * (b1 - target) <= 0) {
      const t = b1 === b0 ? 1 : (target - b0) / (b1 - b0)
      return s[i - 1] + t * (s[i] - s[i - 1])
    }
  }
  return NaN
}

/**
 * The context a trial trains under: its `val_loss` metrics are the intermediate values, checked
 * by the pruner after each epoch; pruning stops the training at the end of that epoch through
 * the training's own cancel path (the study's cancel does too).
 */
function pruningContext(payload: TrialPayload, ctx: JobContext) {
  const pruner = makePruner(payload.pruner)
  const intermediate: (number | null)[] = []
  const stop = new AbortController()
  const onCancel = () => stop.abort()
  ctx.signal.addEventListener('abort', onCancel)
  const state = { pruned: false }
  const trialCtx: JobContext = {
    signal: stop.signal,
    progress: (f, m) => ctx.progress(f, m),
    log: (m) => ctx.log(m),
    metric(name, step, value) {
      ctx.metric(name, step, value)
      if (name !== 'val_loss') return
      intermediate[step] = Number.isFinite(value) ? value : null
      if (
        !state.pruned &&
        pruner.shouldPrune({ number: payload.number, intermediate }, step, payload.peers)
      ) {
        state.pruned = true
        ctx.log(`trial ${payload.number}: pruned after epoch ${step + 1}`)
        stop.abort()
      }
    },
    throwIfCancelled() {
      if (ctx.signal.aborted) throw new CancelledError()
    },
  }
  return {
    ctx: trialCtx,
    intermediate,
    state,
    done: () => ctx.signal.removeEventListener('abort', onCancel),
  }
}

/** How a trained trial ended, from its epochs' history and its objective value. */
function outcome(
  p: ReturnType<typeof pruningContext>,
  r: {
    history: readonly (number | null)[]
    epochs: number
    stopped: string
    value: number
    metric: string
  },
  t0: number,
): TrialOutcome {
  const { intermediate } = p
  // The loop reports only finite losses: fill the epochs it ran from its history.
  for (const [i, v] of r.history.entries()) if (intermediate[i] === undefined) intermediate[i] = v
  const base = { intermediate, epochs: r.epochs, seconds: (performance.now() - t0) / 1000 }
  if (r.stopped === 'nan')
    return {
      ...base,
      state: 'failed',
      value: null,
      reason: `the loss became NaN at epoch ${r.epochs}`,
    }
  if (!Number.isFinite(r.value))
    return {
      ...base,
      state: 'failed',
      value: null,
      reason: `${r.metric} is not defined for this trial`,
    }
  return { ...base, state: p.state.pruned ? 'pruned' : 'complete', value: r.value }
}

/** Runs one trial; the outcome's seconds cover reading (once per process) and training. */
export async function runTrial(payload: TrialPayload, ctx: JobContext): Promise<TrialOutcome> {
  const kind = (payload.config as { kind?: unknown } | null)?.kind
  if (kind === 'inferno') return runInfernoTrial(payload, ctx)
  return kind === 'ae' || kind === 'vae'
    ? runAnomalyTrial(payload, ctx)
    : runClassifierTrial(payload, ctx)
}

// The last simulated benchmark data set, by its seed and sizes.
let simulated: { key: string; data: ReturnType<typeof benchmarkData> } | null = null

/**
 * INFERNO on the paper benchmark: trained per seed (777, 778, …) on the simulator's events as
 * `hepwb bench inferno` does, without the cross-entropy baseline; the objective is the median
 * σ of the signal yield over the seeds (or the best validation loss). Each seed's epochs follow
 * the previous seed's as steps of the intermediate values.
 */
async function runInfernoTrial(payload: TrialPayload, ctx: JobContext): Promise<TrialOutcome> {
  const t0 = performance.now()
  const { kind: _kind, ...rest } = payload.config as Record<string, unknown>
  const parsed = InfernoBenchmarkConfig.safeParse(rest)
  if (!parsed.success)
    throw new Error(`the trial's INFERNO config: ${describeZodError(parsed.error)}`)
  const c = parsed.data
  const key = JSON.stringify([c.dataSeed, c.trainEvents, c.testEvents])
  if (simulated?.key !== key)
    simulated = { key, data: benchmarkData(c.dataSeed, c.trainEvents, c.testEvents) }
  const { data } = simulated
  const { tf } = await chooseBackend()
  const bm = BENCHMARKS[c.benchmark]
  const p = pruningContext(payload, ctx)
  const sigmas: number[] = []
  const history: (number | null)[] = []
  let epochs = 0
  let stopped = 'epochs'
  try {
    for (let i = 0; i < c.seeds && !p.ctx.signal.aborted; i++) {
      const offset = history.length
      const seedCtx: JobContext = {
        ...p.ctx,
        metric: (name, step, value) => p.ctx.metric(name, offset + step, value),
      }
      const inf = await trainInferno(tf, data.train, data.validation, {
        hidden: INFERNO_DEFAULTS.hidden,
        bins: c.bins,
        tau: c.tau,
        optimizer: c.optimizer,
        learningRate: c.learningRate,
        batchSize: c.batchSize,
        epochs: c.epochs,
        patience: c.patience,
        steps: INFERNO_DEFAULTS.steps,
        benchmark: bm,
        seed: 777 + i,
        ctx: seedCtx,
      })
      try {
        if (ctx.signal.aborted) throw new CancelledError()
        const e = evaluateSummary(inf, 'inferno', c.bins, data.test, bm, TEMPLATE_STEPS)
        sigmas.push(e.profile.sigmaS)
        history.push(...inf.history.history.val_loss)
        epochs += inf.history.epochs
        if (inf.history.stopped === 'nan') stopped = 'nan'
      } finally {
        inf.net.dispose()
      }
    }
    const value =
      payload.objective.metric === 'sigma_poi'
        ? median(sigmas)
        : Math.min(...history.filter((v): v is number => v !== null && Number.isFinite(v)))
    return outcome(p, { history, epochs, stopped, value, metric: payload.objective.metric }, t0)
  } finally {
    p.done()
  }
}

async function runClassifierTrial(payload: TrialPayload, ctx: JobContext): Promise<TrialOutcome> {
  const t0 = performance.now()
  const parsed = TrainConfig.safeParse(payload.config)
  if (!parsed.success)
    throw new Error(`the trial's training config: ${describeZodError(parsed.error)}`)
  const config = parsed.data
  const set = await trainingSet(payload.spec, config, payload.memory ?? defaultMemoryBudget(), ctx)
  if (payload.pruner.resource === 'fraction' && payload.pruner.name === 'hyperband') {
    if (set.kind !== 'memory')
      throw new Error('the training-data fraction needs the training set in memory')
    return runFractionTrial(payload, config, set.assembled, ctx, t0)
  }
  const p = pruningContext(payload, ctx)
  try {
    const { summary, evaluation } = await trainOnSet(config, set, p.ctx)
    if (ctx.signal.aborted) throw new CancelledError()
    const history = summary.kind === 'mlp' ? summary.history.val_loss : []
    return outcome(
      p,
      {
        history,
        epochs: summary.kind === 'mlp' ? summary.epochs : 0,
        stopped: summary.kind === 'mlp' ? summary.stopped : 'epochs',
        value: objectiveValue(payload.objective, evaluation, history),
        metric: payload.objective.metric,
      },
      t0,
    )
  } finally {
    p.done()
  }
}

/**
 * A network trial of Hyperband with the training-data fraction as the resource: trained afresh
 * (same seed, full epochs) on each rung's fraction of the training events — rung r of R units
 * is r/R of them, nested subsets drawn from the split's seed — and judged after each by its best
 * validation loss, the intermediate value at step r − 1 that the pruner compares with the
 * bracket's other trials at that rung. A pruned trial keeps its last (smaller-fraction) model's
 * objective; `fraction` is the share of training events that model trained on.
 */
async function runFractionTrial(
  payload: TrialPayload,
  config: TrainConfig,
  assembled: AssembledData,
  ctx: JobContext,
  t0: number,
): Promise<TrialOutcome> {
  if (config.kind !== 'mlp')
    throw new Error('the training-data fraction is a Hyperband resource of mlp trials only')
  const pruner = makePruner(payload.pruner)
  const units = payload.pruner.maxResource
  const intermediate: (number | null)[] = []
  let epochs = 0
  for (const rung of hyperbandRungs(payload.number, payload.pruner)) {
    const part = trainingFraction(assembled.data, rung / units, config.split.seed + 1)
    const step = Math.round(rung) - 1
    // Live curves per rung; the intermediate values are the rungs' best losses.
    const rungCtx: JobContext = {
      ...ctx,
      metric: (name, e, v) => ctx.metric(`${name} @${rung}/${units}`, e, v),
    }
    const { summary, evaluation } = await trainClassifier(
      config,
      { ...assembled, data: part.data },
      rungCtx,
    )
    if (ctx.signal.aborted) throw new CancelledError()
    if (summary.kind !== 'mlp') throw new Error('expected a network')
    epochs += summary.epochs
    const losses = summary.history.val_loss.filter(
      (v): v is number => v !== null && Number.isFinite(v),
    )
    intermediate[step] = losses.length ? Math.min(...losses) : null
    const base = {
      intermediate: Array.from(intermediate, (v) => v ?? null),
      epochs,
      seconds: (performance.now() - t0) / 1000,
      fraction: part.fraction,
    }
    if (summary.stopped === 'nan')
      return {
        ...base,
        state: 'failed',
        value: null,
        reason: `the loss became NaN at epoch ${summary.epochs} (on ${rung}/${units} of the training data)`,
      }
    const value = objectiveValue(payload.objective, evaluation, summary.history.val_loss)
    const last = rung >= units
    const pruned =
      !last && pruner.shouldPrune({ number: payload.number, intermediate }, step, payload.peers)
    if (!Number.isFinite(value))
      return {
        ...base,
        state: 'failed',
        value: null,
        reason: `${payload.objective.metric} is not defined for this trial`,
      }
    if (pruned) {
      ctx.log(`trial ${payload.number}: pruned after ${rung}/${units} of the training data`)
      return { ...base, state: 'pruned', value }
    }
    if (last) return { ...base, state: 'complete', value }
  }
  throw new Error('Hyperband gave the trial no rung')
}

/** An autoencoder or VAE trial: trained on the background, scored on every signal sample. */
async function runAnomalyTrial(payload: TrialPayload, ctx: JobContext): Promise<TrialOutcome> {
  const t0 = performance.now()
  const parsed = AnomalyConfig.safeParse(payload.config)
  if (!parsed.success)
    throw new Error(`the trial's training config: ${describeZodError(parsed.error)}`)
  const config = parsed.data
  const spec = typeof payload.spec === 'string' ? await readSpecFile(payload.spec) : payload.spec
  const p = pruningContext(payload, ctx)
  try {
    const { data, trained } = await runAnomalyTraining(specSource(spec), config, p.ctx)
    if (ctx.signal.aborted) throw new CancelledError()
    const evaluation = await withModelRunner(trained.model, (run) =>
      evaluateAnomaly(data, scoreData(trained.model, run, data)),
    )
    const { objective } = payload
    let value = NaN
    if (objective.metric === 'val_loss') value = evaluation.val_loss ?? NaN
    else if (objective.metric === 'anomaly_auc') {
      const s = objective.signal
        ? evaluation.signals.find((x) => x.name === objective.signal)
        : evaluation.signals[0]
      if (!s && objective.signal) throw new Error(`no signal sample '${objective.signal}'`)
      value = s?.auc ?? NaN
    }
    return outcome(
      p,
      {
        history: trained.summary.history.val_loss,
        epochs: trained.summary.epochs,
        stopped: trained.summary.stopped,
        value,
        metric: objective.metric,
      },
      t0,
    )
  } finally {
    p.done()
  }
}

/**
 * The task's handler: a trial that fails (an invalid config, data it cannot read, a missing
 * signal sample) is a result — a failed trial with its reason — not an error, so an error out of
 * the executor always means the trials cannot run there (a lost Redis, a worker of another
 * version, a thread that cannot load the code) and stops the study instead of failing every
 * trial. A cancel stays an error.
 */
export async function runTrialTask(payload: TrialPayload, ctx: JobContext): Promise<TrialOutcome> {
  const t0 = performance.now()
  try {
    return await runTrial(payload, ctx)
  } catch (e) {
    if (e instanceof CancelledError || ctx.signal.aborted) throw e
    return {
      state: 'failed',
      value: null,
      intermediate: [],
      reason: e instanceof Error ? e.message : String(e),
      epochs: 0,
      seconds: (performance.now() - t0) / 1000,
    }
  }
}

defineTask(TRIAL_KIND, (payload, ctx) => runTrialTask(payload as TrialPayload, ctx))
