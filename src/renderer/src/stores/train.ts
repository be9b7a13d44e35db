/**
 * The Train view's state: the set-up form (remembered per project as the setting `train.setup`),
 * the running training job (progress, ETA, live loss curves from its metric events), the
 * project's trained models, the selected model's stored result, and the models ticked for a
 * ROC comparison. A failure is shown in `error` and never touches the form.
 */
import { coalesce } from './coalesce'
import { rememberedForm } from './remembered-form'
import { inputNotes } from './input-notes'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { JobEvent } from '../../../shared/api'
import { isIntegerType } from '../../../shared/column-type'
import { type ModelInfo, TrainConfig, TrainResult } from '../../../shared/contract/train'
import { api } from '../api'
import { writeAsking } from '../api/overwrite'
import { type CutInterval, regionFromCutSet } from './cut-region'
import { freeName } from './free-name'
import { type LossPoints, livePoints } from './loss-points'
import { type SetupForm, buildConfig, defaultForm, restoreForm } from './train-setup-form'
import { useCutsStore } from './cuts'
import { useDataStore } from './data'
import { useProjectStore } from './project'
import { guardWith } from './guard'
import { followJob, trainingFailure } from './job-follow'
import { reattachJob } from './running-job'

const SETTING = 'train.setup'
/** Store the form this long after the last edit. */

export interface RunningJob {
  id: string | null
  kind: SetupForm['kind']
  fraction: number
  message: string
  /** Seconds left, when the engine can estimate it. */
  eta: number | null
  /** Planned epochs (networks), so the live loss plot keeps its x axis. */
  epochs: number | null
  cancelling: boolean
}

