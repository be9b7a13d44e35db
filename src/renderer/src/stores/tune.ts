/**
 * The Tune view's state (issue 15): the study set-up (the Train step's training set-up — the
 * same form, so what is set up there is what is tuned — plus the space, objective, algorithm,
 * pruner and budget), the project's studies, the selected study with its trials (re-read
 * while it runs) and the live per-epoch curves of its running trials (the job's `trial N/…`
 * metrics), and the best trial opened as a model in the Train step.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { JobEvent } from '../../../shared/api'
import type {
  StudyDetail,
  StudyInfo,
  TuneAlgorithm,
  TuneMetric,
  TunePruner,
  TuneStart,
} from '../../../shared/contract/tune'
import { api } from '../api'
import {
  type InfernoTuneForm,
  type SpaceRow,
  buildSpace,
  defaultInfernoTuneForm,
  defaultSpace,
  infernoTuneConfig,
  objectivesOf,
} from './tune-space'
import { guardWith } from './guard'
import { useProjectStore } from './project'
import { buildConfig as buildAnomalyConfig } from './anomaly-form'
import { useAnomalyStore } from './anomaly'
import { buildConfig } from './train-setup-form'
import { useTrainStore } from './train'

export interface TuneForm {
  /**
   * What is tuned: the Train step's classifier set-up, the Anomaly step's autoencoder or
   * INFERNO on the paper benchmark (its set-up here).
   */
  family: 'classifier' | 'anomaly' | 'inferno'
  inferno: InfernoTuneForm
  /** Hyperband's resource: epochs, or the training-data fraction (networks). */
  resource: 'epochs' | 'fraction'
  name: string
  /** The method the rows were made for (a new method brings its default space). */
  rowsKind: string
  rows: SpaceRow[]
  metric: TuneMetric
  direction: 'minimize' | 'maximize'
  effB: number
  algorithm: TuneAlgorithm
  pruner: TunePruner
  trials: number
  parallel: number
  seed: number
  /** Minutes after which no new trial starts; 0: no limit. */
  minutes: number
}

export function defaultTuneForm(kind: string): TuneForm {
  return {
    family: 'classifier',
    inferno: defaultInfernoTuneForm(),
    resource: 'epochs',
    name: '',
    rowsKind: kind,
    rows: defaultSpace(kind),
    metric: 'auc_test',
    direction: 'maximize',
    effB: 0.1,
    algorithm: 'tpe',
    pruner: 'none',
    trials: 20,
    parallel: 1,
    seed: 1,
    minutes: 0,
  }
}

