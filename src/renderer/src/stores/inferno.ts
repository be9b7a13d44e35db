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
  type InfernoBenchmarkResult,
  type InfernoProjectResult,
} from '../../../shared/contract/inferno'
import { api } from '../api'
import { ApiError } from '../api/client'
import { type LossPair, metricPoints } from '../components/inferno/loss-compare-option'
import {
  type ProjectForm,
  buildProjectConfig,
  defaultProjectForm,
} from '../components/inferno/project-form'
import { useProjectStore } from './project'
import { useTrainStore } from './train'

export type InfernoMode = 'benchmark' | 'project'

export interface InfernoJob {
  id: string | null
  mode: InfernoMode
  fraction: number
  message: string
  cancelling: boolean
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

  let steps = new Map<string, Map<number, number>>()
  function onEvent(e: JobEvent): void {
    const j = job.value
    if (!j) return
    if (j.id === null) j.id = e.kind === 'started' ? e.job.id : e.jobId
    if (e.kind === 'progress') Object.assign(j, { fraction: e.fraction, message: e.message })
    else if (e.kind === 'metric') {
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

  function begin(m: InfernoMode): void {
    error.value = null
    steps = new Map()
    live.value = emptyLive()
    job.value = { id: null, mode: m, fraction: 0, message: 'starting…', cancelling: false }
  }

  function failed(e: unknown): void {
    error.value =
      e instanceof ApiError && e.info.code === 'cancelled'
        ? 'Cancelled; the set-up is kept.'
        : `INFERNO failed: ${e instanceof Error ? e.message : String(e)}`
  }

  async function runBenchmark(): Promise<void> {
    if (job.value) return
    const parsed = InfernoBenchmarkConfig.safeParse(bench.value)
    if (!parsed.success) {
      error.value = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
      return
    }
    begin('benchmark')
    try {
      benchResult.value = await api.runJob('inferno.benchmark', parsed.data, onEvent)
    } catch (e) {
      failed(e)
    } finally {
      job.value = null
    }
  }

  async function runProject(): Promise<void> {
    if (job.value) return
    const built = buildProjectConfig(proj.value)
    if (!built.ok) {
      error.value = built.errors.join('; ')
      return
    }
    begin('project')
    try {
      projectResult.value = await api.runJob('inferno.train', built.config, onEvent)
    } catch (e) {
      failed(e)
    } finally {
      job.value = null
    }
  }

  async function cancel(): Promise<void> {
    const j = job.value
    if (!j?.id) return
    j.cancelling = true
    try {
      await api.call('jobs.cancel', { jobId: j.id })
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
  }

  watch(
    () => project.current?.path,
    () => {
      proj.value = defaultProjectForm(train.form.inputs)
      benchResult.value = null
      projectResult.value = null
      error.value = null
    },
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
    runBenchmark,
    runProject,
    cancel,
    useClassifierInputs,
  }
})