export const useTrainStore = defineStore('train', () => {
  const project = useProjectStore()
  const data = useDataStore()
  const cuts = useCutsStore()

  const models = ref<ModelInfo[]>([])
  const selectedId = ref<string | null>(null)
  const result = shallowRef<TrainResult | null>(null)
  const resultLoading = ref(false)
  const cache = new Map<string, TrainResult>()
  const compareIds = ref<string[]>([])
  const compared = shallowRef<TrainResult[]>([])
  const job = ref<RunningJob | null>(null)
  const live = shallowRef<{ loss: LossPoints; valLoss: LossPoints }>({ loss: [], valLoss: [] })
  const error = ref<string | null>(null)
  /** A short confirmation of the last action (applied, exported, region created). */
  const notice = ref<string | null>(null)

  const selected = computed(() => models.value.find((m) => m.id === selectedId.value) ?? null)
  const training = computed(() => job.value !== null)

  /** Columns with one value per event (training needs that) and the derived variables. */
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
  const derived = computed(() => [
    ...cuts.variables.map((v) => v.name),
    ...models.value.flatMap((m) => (m.appliedAs ? [m.appliedAs] : [])),
  ])

  const guard = guardWith(error)

  // ------------------------------------------------------------------------------------------
  // The set-up, remembered per project

  function resetForm(): void {
    const inputs = form.value.inputs
    form.value = { ...defaultForm(), inputs }
  }

  // ------------------------------------------------------------------------------------------
  // Models

  async function loadModels(): Promise<void> {
    const r = await guard(() => api.call('train.models', {}), false)
    if (!r) return
    models.value = r
    compareIds.value = compareIds.value.filter((id) => r.some((m) => m.id === id))
    if (selectedId.value && !r.some((m) => m.id === selectedId.value)) {
      selectedId.value = null
      result.value = null
    }
  }

  async function fetchResult(id: string): Promise<TrainResult> {
    const hit = cache.get(id)
    if (hit) return hit
    const r = await api.call('train.model', { id })
    cache.set(id, r)
    return r
  }

  async function select(id: string | null): Promise<void> {
    selectedId.value = id
    notice.value = null
    if (!id) {
      result.value = null
      return
    }
    resultLoading.value = true
    const r = await guard(() => fetchResult(id))
    resultLoading.value = false
    if (r && selectedId.value === id) result.value = r
  }

  async function remove(id: string): Promise<void> {
    const r = await guard(() => api.call('train.remove', { id }))
    if (!r) return
    cache.delete(id)
    models.value = r
    compareIds.value = compareIds.value.filter((x) => x !== id)
    if (selectedId.value === id) await select(r[0]?.id ?? null)
  }

  async function toggleCompare(id: string): Promise<void> {
    compareIds.value = compareIds.value.includes(id)
      ? compareIds.value.filter((x) => x !== id)
      : [...compareIds.value, id]
  }
  watch(compareIds, async (ids) => {
    const out = await guard(() => Promise.all(ids.map(fetchResult)), false)
    if (out && ids === compareIds.value) compared.value = out
  })

  /** Adds the model's output as the variable `name` (null: removes it). */
  async function apply(id: string, name: string | null): Promise<boolean> {
    const r = await guard(() => api.call('train.apply', { id, name }))
    if (!r) return false
    models.value = r
    notice.value = name
      ? `The output is now the variable ${name}: use it in cuts, histograms and fits.`
      : 'The output variable was removed.'
    // The Cuts step lists variables and checks expressions against them.
    void cuts.load()
    return true
  }

  /** Writes the model into `dir`, asking before replacing its files (`confirmed`: already asked). */
  async function exportModel(id: string, dir: string, confirmed = false): Promise<boolean> {
    const r = await guard(() =>
      writeAsking((overwrite) => api.call('train.export', { id, dir, overwrite }), confirmed),
    )
    if (!r) return false
    notice.value = `Exported ${r.files.length} file${r.files.length === 1 ? '' : 's'}: ${r.files.join(', ')}`
    return true
  }

  /** Saves a cut set as a region of the Cuts step, under the region it was trained in. */
  async function createRegion(intervals: CutInterval[], label: string): Promise<string | null> {
    const parent = result.value?.config.region ?? null
    const name = freeName(
      label,
      cuts.regions.map((r) => r.name),
    )
    // Integer inputs (counts, flags) get whole-number bounds.
    const integers = new Set(data.variables.filter((v) => isIntegerType(v.type)).map((v) => v.name))
    const ok = await cuts.saveRegion(regionFromCutSet(name, intervals, parent, integers))
    if (!ok) {
      error.value = cuts.error ?? `the region ${name} could not be saved`
      return null
    }
    notice.value = `Region ${name} created in Cuts & Regions.`
    return name
  }

  // ------------------------------------------------------------------------------------------
  // Training

  let lossSteps = new Map<number, number>()
  let valSteps = new Map<number, number>()

  function onJobEvent(e: JobEvent): void {
    const j = job.value
    if (!j || (j.id !== null && (e.kind === 'started' ? e.job.id : e.jobId) !== j.id)) return
    if (e.kind === 'started') j.id = e.job.id
    if (e.kind === 'progress')
      Object.assign(j, { fraction: e.fraction, message: e.message, eta: e.eta })
    else if (e.kind === 'metric') {
      if (e.name === 'loss') lossSteps.set(e.step, e.value)
      else if (e.name === 'val_loss') valSteps.set(e.step, e.value)
      else return
      redraw.request()
    } else if (e.kind === 'finished') redraw.now()
  }

  const redraw = coalesce(() => {
    live.value = { loss: livePoints(lossSteps), valLoss: livePoints(valSteps) }
  })

  /** Shows a training job (new, or re-attached after a reload) until it ends. */
  function begin(id: string | null, c: TrainConfig): RunningJob {
    lossSteps = new Map()
    valSteps = new Map()
    live.value = { loss: [], valLoss: [] }
    job.value = {
      id,
      kind: c.kind,
      fraction: 0,
      message: 'starting…',
      eta: null,
      epochs: c.kind === 'mlp' ? c.options.epochs : null,
      cancelling: false,
    }
    return job.value
  }

  const slot = { job, projectPath: () => project.current?.path }

  /**
   * Waits for the training job shown now and shows its model; a job of a project the window
   * has left meanwhile is no longer shown, and its end changes nothing here.
   */
  async function follow(outcome: Promise<TrainResult>): Promise<void> {
    await followJob(slot, outcome, {
      show: (r) => {
        cache.set(r.model.id, r)
        selectedId.value = r.model.id
        result.value = r
        for (const w of r.warnings) console.warn(`training: ${w}`)
      },
      fail: (e) => (error.value = trainingFailure(e)),
      settle: loadModels,
    })
  }

  async function start(): Promise<void> {
    if (job.value) return
    notice.value = null
    const built = buildConfig(form.value)
    if (!built.ok) {
      error.value = built.errors.join('; ')
      return
    }
    error.value = null
    remembered.saveNow()
    begin(null, built.config)
    await follow(api.runJob('train.start', built.config, onJobEvent))
  }

  /** Re-attaches to this project's training job still running in the engine, if there is one. */
  async function reattach(): Promise<void> {
    await reattachJob(slot, ['train.start'], async (running) => {
      const config = TrainConfig.safeParse(running.params)
      if (!config.success) return
      begin(running.id, config.data)
      await follow(api.attachJob('train.start', running.id, onJobEvent))
    })
  }

  async function cancel(): Promise<void> {
    const j = job.value
    if (!j?.id) return
    j.cancelling = true
    await guard(() => api.call('jobs.cancel', { jobId: j.id as string }))
  }

  // ------------------------------------------------------------------------------------------

  watch(
    () => project.current?.path,
    (path) => {
      // A set-up edited just before the switch belongs to the project it was made in.
      remembered.cancelSave()
      cache.clear()
      models.value = []
      selectedId.value = null
      result.value = null
      compareIds.value = []
      compared.value = []
      error.value = null
      notice.value = null
      // A job of the project left behind goes on in the engine, not on this page.
      job.value = null
      if (!path) return
      void remembered.load()
      void loadModels().then(() => {
        const latest = [...models.value].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]
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
    selected,
    result,
    resultLoading,
    compareIds,
    compared,
    job,
    live,
    training,
    error,
    notice,
    columns,
    notes,
    derived,
    resetForm,
    loadModels,
    select,
    remove,
    toggleCompare,
    apply,
    exportModel,
    createRegion,
    start,
    cancel,
    reattach,
  }
})
