/** Engine state, ML backend and running jobs, as the status bar shows them. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { BackendName, EngineStatus, JobInfo } from '../../../shared/api'
import type { JobGateState, SettingValue, StepUnit } from '../../../shared/contract/gate'
import { api } from '../api'
import { useProjectStore } from './project'

export const useEngineStore = defineStore('engine', () => {
  const connected = ref(false)
  const status = ref<EngineStatus>({ state: 'starting' })
  const backend = ref<BackendName | null>(null)
  const jobs = ref<JobInfo[]>([])
  /**
   * The last failure of a finished job ("Title: why"). It matters while the user is where it
   * happened: cleared when the next job starts, when the user moves to another step (the
   * StatusBar watches the step), or on dismiss.
   */
  const lastError = ref<string | null>(null)
  /**
   * A job of a project that is no longer open ended: where its run and result went (the project
   * it was started in), shown until dismissed.
   */
  const elsewhere = ref<string | null>(null)
  const project = useProjectStore()

  const state = computed(() => (connected.value ? status.value.state : 'disconnected'))

  function upsert(job: JobInfo): void {
    const i = jobs.value.findIndex((j) => j.id === job.id)
    if (i >= 0) jobs.value[i] = job
    else jobs.value.push(job)
  }

  async function refresh(): Promise<void> {
    status.value = await api.call('engine.status', {})
    if (status.value.state === 'ready' || status.value.state === 'busy') {
      const info = await api.call('engine.info', {})
      backend.value = info.backend
      jobs.value = await api.call('jobs.list', {})
    }
  }

  api.transport.onConnection((c) => {
    connected.value = c
    if (c) void refresh().catch(() => {})
  })
  api.on('engine', (s) => {
    status.value = s
    if (s.backend !== undefined) backend.value = s.backend
    if (s.state === 'crashed') jobs.value = []
  })
  api.on('job', (e) => {
    if (e.kind === 'started') {
      upsert(e.job)
      lastError.value = null
    } else if (e.kind === 'progress') {
      const j = jobs.value.find((x) => x.id === e.jobId)
      if (j) Object.assign(j, { fraction: e.fraction, message: e.message, eta: e.eta })
    } else if (e.kind === 'gate') {
      const j = jobs.value.find((x) => x.id === e.jobId)
      if (j) j.gate = e.gate
    } else if (e.kind === 'finished') {
      const j = jobs.value.find((x) => x.id === e.jobId)
      if (j?.project && j.project !== project.current?.path)
        elsewhere.value = `${j.title}: ${e.state} in ${j.project} (not open now); its run${e.state === 'done' ? ' and result are' : ' is'} stored there.`
      const title = j?.title
      jobs.value = jobs.value.filter((j) => j.id !== e.jobId)
      if (e.state === 'failed')
        lastError.value = `${title ? `${title}: ` : ''}${e.error ?? 'the job failed'}`
    }
  })

  /** Keeps a control's answer (the state after it; a step answers once it has run). */
  async function gated(request: Promise<JobGateState>): Promise<JobGateState> {
    const s = await request
    const j = jobs.value.find((x) => x.id === s.jobId)
    if (j) {
      const { jobId: _, ...gate } = s
      j.gate = gate
    }
    return s
  }

  return {
    connected,
    status,
    state,
    backend,
    jobs,
    lastError,
    elsewhere,
    refresh,
    cancel: (jobId: string) => api.call('jobs.cancel', { jobId }),
    /** A running training job's gate state (paused, counts, settings), or null when it has none. */
    gateOf: (jobId: string | null) => jobs.value.find((j) => j.id === jobId)?.gate ?? null,
    /** Pause / resume / step / re-tune a training job (contract/gate.ts); each answers its state. */
    pause: (jobId: string) => gated(api.call('jobs.pause', { jobId })),
    resume: (jobId: string) => gated(api.call('jobs.resume', { jobId })),
    step: (jobId: string, unit: StepUnit) => gated(api.call('jobs.step', { jobId, unit })),
    setSetting: (jobId: string, name: string, value: SettingValue) =>
      gated(api.call('jobs.set', { jobId, name, value })),
    restart: () => api.call('engine.restart', {}),
    /** Times `repeats` products of two `size` × `size` matrices on the ML backend (a job): GFLOP/s. */
    backendCheck: (size: number, repeats: number) =>
      api.runJob('ml.backendCheck', { size, repeats }),
  }
})
