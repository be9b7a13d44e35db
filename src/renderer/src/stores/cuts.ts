/**
 * The Cuts & Regions view's state: the project's derived variables, regions and symbol table,
 * the selected region and cut, and that region's cut-flow. Cuts are checked here as they are
 * typed; ~300 ms after the last keystroke one `cuts.update` saves them and brings the cut-flow.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type {
  CutsCut,
  CutsRegion,
  CutsUpdate,
  CutsVariable,
  NMinus1Result,
  RegionCutflow,
} from '../../../shared/contract/cuts'
import { thresholdOf, withThreshold } from '../../../shared/expr'
import { api } from '../api'
import { cutEdits, editorSymbols, type CutCheck, type EditorSymbols } from './cut-edits'
import { useProjectStore } from './project'
import { errorMessage, guardWith } from './guard'

/** Wait this long after typing stops before sending the edit (and computing the cut-flow). */
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
  /** What cuts may read (cuts.symbols), for the checks while typing; null until loaded. */
  const symbols = shallowRef<EditorSymbols | null>(null)

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
      symbols.value = editorSymbols(await api.call('cuts.symbols', {}))
    })
    if (!region.value) selected.value = regions.value[0]?.name ?? null
    refresh()
  }

  /** Fetches the symbol table again (samples, variables or applied models changed). */
  async function loadSymbols(): Promise<void> {
    if (!project.current) return
    const r = await guard(() => api.call('cuts.symbols', {}), false)
    if (r) symbols.value = editorSymbols(r)
  }

  async function saveVariable(variable: CutsVariable, original?: string): Promise<boolean> {
    const r = await guard(() => api.call('cuts.saveVariable', { variable, original }))
    if (r) {
      variables.value = r
      void loadSymbols()
    }
    return r !== undefined
  }

  async function removeVariable(name: string): Promise<void> {
    const r = await guard(() => api.call('cuts.removeVariable', { name }))
    if (r) {
      variables.value = r
      void loadSymbols()
    }
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

  const edits = cutEdits({
    update: (r) => api.call('cuts.update', { region: r, sigmaB: sigmaB.value }),
    symbols: () => symbols.value,
    debounceMs: DEBOUNCE_MS,
  })

  /**
   * The selected region's cuts as now typed: the checks at once (no request), and — after the
   * quiet time, unless a cut has a syntax error — the engine's checks, the region saved when
   * they all pass, and its cut-flow. `answer` is null for an edit not sent or overtaken.
   */
  function editCuts(cuts: CutsCut[]): {
    checks: readonly CutCheck[]
    answer: Promise<CutsUpdate | null>
  } | null {
    const r = region.value
    if (!r) return null
    const e = edits.edit({ ...r, cuts })
    return {
      checks: e.checks,
      answer: e.answer.then(
        (a) => (a ? applied(a) : null),
        (err: unknown) => {
          error.value = errorMessage(err)
          return null
        },
      ),
    }
  }

  /** Takes in the engine's answer to an edit. */
  function applied(a: CutsUpdate): CutsUpdate {
    if (a.symbols !== symbols.value?.key) void loadSymbols()
    // Not saved: the regions are as they were, and the drafts with the refused cut stay.
    if (a.saved) {
      regions.value = a.regions
      error.value = a.cutflowError
      if (a.cutflow?.region === selected.value) cutflow.value = a.cutflow
      void computeNminus1()
    }
    return a
  }

  /**
   * Moves the selected cut's threshold (its comparison of the N−1 plot's variable with a
   * number) to `value`, rewriting only the number's text, and sends the edit at once.
   * False when the cut has no such threshold or the edit was refused.
   */
  async function setThreshold(value: number): Promise<boolean> {
    // A typed edit still waiting goes first, so the move applies to the cut as typed.
    await edits.flush()
    const r = region.value
    const cut = r?.cuts[selectedCut.value]
    const t = cut && nminus1.value ? thresholdOf(cut.expr, nminus1.value.variable) : null
    if (!r || !t) return false
    const cuts = r.cuts.map((c, i) =>
      i === selectedCut.value ? { ...c, expr: withThreshold(c.expr, t, value) } : c,
    )
    const a = await guard(() =>
      api.call('cuts.update', { region: { ...r, cuts }, sigmaB: sigmaB.value }),
    )
    if (!a) return false
    applied(a)
    if (!a.saved) error.value = a.checks.find((c) => !c.ok)?.message ?? null
    return a.saved
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
    })
    await computeNminus1()
  }

  /** The N−1 plot of the selected cut (after an edit: the cut-flow came with it). */
  async function computeNminus1(): Promise<void> {
    const name = selected.value
    const own = region.value?.cuts.length ?? 0
    if (!name || !(own > 0 && selectedCut.value < own)) {
      nminus1.value = null
      return
    }
    const cutIndex = selectedCut.value
    const h = await guard(() => api.call('cuts.nminus1', { region: name, cutIndex }), false)
    // The selection may have moved on while this was computed.
    if (name === selected.value && cutIndex === selectedCut.value) nminus1.value = h ?? null
  }

  watch(
    () => project.current?.path,
    () => {
      edits.cancel()
      symbols.value = null
      void load()
    },
    { immediate: true },
  )
  // Typing, then picking another region at once: the typed edit is saved, not lost.
  watch(selected, () => void edits.flush())
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
    symbols,
    region,
    load,
    loadSymbols,
    saveVariable,
    removeVariable,
    saveRegion,
    removeRegion,
    editCuts,
    setThreshold,
    refresh,
    /** The project's trained models (the panel lists those applied as variables). */
    models: () => api.call('train.models', {}),
  }
})
