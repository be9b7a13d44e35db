/**
 * The Anomaly view's state: the set-up form (remembered per project as the setting
 * `anomaly.setup`), the running training job with its live loss components, the project's
 * autoencoders and VAEs, the selected model's stored result, the score threshold (a bin edge of
 * the score histograms), and per model the sanity tests run and the generation comparison. A
 * failure is shown in `error` and never touches the form.
 */
import { coalesce } from './coalesce'
import { rememberedForm } from './remembered-form'
import { inputNotes } from './input-notes'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { JobEvent } from '../../../shared/api'
import {
  AnomalyConfig,
  type AnomalyModelInfo,
  type AnomalyTrainResult,
  type GenerationComparison,
  type SanityOutcome,
  type SanityRequest,
} from '../../../shared/contract/anomaly'
import { api } from '../api'
import { ANOMALY_WATCH, AnomalyWatch } from '../../../shared/contract/anomaly-watch'
import { type AnomalyForm, buildConfig, restoreForm } from './anomaly-form'
import { type LossComponents, emptyComponents } from './loss-components'
import { initialThreshold } from './threshold-stats'
import { livePoints } from './loss-points'
import { useCutsStore } from './cuts'
import { useDataStore } from './data'
import { useEngineStore } from './engine'
import { useProjectStore } from './project'
import { guardWith } from './guard'
import { followJob, trainingFailure } from './job-follow'
import { reattachJob } from './running-job'

const SETTING = 'anomaly.setup'

export interface AnomalyJob {
  kind: AnomalyForm['kind']
  fraction: number
  message: string
  epochs: number
  id: string | null
}

