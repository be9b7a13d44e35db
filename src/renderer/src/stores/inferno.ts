/**
 * INFERNO in the Train step (issue 7): whether the Train view shows it, the two set-ups (paper
 * benchmark, project samples), the running job (progress, live loss curves of INFERNO and the
 * cross-entropy baseline from its metric events, cancel) and the last result of each mode. A
 * failure is shown in `error` and never touches the set-up.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import type { JobEvent } from '../../../shared/api'
import {
  InfernoBenchmarkConfig,
  type InfernoControlState,
  type InfernoModelInfo,
  type InfernoBenchmarkResult,
  type InfernoProjectResult,
  type InfernoStudyResult,
  type StudyParameter,
  type SummaryResult,
} from '../../../shared/contract/inferno'
import { api } from '../api'
import { writeAsking } from '../api/overwrite'
import { ApiError } from '../api/client'
import { type LossPair, metricPoints } from './loss-points'
import { type ProjectForm, buildProjectConfig, defaultProjectForm } from './inferno-project-form'
import { type SoftSnapshot, SoftSnapshots } from './soft-snapshots'
import { useFitStore } from './fit'
import { useProjectStore } from './project'
import { useTrainStore } from './train'
import { errorMessage } from './guard'
import { followJob } from './job-follow'
import { reattachJob } from './running-job'

export type InfernoMode = 'benchmark' | 'project'

export interface InfernoJob {
  id: string | null
  mode: InfernoMode
  fraction: number
  message: string
  cancelling: boolean
  /** Held by Pause (between batches); Step runs one batch or epoch, Resume lets it go on. */
  paused: boolean
  /** A pause / step / resume request is on its way. */
  controlling: boolean
  /** Batches run so far and the last one's loss, as the last pause / step answered. */
  batches: number | null
  batchLoss: number | null
}

export interface StudyState {
  parameter: StudyParameter
  jobId: string | null
  fraction: number
  message: string
  /** Finished points so far (value index → σ), from the study's metrics. */
  done: number
}

const emptyLive = (): { inferno: LossPair; bce: LossPair } => ({
  inferno: { loss: [], valLoss: [] },
  bce: { loss: [], valLoss: [] },
})

