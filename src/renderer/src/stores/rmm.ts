/**
 * The RMM builder's state: the project's columns and samples to choose from, the stored RMM
 * layouts, and the two heatmaps (one event of a sample; the mean matrix per process) for the
 * chosen layout and region. Building writes derived variables, so the Cuts view's variable list
 * is reloaded afterwards. A failure is shown in `error` and never clears what was shown.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { Sample, VariableRow } from '../../../shared/contract/data'
import type { RmmConfigInput, RmmEvent, RmmLayout, RmmMean } from '../../../shared/contract/rmm'
import { api } from '../api'
import { useCutsStore } from './cuts'
import { useProjectStore } from './project'
import { guardWith } from './guard'

export const useRmmStore = defineStore('rmm', () => {
  const project = useProjectStore()
  const cuts = useCutsStore()
  const columns = ref<VariableRow[]>([])
  const samples = ref<Sample[]>([])
  const layouts = ref<RmmLayout[]>([])
  const prefix = ref<string | null>(null)
  /** Region of both heatmaps; null: all events. */
  const region = ref<string | null>(null)
  const sample = ref<string | null>(null)
  const index = ref(0)
  const event = ref<RmmEvent | null>(null)
  const mean = ref<RmmMean | null>(null)
  const logColour = ref(false)
  const building = ref(false)
  const error = ref<string | null>(null)

  const layout = computed(() => layouts.value.find((l) => l.prefix === prefix.value) ?? null)
  const jaggedColumns = computed(() => columns.value.filter((c) => c.jagged).map((c) => c.name))
  const flatColumns = computed(() => columns.value.filter((c) => !c.jagged).map((c) => c.name))

  const guard = guardWith(error)

  async function load(): Promise<void> {
    event.value = null
    mean.value = null
    if (!project.current) {
      columns.value = []
      samples.value = []
      layouts.value = []
      prefix.value = null
      return
    }
    await guard(async () => {
      columns.value = (await api.call('data.variables', {})).variables
      samples.value = await api.call('data.samples', {})
      layouts.value = await api.call('rmm.layouts', {})
    })
    if (!layout.value) prefix.value = layouts.value[0]?.prefix ?? null
    if (!samples.value.some((s) => s.spec.name === sample.value))
      sample.value = samples.value[0]?.spec.name ?? null
    await refresh()
  }

  /** Writes the cells as variables; on success shows the new layout. */
  async function build(config: RmmConfigInput): Promise<boolean> {
    building.value = true
    try {
      const built = await guard(() => api.call('rmm.build', { config }))
      if (!built) return false
      layouts.value = [...layouts.value.filter((l) => l.prefix !== built.prefix), built]
      prefix.value = built.prefix
      await cuts.load()
      await refresh()
      return true
    } finally {
      building.value = false
    }
  }

  async function remove(name: string): Promise<void> {
    const r = await guard(() => api.call('rmm.remove', { prefix: name }))
    if (!r) return
    layouts.value = r
    if (prefix.value === name) prefix.value = r[0]?.prefix ?? null
    await cuts.load()
  }

  async function refreshEvent(): Promise<void> {
    const p = prefix.value
    if (!p || !sample.value) {
      event.value = null
      return
    }
    const params = {
      prefix: p,
      sample: sample.value,
      index: index.value,
      ...(region.value ? { region: region.value } : {}),
    }
    const r = await guard(() => api.call('rmm.event', params))
    if (r) event.value = r
  }

  async function refreshMean(): Promise<void> {
    const p = prefix.value
    if (!p) {
      mean.value = null
      return
    }
    const params = { prefix: p, ...(region.value ? { region: region.value } : {}) }
    const r = await guard(() => api.call('rmm.mean', params))
    if (r) mean.value = r
  }

  async function refresh(): Promise<void> {
    await refreshEvent()
    await refreshMean()
  }

  /** Moves the event stepper by `step`, kept within the selected events. */
  function step(by: number): void {
    const last = Math.max(0, (event.value?.selected ?? 1) - 1)
    index.value = Math.min(last, Math.max(0, index.value + by))
  }

  watch(
    () => project.current?.path,
    () => void load(),
    { immediate: true },
  )
  // A new sample, layout or region starts again at its first event (one request per change).
  watch(index, () => void refreshEvent())
  watch(sample, () => {
    if (index.value !== 0) index.value = 0
    else void refreshEvent()
  })
  watch([prefix, region], () => {
    if (index.value !== 0) index.value = 0
    else void refreshEvent()
    void refreshMean()
  })

  return {
    columns,
    samples,
    layouts,
    prefix,
    region,
    sample,
    index,
    event,
    mean,
    logColour,
    building,
    error,
    layout,
    jaggedColumns,
    flatColumns,
    load,
    build,
    remove,
    refresh,
    step,
  }
})