export const useAnomalyStore = defineStore('anomaly', () => {
  const project = useProjectStore()
  const data = useDataStore()
  const cuts = useCutsStore()
  const engine = useEngineStore()

  const models = ref<AnomalyModelInfo[]>([])
  const selectedId = ref<string | null>(null)
  const result = shallowRef<AnomalyTrainResult | null>(null)
  const cache = new Map<string, AnomalyTrainResult>()
  /** Score-bin edge index of the threshold (events with score ≥ edges[index] are "anomalous"). */
  const threshold = ref(0)
  const job = ref<AnomalyJob | null>(null)
  const live = shallowRef<LossComponents>(emptyComponents())
  /** The model on watched events as it trains (anomaly.watch snapshots), redrawn throttled. */
  const watching = shallowRef<AnomalyWatch | null>(null)
  let watchNext: AnomalyWatch | null = null
  const watchRedraw = coalesce(() => {
    if (watchNext) watching.value = watchNext
  }, 200)
  const sanity = ref<Record<string, SanityOutcome[]>>({})
  const sanityRunning = ref<string | null>(null)
  const generation = shallowRef<Record<string, GenerationComparison>>({})
  const generating = ref(false)
  const error = ref<string | null>(null)
  /** A short confirmation of the last action (applied, cut added). */
  const notice = ref<string | null>(null)

  const training = computed(() => job.value !== null)
  /** File columns with one value per event (derived variables and model outputs come apart). */
  const columns = computed(() =>
    data.variables.filter((v) => !v.jagged && (v.origin ?? 'file') === 'file').map((v) => v.name),
  )
  const remembered = rememberedForm({
    setting: SETTING,
    restore: restoreForm,
    hasProject: () => project.current !== null,
  })
  const { form, loaded: formLoaded } = remembered
  /** What the input picker says about an input (a weight, a label, not numeric, missing). */
  const notes = (input: string) =>
    inputNotes(input, {
      variables: data.variables,
      unreadable: data.unreadable,
      samples: data.samples,
      signal: form.value.signal,
      background: form.value.background,
    })
  const derived = computed(() => cuts.variables.map((v) => v.name))

  const guard = guardWith(error)

  // Models.
  async function loadModels(): Promise<void> {
    const r = await guard(() => api.call('anomaly.models', {}), false)
    if (!r) return
    models.value = r
    if (selectedId.value && !r.some((m) => m.id === selectedId.value)) {
      selectedId.value = null
      result.value = null
    }
  }

  function show(r: AnomalyTrainResult): void {
    result.value = r
    threshold.value = initialThreshold(r.display.score)
  }

  async function select(id: string | null): Promise<void> {
    selectedId.value = id
    if (!id) {
      result.value = null
      return
    }
    const hit = cache.get(id)
    const r = hit ?? (await guard(() => api.call('anomaly.model', { id })))
    if (!r || selectedId.value !== id) return
    cache.set(id, r)
    show(r)
  }

  async function remove(id: string): Promise<void> {
    const r = await guard(() => api.call('anomaly.remove', { id }))
    if (!r) return
    cache.delete(id)
    models.value = r
    if (selectedId.value === id) await select(r.at(-1)?.id ?? null)
  }

  // Training.
  const steps: Record<keyof LossComponents, Map<number, number>> = {
    loss: new Map(),
    val_loss: new Map(),
    reconstruction: new Map(),
    val_reconstruction: new Map(),
    kl: new Map(),
    val_kl: new Map(),
  }
  function onJobEvent(e: JobEvent): void {
    const j = job.value
    if (!j || (j.id !== null && (e.kind === 'started' ? e.job.id : e.jobId) !== j.id)) return
    if (e.kind === 'started') j.id = e.job.id
    else if (e.kind === 'progress') Object.assign(j, { fraction: e.fraction, message: e.message })
    else if (e.kind === 'metric' && e.name in steps) {
      steps[e.name as keyof LossComponents].set(e.step, e.value)
      redraw.request()
    } else if (e.kind === 'snapshot' && e.name === ANOMALY_WATCH) {
      const w = AnomalyWatch.safeParse(e.data)
      if (w.success) {
        watchNext = w.data
        // A step the user took shows at once; pictures while running are throttled.
        if (engine.gateOf(j.id)?.paused) watchRedraw.now()
        else watchRedraw.request()
      }
    } else if (e.kind === 'finished') redraw.now()
  }

  const redraw = coalesce(() => {
    const next = emptyComponents()
    for (const k of Object.keys(steps) as (keyof LossComponents)[]) next[k] = livePoints(steps[k])
    live.value = next
  })

  /** Shows a training job (new, or re-attached after a reload) until it ends. */
  function begin(id: string | null, c: AnomalyConfig): void {
    for (const m of Object.values(steps)) m.clear()
    live.value = emptyComponents()
    watchNext = null
    watching.value = null
    job.value = { kind: c.kind, fraction: 0, message: 'starting…', epochs: c.options.epochs, id }
  }

  const slot = { job, projectPath: () => project.current?.path }

  /** Waits for the job shown now; the end of a job of a project left meanwhile changes nothing. */
  async function follow(outcome: Promise<AnomalyTrainResult>): Promise<void> {
    await followJob(slot, outcome, {
      show: (r) => {
        cache.set(r.model.id, r)
        selectedId.value = r.model.id
        show(r)
      },
      fail: (e) => (error.value = trainingFailure(e)),
      settle: loadModels,
    })
  }

  async function start(): Promise<void> {
    if (job.value) return
    const built = buildConfig(form.value)
    if (!built.ok) {
      error.value = built.errors.join('; ')
      return
    }
    error.value = null
    remembered.saveNow()
    begin(null, built.config)
    await follow(api.runJob('anomaly.train', built.config, onJobEvent))
  }

  /** Re-attaches to this project's training job still running in the engine, if there is one. */
  async function reattach(): Promise<void> {
    await reattachJob(slot, ['anomaly.train'], async (running) => {
      const config = AnomalyConfig.safeParse(running.params)
      if (!config.success) return
      begin(running.id, config.data)
      await follow(api.attachJob('anomaly.train', running.id, onJobEvent))
    })
  }

  async function cancel(): Promise<void> {
    const id = job.value?.id
    if (id) await guard(() => api.call('jobs.cancel', { jobId: id }))
  }

  /** Applies the selected model's score as the variable `name` (null: removes it). */
  async function apply(name: string | null): Promise<boolean> {
    const id = selectedId.value
    if (!id) return false
    const r = await guard(() => api.call('anomaly.apply', { id, name }))
    if (!r) return false
    models.value = r
    notice.value = name
      ? `The anomaly score is now the variable ${name}: cut on it in any region.`
      : 'The score variable was removed.'
    // The Cuts step lists variables and checks expressions against them.
    void cuts.load()
    return true
  }

  /** Appends the cut `variable ≥ cut` to region `region` of the Cuts step. */
  async function addCut(variable: string, cut: number, region: string): Promise<void> {
    const r = cuts.regions.find((x) => x.name === region)
    if (!r) {
      error.value = `no region named '${region}'`
      return
    }
    const expr = `${variable} >= ${Number(cut.toPrecision(6))}`
    const ok = await cuts.saveRegion(
      { ...r, cuts: [...r.cuts, { name: 'anomaly score', expr }] },
      r.name,
    )
    if (ok)
      notice.value = `Cut ${expr} added to region ${region}: its cut-flow row is in Cuts & Regions.`
    else error.value = cuts.error ?? `the region ${region} could not be saved`
  }

  /** Runs one sanity test on the selected model; its outcome joins the model's list. */
  async function runSanity(test: SanityRequest): Promise<void> {
    const id = selectedId.value
    if (!id || sanityRunning.value) return
    sanityRunning.value = test.kind
    try {
      const r = await guard(() => api.runJob('anomaly.sanity', { id, test, seed: 1 }))
      if (r) sanity.value = { ...sanity.value, [id]: [r, ...(sanity.value[id] ?? [])] }
    } finally {
      sanityRunning.value = null
    }
  }

  async function generate(count: number): Promise<void> {
    const id = selectedId.value
    if (!id || generating.value) return
    generating.value = true
    try {
      const r = await guard(() => api.call('anomaly.generate', { id, count, seed: 1 }))
      if (r) generation.value = { ...generation.value, [id]: r }
    } finally {
      generating.value = false
    }
  }

  watch(
    () => project.current?.path,
    (path) => {
      remembered.cancelSave()
      cache.clear()
      models.value = []
      selectedId.value = null
      result.value = null
      sanity.value = {}
      generation.value = {}
      error.value = null
      notice.value = null
      // A job of the project left behind goes on in the engine, not on this page.
      job.value = null
      if (!path) return
      void remembered.load()
      void loadModels().then(() => {
        const latest = models.value.at(-1)
        if (!selectedId.value && latest) void select(latest.id)
      })
      void reattach()
      if (!data.loaded) void data.load()
    },
    { immediate: true },
  )

  return {
    form,
    formLoaded,
    models,
    selectedId,
    result,
    threshold,
    job,
    live,
    watching,
    sanity,
    sanityRunning,
    generation,
    generating,
    error,
    notice,
    training,
    columns,
    notes,
    derived,
    loadModels,
    select,
    remove,
    start,
    cancel,
    reattach,
    runSanity,
    generate,
    apply,
    addCut,
  }
})