export const useInfernoStore = defineStore('inferno', () => {
  const project = useProjectStore()
  const train = useTrainStore()

  /** The Train view shows INFERNO instead of the classifiers. */
  const open = ref(false)
  const mode = ref<InfernoMode>('benchmark')
  const bench = ref<InfernoBenchmarkConfig>(InfernoBenchmarkConfig.parse({}))
  const proj = ref<ProjectForm>(defaultProjectForm())
  const job = ref<InfernoJob | null>(null)
  const live = shallowRef(emptyLive())
  const benchResult = shallowRef<InfernoBenchmarkResult | null>(null)
  const projectResult = shallowRef<InfernoProjectResult | null>(null)
  const error = ref<string | null>(null)
  /** Soft histograms of INFERNO per epoch while it trains (the last run's, kept after it). */
  const soft = shallowRef<SoftSnapshot[]>([])
  /** The mode of the run the soft histograms belong to. */
  const softMode = ref<InfernoMode | null>(null)
  /** The project's stored INFERNO models and the one whose result is shown. */
  const models = ref<InfernoModelInfo[]>([])
  const selectedId = ref<string | null>(null)
  /** A short confirmation of the last action (applied). */
  const notice = ref<string | null>(null)
  const study = ref<StudyState | null>(null)
  const studyResult = shallowRef<InfernoStudyResult | null>(null)
  /** Where the last "Export pyhf JSON…" wrote, or the Fit workspace made by "Open in Fit". */
  const exported = ref<string | null>(null)

  let steps = new Map<string, Map<number, number>>()
  let snapshots = new SoftSnapshots()
  function onEvent(e: JobEvent): void {
    const j = job.value
    const id = e.kind === 'started' ? e.job.id : e.jobId
    if (!j || (j.id !== null && id !== j.id)) return
    if (j.id === null) j.id = id
    if (e.kind === 'progress') Object.assign(j, { fraction: e.fraction, message: e.message })
    // Paused or resumed elsewhere (the status bar): follow it; this view's own requests answer.
    else if (e.kind === 'gate' && !j.controlling)
      Object.assign(j, {
        paused: e.gate.paused,
        batches: e.gate.batches,
        batchLoss: e.gate.batchLoss,
      })
    else if (e.kind === 'metric') {
      if (snapshots.add(e.name, e.step, e.value)) {
        soft.value = snapshots.list()
        return
      }
      if (!/^(inferno|bce)\.(loss|val_loss)$/.test(e.name)) return
      let m = steps.get(e.name)
      if (!m) steps.set(e.name, (m = new Map()))
      m.set(e.step, e.value)
      const pts = (n: string) => metricPoints(steps.get(n) ?? new Map())
      live.value = {
        inferno: { loss: pts('inferno.loss'), valLoss: pts('inferno.val_loss') },
        bce: { loss: pts('bce.loss'), valLoss: pts('bce.val_loss') },
      }
    }
  }

  function begin(m: InfernoMode, id: string | null = null): void {
    error.value = null
    steps = new Map()
    snapshots = new SoftSnapshots()
    soft.value = []
    softMode.value = m
    live.value = emptyLive()
    exported.value = null
    job.value = {
      id,
      mode: m,
      fraction: 0,
      message: 'starting…',
      cancelling: false,
      paused: false,
      controlling: false,
      batches: null,
      batchLoss: null,
    }
  }

  const slot = { job, projectPath: () => project.current?.path }

  /**
   * Waits for the job shown now and shows its result; the end of a job of a project the window
   * has left meanwhile changes nothing here.
   */
  async function follow<T>(outcome: Promise<T>, show: (r: T) => void): Promise<void> {
    await followJob(slot, outcome, { show, fail: failed })
  }

  async function loadModels(): Promise<void> {
    try {
      models.value = await api.call('inferno.models', {})
    } catch (e) {
      error.value = errorMessage(e)
    }
  }

  /** Shows a stored model's result (the project mode's result view). */
  async function select(id: string | null): Promise<void> {
    selectedId.value = id
    notice.value = null
    if (!id) {
      projectResult.value = null
      return
    }
    try {
      const r = await api.call('inferno.model', { id })
      if (selectedId.value === id) projectResult.value = r
    } catch (e) {
      error.value = errorMessage(e)
    }
  }

  async function remove(id: string): Promise<void> {
    try {
      models.value = await api.call('inferno.remove', { id })
      if (selectedId.value === id) await select(models.value.at(-1)?.id ?? null)
    } catch (e) {
      error.value = errorMessage(e)
    }
  }

  /** Applies the shown model's summary bin as the variable `name` (null: removes it). */
  async function apply(name: string | null): Promise<boolean> {
    const id = selectedId.value
    if (!id) return false
    try {
      models.value = await api.call('inferno.apply', { id, name })
    } catch (e) {
      error.value = errorMessage(e)
      return false
    }
    const r = projectResult.value
    if (r?.model) projectResult.value = { ...r, model: { ...r.model, appliedAs: name } }
    notice.value = name
      ? `Each event's summary bin is now the variable ${name}: use it in cuts, histograms and fits.`
      : 'The variable was removed.'
    return true
  }

  /**
   * Re-attaches to this project's INFERNO job still running in the engine (after a reload, or
   * when the project is opened again), with its pause state.
   */
  async function reattach(): Promise<void> {
    await reattachJob(slot, ['inferno.train', 'inferno.benchmark'], async (running) => {
      const m: InfernoMode = running.method === 'inferno.train' ? 'project' : 'benchmark'
      mode.value = m
      begin(m, running.id)
      void api.call('inferno.state', { jobId: running.id }).then(
        (s) => {
          const j = job.value
          if (j?.id === s.jobId) Object.assign(j, controlled(s))
        },
        () => undefined,
      )
      if (m === 'project')
        await follow(api.attachJob('inferno.train', running.id, onEvent), showTrained)
      else
        await follow(
          api.attachJob('inferno.benchmark', running.id, onEvent),
          (r) => (benchResult.value = r),
        )
    })
  }

  function controlled(s: InfernoControlState): Partial<InfernoJob> {
    return { paused: s.paused, batches: s.batches, batchLoss: s.batchLoss }
  }

  function showTrained(r: InfernoProjectResult): void {
    projectResult.value = r
    selectedId.value = r.model?.id ?? null
    void loadModels()
  }

  function failed(e: unknown): void {
    error.value =
      e instanceof ApiError && e.info.code === 'cancelled'
        ? 'Cancelled; the set-up is kept.'
        : `INFERNO failed: ${errorMessage(e)}`
  }

  async function runBenchmark(): Promise<void> {
    if (job.value) return
    const parsed = InfernoBenchmarkConfig.safeParse(bench.value)
    if (!parsed.success) {
      error.value = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
      return
    }
    begin('benchmark')
    await follow(
      api.runJob('inferno.benchmark', parsed.data, onEvent),
      (r) => (benchResult.value = r),
    )
  }

  async function runProject(): Promise<void> {
    if (job.value) return
    const built = buildProjectConfig(proj.value)
    if (!built.ok) {
      error.value = built.errors.join('; ')
      return
    }
    begin('project')
    await follow(api.runJob('inferno.train', built.config, onEvent), showTrained)
  }

  async function cancel(): Promise<void> {
    const j = job.value
    if (!j?.id) return
    j.cancelling = true
    try {
      await api.call('jobs.cancel', { jobId: j.id })
    } catch (e) {
      error.value = errorMessage(e)
    }
  }

  /** Pause, resume or step the running job; the engine's answer says whether it is paused. */
  async function control(action: 'pause' | 'resume' | 'epoch' | 'batch'): Promise<void> {
    const j = job.value
    if (!j?.id || j.controlling) return
    j.controlling = true
    try {
      const s =
        action === 'pause'
          ? await api.call('inferno.pause', { jobId: j.id })
          : action === 'resume'
            ? await api.call('inferno.resume', { jobId: j.id })
            : await api.call('inferno.step', { jobId: j.id, unit: action })
      Object.assign(j, controlled(s))
    } catch (e) {
      error.value = errorMessage(e)
    } finally {
      j.controlling = false
    }
  }

  /**
   * A one-click study on the result on screen (benchmark or project samples): its settings, at
   * most 10 INFERNO and 5 cross-entropy epochs per point so it stays interactive.
   */
  async function runStudy(parameter: StudyParameter): Promise<void> {
    if (study.value) return
    const b = mode.value === 'benchmark' ? benchResult.value : null
    const p = mode.value === 'project' ? projectResult.value : null
    const epochs = b ? b.config.epochs : p ? p.config.options.epochs : 0
    const bceEpochs = b ? b.config.bceEpochs : p ? p.config.options.bceEpochs : 0
    if (!b && !p) return
    study.value = { parameter, jobId: null, fraction: 0, message: 'starting…', done: 0 }
    studyResult.value = null
    error.value = null
    try {
      studyResult.value = await api.runJob(
        'inferno.study',
        {
          ...(b ? { benchmark: b.config } : { project: p!.config }),
          parameter,
          epochs: Math.min(epochs, 10),
          bceEpochs: Math.min(bceEpochs, 5),
        },
        (e) => {
          const s = study.value
          if (!s) return
          if (s.jobId === null) s.jobId = e.kind === 'started' ? e.job.id : e.jobId
          if (e.kind === 'progress') Object.assign(s, { fraction: e.fraction, message: e.message })
          else if (e.kind === 'metric' && e.name === 'study.inferno') s.done = e.step + 1
        },
      )
    } catch (e) {
      failed(e)
    } finally {
      study.value = null
    }
  }

  async function cancelStudy(): Promise<void> {
    const id = study.value?.jobId
    if (id) await api.call('jobs.cancel', { jobId: id }).catch(() => undefined)
  }

  /** The INFERNO summary of the result on screen, and a name for its workspace. */
  function summaryToExport(): { summary: SummaryResult; name: string } | null {
    if (mode.value === 'benchmark' && benchResult.value) {
      const r = benchResult.value
      return {
        summary: r.detail.inferno,
        name: `INFERNO ${r.benchmark.name} (${r.config.bins} bins)`,
      }
    }
    if (mode.value === 'project' && projectResult.value) {
      const r = projectResult.value
      return {
        summary: r.inferno,
        name: `INFERNO ${r.config.name || 'summary'} (${r.config.options.bins} bins)`,
      }
    }
    return null
  }

  /**
   * Stores the INFERNO summary as a pyhf workspace in the project, selects it in the Fit view and
   * switches to it (MINOS on the POI, significance, limits there as for any workspace).
   */
  async function openInFit(): Promise<void> {
    const s = summaryToExport()
    if (!s?.summary.workspace) {
      error.value = 'This result has no workspace to export (it was stored before export existed).'
      return
    }
    try {
      const w = await api.call('inferno.export', { workspace: s.summary.workspace, name: s.name })
      const fit = useFitStore()
      await fit.loadWorkspaces()
      fit.selectedId = w.workspaceId
      fit.patch = null
      exported.value = `workspace “${w.name}” in the Fit view`
      location.hash = 'fit'
    } catch (e) {
      error.value = `Export failed: ${errorMessage(e)}`
    }
  }

  /**
   * Writes the INFERNO summary's pyhf workspace to `path`, asking before replacing a file
   * (`confirmed`: a native save dialog already asked). False when not written.
   */
  async function exportFile(path: string, confirmed = false): Promise<boolean> {
    const s = summaryToExport()
    if (!s?.summary.workspace) {
      error.value = 'This result has no workspace to export (it was stored before export existed).'
      return false
    }
    try {
      const workspace = s.summary.workspace
      const r = await writeAsking(
        (overwrite) => api.call('inferno.exportFile', { workspace, path, overwrite }),
        confirmed,
      )
      if (!r) return false
      exported.value = r.path
      return true
    } catch (e) {
      error.value = `Export failed: ${errorMessage(e)}`
      return false
    }
  }

  watch(
    () => project.current?.path,
    (path) => {
      proj.value = defaultProjectForm(train.form.inputs)
      benchResult.value = null
      projectResult.value = null
      studyResult.value = null
      soft.value = []
      exported.value = null
      error.value = null
      notice.value = null
      models.value = []
      selectedId.value = null
      // A job of the project left behind goes on in the engine, not on this page.
      job.value = null
      if (!path) return
      // The last stored result shows again when the project is reopened.
      void loadModels().then(() => {
        const latest = models.value.at(-1)
        if (!selectedId.value && latest) void select(latest.id)
      })
      void reattach()
    },
    { immediate: true },
  )
  /** The classifiers' inputs are a good start for INFERNO's. */
  function useClassifierInputs(): void {
    if (!proj.value.inputs.length) proj.value.inputs = [...train.form.inputs]
  }

  return {
    open,
    mode,
    bench,
    proj,
    job,
    live,
    benchResult,
    projectResult,
    error,
    notice,
    models,
    selectedId,
    loadModels,
    select,
    remove,
    apply,
    soft,
    softMode,
    study,
    studyResult,
    exported,
    runBenchmark,
    runProject,
    cancel,
    control,
    runStudy,
    cancelStudy,
    openInFit,
    exportFile,
    useClassifierInputs,
  }
})
