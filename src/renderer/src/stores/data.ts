/**
 * The Data view's state: the project's samples, every variable with its statistics, the
 * explorer's choices (selected variable, binning per variable, log-y, shapes, flows) and the
 * current histogram. Choices are stored in the project (`data.putSetting`), so a reload or a
 * reopened project shows the same view. Failures are kept in `errors` and never clear what was
 * shown before.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { Params } from '../../../shared/api'
import type {
  HistogramResult,
  MemoryReport,
  Sample,
  SampleSpecInput,
  VariableRow,
} from '../../../shared/contract/data'
import { api } from '../api'
import { ApiError } from '../api/client'
import type { SettingValue } from './persisted'
import { useProjectStore } from './project'
import { errorMessage } from './guard'

/** Bins and range [lo, hi) of a variable, as the user set them. */
export interface Binning {
  bins: number
  lo: number
  hi: number
}

const KEY = {
  variable: 'explorer.variable',
  logY: 'explorer.logY',
  normalised: 'explorer.normalised',
  foldFlows: 'explorer.foldFlows',
  statsSample: 'explorer.statsSample',
  /** What the project's author says about its samples (the demo: why data and simulation differ). */
  note: 'explorer.note',
  binning: (v: string) => `explorer.binning.${encodeURIComponent(v)}`,
}
const BINNING_PREFIX = 'explorer.binning.'

function isBinning(v: unknown): v is Binning {
  const b = v as Binning
  return (
    typeof b === 'object' &&
    b !== null &&
    Number.isInteger(b.bins) &&
    Number.isFinite(b.lo) &&
    Number.isFinite(b.hi) &&
    b.hi > b.lo
  )
}

