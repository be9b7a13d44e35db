/**
 * The Cuts & Regions view's state: the project's derived variables and regions, the selected
 * region and cut, and that region's cut-flow, recomputed ~300 ms after the last edit.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type {
  CutsRegion,
  CutsVariable,
  NMinus1Result,
  RegionCutflow,
} from '../../../shared/contract/cuts'
import { api } from '../api'
import { useProjectStore } from './project'
import { guardWith } from './guard'

/** Wait this long after typing stops before asking the engine for a new cut-flow. */
export const DEBOUNCE_MS = 300

export const useCutsStore = defineStore('cuts', () => {
  const project = useProjectStore()
  const variables = ref<CutsVariable[]>([])
  const regions = ref<CutsRegion[]>([])
  const selected = ref<string | null>(null)
  const selectedCut = ref(0)
  const sigmaB = ref(0)
  const cutflow = ref<RegionCutflow | null>(null)
  const nminus1 = ref<NMinus1Result | null>(null)
  const error = ref<string | null>(null)

  const region = computed(() => regions.value.find((r) => r.name === selected.value) ?? null)

  const guard = guardWith(error)

  async function load(): Promise<void> {
    if (!project.current) {
      variables.value = []
      regions.value = []
      selected.value = null
      return
    }
    await guard(async () => {
      variables.value = await api.call('cuts.variables', {})
      regions.value = await api.call('cuts.regions', {})
    })
    if (!region.value) selected.value = regions.value[0]?.name ?? null
    refresh()
  }

  async function saveVariable(variable: CutsVariable, original?: string): Promise<boolean> {
    const r = await guard(() => api.call('cuts.saveVariable', { variable, original }))
    if (r) variables.value = r
    return r !== undefined
  }

  async function removeVariable(name: string): Promise<void> {
    const r = await guard(() => api.call('cuts.removeVariable', { name }))
    if (r) variables.value = r
  }

  async function saveRegion(r: CutsRegion, original?: string): Promise<boolean> {
    const out = await guard(() => api.call('cuts.saveRegion', { region: r, original }))
    if (!out) return false
    regions.value = out
    if (original === selected.value || !selected.value) selected.value = r.name
    refresh()
    return true
  }

  async function removeRegion(name: string): Promise<void> {
    const r = await guard(() => api.call('cuts.removeRegion', { name }))
    if (!r) return
    regions.value = r
    if (selected.value === name) selected.value = r[0]?.name ?? null
  }

  function check(expr: string) {
    return api.call('cuts.check', { expr, role: 'cut' })
  }

  let timer: ReturnType<typeof setTimeout> | null = null
  /** Debounced: the cut-flow and N−1 plot of the selected region. */
  function refresh(): void {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => void compute(), DEBOUNCE_MS)
  }

  async function compute(): Promise<void> {
    const name = selected.value
    if (!name || !region.value) {
      cutflow.value = null
      nminus1.value = null
      return
    }
    await guard(async () => {
      cutflow.value = await api.call('cuts.cutflow', { region: name, sigmaB: sigmaB.value })
      const own = region.value?.cuts.length ?? 0
      nminus1.value =
        own > 0 && selectedCut.value < own
          ? await api.call('cuts.nminus1', { region: name, cutIndex: selectedCut.value })
          : null
    })
  }

  watch(
    () => project.current?.path,
    () => void load(),
    { immediate: true },
  )
  watch([selected, selectedCut, sigmaB], refresh)

  return {
    variables,
    regions,
    selected,
    selectedCut,
    sigmaB,
    cutflow,
    nminus1,
    error,
    region,
    load,
    saveVariable,
    removeVariable,
    saveRegion,
    removeRegion,
    check,
    refresh,
    /** The project's trained models (the panel lists those applied as variables). */
    models: () => api.call('train.models', {}),
  }
})