export const useTuneStore = defineStore('tune', () => {
  const project = useProjectStore()
  const train = useTrainStore()
  const anomaly = useAnomalyStore()
  /** The method of the set-up the study tunes. */
  const kind = computed(() =>
    form.value.family === 'inferno'
      ? 'inferno'
      : form.value.family === 'anomaly'
        ? anomaly.form.kind
        : train.form.kind,
  )
  const form = ref<TuneForm>(defaultTuneForm(train.form.kind))
  const studies = ref<StudyInfo[]>([])
  const selectedId = ref<string | null>(null)
  const detail = shallowRef<StudyDetail | null>(null)
  /** A second study drawn beside the selected one in the history plot. */
  const compareId = ref<string | null>(null)
  const compared = shallowRef<StudyDetail | null>(null)
  /** Leave pruned and failed trials out of every plot. */
  const hide = ref(false)
  const error = ref<string | null>(null)
  const notice = ref<string | null>(null)
  /** Live validation loss per epoch of the running trials, from the job's metric events. */
  const live = shallowRef<Map<number, (number | null)[]>>(new Map())
  const guard = guardWith(error)

  // A new method brings its default space and objectives.
  watch(kind, (k) => {
    if (form.value.rowsKind === k) return
    form.value.rows = defaultSpace(k)
    form.value.rowsKind = k
    const offered = objectivesOf(k)
    if (!offered.some((o) => o.metric === form.value.metric)) form.value.metric = offered[0].metric
  })
  watch(
    () => form.value.metric,
    (m) => {
      const o = objectivesOf(form.value.rowsKind).find((x) => x.metric === m)
      if (o) form.value.direction = o.direction
    },
  )

  /** The request tune.start would get, or what is wrong with the set-up. */
  const built = computed<{ ok: true; request: TuneStart } | { ok: false; errors: string[] }>(() => {
    const family = form.value.family
    const t =
      family === 'inferno'
        ? infernoTuneConfig(form.value.inferno)
        : family === 'anomaly'
          ? buildAnomalyConfig(anomaly.form)
          : buildConfig(train.form)
    const s = buildSpace(form.value.rows)
    const errors = [...(t.ok ? [] : t.errors), ...s.errors]
    const fraction = form.value.resource === 'fraction' && form.value.pruner === 'hyperband'
    if (fraction && t.ok && t.config.kind !== 'mlp')
      errors.push('the training-data fraction is a resource for neural networks only')
    if (t.ok && t.config.kind === 'lda') errors.push('Fisher has no hyperparameters to tune')
    if (!s.errors.length && !Object.keys(s.space).length) errors.push('the space is empty')
    if (errors.length || !t.ok) return { ok: false, errors }
    const f = form.value
    return {
      ok: true,
      request: {
        name: f.name.trim(),
        train: t.config,
        space: s.space,
        objective: {
          metric: f.metric,
          direction: f.direction,
          ...(f.metric === 'eff_s_at_eff_b' ? { effB: f.effB } : {}),
        },
        algorithm: f.algorithm,
        pruner: f.pruner,
        trials: f.trials,
        parallel: f.parallel,
        seed: f.seed,
        timeout: f.minutes > 0 ? f.minutes * 60 : null,
        resource: fraction ? 'fraction' : 'epochs',
      },
    }
  })

  const running = computed(() => studies.value.some((s) => s.state === 'running'))

  async function loadStudies(): Promise<void> {
    const r = await guard(() => api.call('tune.studies', {}), false)
    if (r) studies.value = r
  }

  async function loadDetail(): Promise<void> {
    const id = selectedId.value
    if (!id) {
      detail.value = null
      return
    }
    const r = await guard(() => api.call('tune.study', { id }), false)
    if (r && selectedId.value === id) detail.value = r
  }

  async function select(id: string | null): Promise<void> {
    selectedId.value = id
    live.value = new Map()
    if (compareId.value === id) compareId.value = null
    await loadDetail()
    if (id) void follow(id)
  }

  watch(compareId, async (id) => {
    compared.value = id
      ? ((await guard(() => api.call('tune.study', { id }), false)) ?? null)
      : null
  })

  function onEvent(e: JobEvent): void {
    if (e.kind !== 'metric') return
    const m = /^trial (\d+)\/val_loss$/.exec(e.name)
    if (!m) return
    const n = Number(m[1])
    const next = new Map(live.value)
    const curve = [...(next.get(n) ?? [])]
    curve[e.step] = e.value
    next.set(n, curve)
    live.value = next
  }

  /** Follows the selected study's job (if it runs in the engine) for its live curves. */
  const followed = new Set<string>()
  async function follow(id: string): Promise<void> {
    const s = studies.value.find((x) => x.id === id)
    if (!s?.jobId || followed.has(s.jobId)) return
    followed.add(s.jobId)
    try {
      await api.attachJob('tune.start', s.jobId, onEvent)
    } catch {
      // Its end (cancelled, failed) shows in the study's state.
    } finally {
      followed.delete(s.jobId)
      await refresh()
    }
  }

  /** Live epochs received for the selected study (the view exposes it for tests). */
  const liveEpochs = computed(() => [...live.value.values()].reduce((n, c) => n + c.length, 0))

  /** The selected study's trials with the live curves of its running ones. */
  const trials = computed(() => {
    const d = detail.value
    if (!d) return []
    return d.trials.map((t) =>
      t.state === 'running' && live.value.has(t.number)
        ? {
            ...t,
            intermediate: live.value.get(t.number)!,
            epochs: live.value.get(t.number)!.length,
          }
        : t,
    )
  })

  async function refresh(): Promise<void> {
    await loadStudies()
    await loadDetail()
  }

  // While a study runs, its trials are re-read (they are written as they end).
  let timer: ReturnType<typeof setInterval> | null = null
  watch(
    running,
    (on) => {
      if (on && !timer) timer = setInterval(() => void refresh(), 800)
      if (!on && timer) {
        clearInterval(timer)
        timer = null
      }
    },
    { immediate: true },
  )

  async function start(): Promise<void> {
    const b = built.value
    if (!b.ok) {
      error.value = b.errors.join('; ')
      return
    }
    error.value = null
    notice.value = null
    const r = await guard(() => api.call('tune.start', b.request))
    if (!r) return
    await loadStudies()
    const s = studies.value.find((x) => x.jobId === r.jobId)
    if (s) await select(s.id)
  }

  async function cancel(id: string): Promise<void> {
    const s = studies.value.find((x) => x.id === id)
    if (s?.jobId) await guard(() => api.call('jobs.cancel', { jobId: s.jobId as string }))
    await refresh()
  }

  async function resume(id: string): Promise<void> {
    const r = await guard(() => api.call('tune.resume', { id }))
    if (!r) return
    await refresh()
    void follow(id)
  }

  async function remove(id: string): Promise<void> {
    const r = await guard(() => api.call('tune.remove', { id }))
    if (!r) return
    studies.value = r
    if (selectedId.value === id) await select(r[r.length - 1]?.id ?? null)
  }

  /** Trains the trial (the best by default) as a model and shows it in the Train step. */
  async function openTrial(number?: number): Promise<void> {
    const id = selectedId.value
    if (!id) return
    const r = await guard(() =>
      api.call('tune.openTrial', number === undefined ? { id } : { id, number }),
    )
    if (!r) return
    const d = detail.value
    if (d && (d.kind === 'ae' || d.kind === 'vae')) {
      location.hash = 'anomaly'
      await anomaly.reattach()
      if (!anomaly.job) {
        await anomaly.loadModels()
        const m = anomaly.models.find((x) => x.runId === r.jobId)
        if (m) await anomaly.select(m.id)
      }
      return
    }
    location.hash = 'train'
    // Shown live while it trains; one that ended before the Train step asked is selected.
    await train.reattach()
    if (train.selected?.runId !== r.jobId) {
      await train.loadModels()
      const m = train.models.find((x) => x.runId === r.jobId)
      if (m) await train.select(m.id)
    }
  }

  watch(
    () => project.current?.path,
    async (path) => {
      studies.value = []
      selectedId.value = null
      detail.value = null
      compareId.value = null
      error.value = null
      if (!path) return
      await loadStudies()
      const last = studies.value[studies.value.length - 1]
      if (last) await select(last.id)
    },
    { immediate: true },
  )

  return {
    form,
    kind,
    studies,
    selectedId,
    detail,
    trials,
    liveEpochs,
    compareId,
    compared,
    hide,
    error,
    notice,
    built,
    running,
    select,
    start,
    cancel,
    resume,
    remove,
    openTrial,
    refresh,
  }
})