export const useDataStore = defineStore('data', () => {
  const project = useProjectStore()

  const samples = ref<Sample[]>([])
  const variables = ref<VariableRow[]>([])
  /** File columns that are not variables (text, …), and why: what picking one is told. */
  const unreadable = ref<{ name: string; reason: string }[]>([])
  const variablesComplete = ref(true)
  const summarising = ref(false)
  const memory = ref<MemoryReport | null>(null)

  const selected = ref<string | null>(null)
  const statsSample = ref<string | null>(null)
  /** The project's note on its samples, shown above the explorer (null: none). */
  const note = ref<string | null>(null)
  const binning = ref<Record<string, Binning>>({})
  const logY = ref(false)
  const normalised = ref(false)
  const foldFlows = ref(false)

  const histogram = ref<HistogramResult | null>(null)
  const histogramLoading = ref(false)
  /** Errors by place: 'samples', 'variables', 'histogram', 'settings'. */
  const errors = ref<Record<string, string | null>>({})
  const loaded = ref(false)

  const simulation = computed(() => samples.value.filter((s) => s.spec.role !== 'data'))
  const hasData = computed(() => samples.value.some((s) => s.spec.role === 'data'))

  function setError(where: string, e: unknown): void {
    errors.value = { ...errors.value, [where]: e === null ? null : errorMessage(e) }
  }

  async function put(key: string, value: SettingValue): Promise<void> {
    try {
      await api.call('data.putSetting', { key, value })
    } catch (e) {
      setError('settings', e)
    }
  }

  async function loadSettings(): Promise<void> {
    const s = await api.call('data.getSettings', { prefix: 'explorer.' })
    const text = (v: unknown) => (typeof v === 'string' ? v : null)
    selected.value = text(s[KEY.variable])
    statsSample.value = text(s[KEY.statsSample])
    note.value = text(s[KEY.note])
    logY.value = s[KEY.logY] === true
    normalised.value = s[KEY.normalised] === true
    foldFlows.value = s[KEY.foldFlows] === true
    const b: Record<string, Binning> = {}
    for (const [k, v] of Object.entries(s))
      if (k.startsWith(BINNING_PREFIX) && isBinning(v))
        b[decodeURIComponent(k.slice(BINNING_PREFIX.length))] = v
    binning.value = b
  }

  async function refreshSamples(): Promise<void> {
    try {
      samples.value = await api.call('data.samples', {})
      setError('samples', null)
    } catch (e) {
      setError('samples', e)
    }
  }

  async function refreshMemory(): Promise<void> {
    try {
      memory.value = await api.call('data.memory', {})
    } catch {
      // Memory figures are informative only; the next refresh tries again.
    }
  }

  /** Variables and their statistics; starts the summary job when some are missing. */
  async function refreshVariables(): Promise<void> {
    try {
      const r = await api.call('data.variables', {})
      variables.value = r.variables
      unreadable.value = r.unreadable
      variablesComplete.value = r.complete
      setError('variables', null)
      if (!r.complete && !summarising.value) await summarise()
    } catch (e) {
      setError('variables', e)
    }
  }

  /** The job that computes every variable's statistics (progress and cancel in the status bar). */
  async function summarise(): Promise<void> {
    if (!samples.value.length) return
    summarising.value = true
    setError('variables', null)
    try {
      // A sample added while the job ran is summarised by the next round (a few at most).
      for (let round = 0; round < 3; round++) {
        await api.runJob('data.summarise', {})
        const r = await api.call('data.variables', {})
        variables.value = r.variables
        unreadable.value = r.unreadable
        variablesComplete.value = r.complete
        setError('variables', null)
        if (r.complete) break
      }
    } catch (e) {
      setError(
        'variables',
        e instanceof ApiError && e.info.code === 'cancelled'
          ? 'Statistics cancelled; variables without numbers can still be plotted. “compute statistics” starts again.'
          : e,
      )
    } finally {
      summarising.value = false
      void refreshMemory()
    }
  }

  let histogramRequest = 0
  /** Fetches the selected variable's histogram; a late answer to an older request is dropped. */
  async function refreshHistogram(): Promise<void> {
    const v = selected.value
    if (!v || !samples.value.length) {
      histogram.value = null
      return
    }
    const id = ++histogramRequest
    histogramLoading.value = true
    try {
      const b = binning.value[v]
      const r = await api.call('data.histogram', b ? { variable: v, ...b } : { variable: v })
      if (id !== histogramRequest) return
      histogram.value = r
      setError('histogram', null)
    } catch (e) {
      if (id === histogramRequest) setError('histogram', e)
    } finally {
      if (id === histogramRequest) histogramLoading.value = false
      void refreshMemory()
    }
  }

  async function load(): Promise<void> {
    loaded.value = false
    histogram.value = null
    variables.value = []
    unreadable.value = []
    try {
      await loadSettings()
      setError('settings', null)
    } catch (e) {
      setError('settings', e)
    }
    await refreshSamples()
    loaded.value = true
    if (samples.value.length) {
      void refreshHistogram()
      await refreshVariables()
    }
    void refreshMemory()
  }

  async function select(name: string): Promise<void> {
    if (selected.value === name) return
    selected.value = name
    void put(KEY.variable, name)
    await refreshHistogram()
  }

  /** Applies new bins and range to the selected variable (stored in the project). */
  async function setBinning(b: Binning): Promise<void> {
    const v = selected.value
    if (!v) return
    if (!isBinning(b) || b.bins < 1 || b.bins > 10_000) {
      setError('histogram', 'bins must be a whole number from 1 to 10000, and hi above lo')
      return
    }
    binning.value = { ...binning.value, [v]: b }
    void put(KEY.binning(v), { bins: b.bins, lo: b.lo, hi: b.hi })
    await refreshHistogram()
  }

  /** Back to the automatic binning (min–max of the variable). */
  async function resetBinning(): Promise<void> {
    const v = selected.value
    if (!v) return
    const next = { ...binning.value }
    delete next[v]
    binning.value = next
    void put(KEY.binning(v), null)
    await refreshHistogram()
  }

  function toggle(which: 'logY' | 'normalised' | 'foldFlows', value: boolean): void {
    const r = { logY, normalised, foldFlows }[which]
    r.value = value
    void put(KEY[which], value)
  }

  function chooseStatsSample(id: string): void {
    statsSample.value = id
    void put(KEY.statsSample, id)
  }

  /** Adds or edits a sample; resolves with an error message, or null when it worked. */
  async function saveSample(spec: SampleSpecInput, id?: string): Promise<string | null> {
    try {
      if (id) await api.runJob('data.updateSample', { id, spec })
      else await api.runJob('data.addSample', { spec })
    } catch (e) {
      return errorMessage(e)
    }
    await refreshSamples()
    void refreshHistogram()
    // The statistics of the new sample come from a job; the form need not wait for it.
    void refreshVariables()
    return null
  }

  async function removeSample(id: string): Promise<void> {
    try {
      await api.call('data.removeSample', { id })
      setError('samples', null)
    } catch (e) {
      setError('samples', e)
    }
    await refreshSamples()
    void refreshHistogram()
    void refreshVariables()
  }

  async function move(id: string, by: -1 | 1): Promise<void> {
    const ids = samples.value.map((s) => s.id)
    const i = ids.indexOf(id)
    const j = i + by
    if (i < 0 || j < 0 || j >= ids.length) return
    ;[ids[i], ids[j]] = [ids[j], ids[i]]
    try {
      samples.value = await api.call('data.reorderSamples', { ids })
    } catch (e) {
      setError('samples', e)
    }
  }

  async function releaseMemory(): Promise<void> {
    try {
      memory.value = await api.call('data.releaseMemory', {})
      await refreshSamples()
    } catch (e) {
      setError('samples', e)
    }
  }

  // Another project: start from its own samples and settings.
  watch(
    () => project.current?.path,
    (path, before) => {
      if (path && path !== before && loaded.value) void load()
    },
  )

  return {
    /** A 2-D histogram of two variables of a sample (the explorer's 2-D panel). */
    hist2d: (params: Params<'data.hist2d'>) => api.call('data.hist2d', params),
    /** Correlations between variables of a sample (the explorer's correlation panel). */
    correlation: (params: Params<'data.correlation'>) => api.call('data.correlation', params),
    /** The tables and columns of an event file (the sample form). */
    inspect: (path: string) => api.call('data.inspect', { path }),
    samples,
    simulation,
    hasData,
    variables,
    unreadable,
    variablesComplete,
    summarising,
    memory,
    selected,
    statsSample,
    note,
    binning,
    logY,
    normalised,
    foldFlows,
    histogram,
    histogramLoading,
    errors,
    loaded,
    load,
    select,
    setBinning,
    resetBinning,
    toggle,
    chooseStatsSample,
    saveSample,
    removeSample,
    move,
    summarise,
    refreshHistogram,
    refreshMemory,
    releaseMemory,
  }
})
