/**
 * The Plots step's state: the project's saved plots (gallery with engine-rendered thumbnails),
 * the plot being edited with its preview, the project's style presets, and "Save to Plots" for
 * every other view. The engine renders every image (PNG of the same SVG it exports), so what
 * the window shows is what the PDF will look like.
 */
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { SavePlotParams, ExportFormat, ExportedFile } from '../../../shared/contract/plots'
import type { SavedPlot, SavedPlotSummary } from '../../../shared/plot/saved-plot'
import type { PlotSettings, StylePreset } from '../../../shared/plot/settings'
import { api } from '../api'
import { writeAsking } from '../api/overwrite'
import { useProjectStore } from './project'

/** Thumbnails at 40 dpi (a 15 cm figure is ~240 px wide); the editor's preview at 110 dpi. */
const THUMB_DPI = 40
const PREVIEW_DPI = 110

export const usePlotsStore = defineStore('plots', () => {
  const project = useProjectStore()
  const list = ref<SavedPlotSummary[]>([])
  const thumbs = ref<Record<string, string>>({})
  const selected = ref<string[]>([])
  const current = ref<SavedPlot | null>(null)
  const preview = ref<string | null>(null)
  const styles = ref<StylePreset[]>([])
  const error = ref<string | null>(null)
  const busy = ref(false)
  /** The last "Save to Plots" of another view: its name, for the confirmation beside the button. */
  const lastSaved = ref<{ source: string; name: string } | null>(null)

  async function thumb(id: string): Promise<void> {
    const r = await api.call('plots.render', { id, settings: {}, pngDpi: THUMB_DPI })
    if (r.png) thumbs.value = { ...thumbs.value, [id]: r.png }
  }

  async function load(): Promise<void> {
    error.value = null
    if (!project.current) {
      list.value = []
      current.value = null
      return
    }
    try {
      list.value = await api.call('plots.list', {})
      styles.value = await api.call('plots.styles', {})
      selected.value = selected.value.filter((id) => list.value.some((p) => p.id === id))
      for (const p of list.value) if (!thumbs.value[p.id]) await thumb(p.id)
      if (current.value && !list.value.some((p) => p.id === current.value?.id)) current.value = null
      if (!current.value && list.value.length) await open(list.value[0].id)
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  async function renderPreview(): Promise<void> {
    if (!current.value) return
    const r = await api.call('plots.render', {
      id: current.value.id,
      settings: {},
      pngDpi: PREVIEW_DPI,
    })
    preview.value = r.png ?? null
  }

  async function open(id: string): Promise<void> {
    error.value = null
    current.value = await api.call('plots.get', { id })
    await renderPreview()
  }

  /** The new version of a plot: the list entry, thumbnail and preview follow. */
  async function replaced(p: SavedPlot): Promise<void> {
    if (current.value?.id === p.id) current.value = p
    list.value = await api.call('plots.list', {})
    await thumb(p.id)
    if (current.value?.id === p.id) await renderPreview()
  }

  /**
   * Changes run one after another, so the state shown is that of the last answer (two quick
   * edits could otherwise answer out of order and show the older one); busy while any runs.
   */
  let chain: Promise<void> = Promise.resolve()
  let pending = 0
  function guarded(work: () => Promise<void>): Promise<void> {
    pending++
    busy.value = true
    chain = chain.then(async () => {
      error.value = null
      try {
        await work()
      } catch (e) {
        error.value = (e as Error).message
      } finally {
        busy.value = --pending > 0
      }
    })
    return chain
  }

  /** Changes the current plot's presentation (any subset of its settings), name or tags. */
  function update(patch: {
    name?: string
    tags?: string[]
    settings?: Partial<PlotSettings>
  }): Promise<void> {
    const id = current.value?.id
    if (!id) return Promise.resolve()
    return guarded(async () => replaced(await api.call('plots.update', { id, ...patch })))
  }

  /** Applies a style (built-in or the project's) to the selected plots, or the current one. */
  function restyle(style: string): Promise<void> {
    const ids = selected.value.length ? selected.value : current.value ? [current.value.id] : []
    if (!ids.length) return Promise.resolve()
    return guarded(async () => {
      for (const p of await api.call('plots.restyle', { ids, style })) await replaced(p)
    })
  }

  function refresh(id: string): Promise<void> {
    return guarded(async () => replaced(await api.call('plots.refresh', { id })))
  }

  function remove(id: string): Promise<void> {
    return guarded(async () => {
      await api.call('plots.remove', { id })
      if (current.value?.id === id) current.value = null
      selected.value = selected.value.filter((x) => x !== id)
      await load()
    })
  }

  /** Saves the current plot's settings as a project style preset. */
  function saveStyle(name: string): Promise<void> {
    const s = current.value?.settings
    if (!s) return Promise.resolve()
    return guarded(async () => {
      styles.value = await api.call('plots.saveStyle', { name, settings: s })
    })
  }

  /** Exports the selected plots (or the current one) to a folder or a .zip, with LaTeX. */
  async function exportPlots(
    format: ExportFormat,
    dpi: number,
    path: string,
  ): Promise<ExportedFile[] | null> {
    const ids = selected.value.length ? selected.value : current.value ? [current.value.id] : []
    if (!ids.length) return null
    let files: ExportedFile[] | null = null
    await guarded(async () => {
      const r = await writeAsking((overwrite) =>
        api.call('plots.export', { ids, format, dpi, path, overwrite }),
      )
      files = r?.files ?? null
    })
    return files
  }

  async function latex(id: string): Promise<string> {
    return (await api.call('plots.latex', { id })).latex
  }

  /** "Save to Plots" from any view: the engine computes the numbers from the recipe. */
  async function save(params: SavePlotParams): Promise<SavedPlot> {
    const p = await api.call('plots.save', params)
    lastSaved.value = { source: params.source ?? '', name: p.name }
    return p
  }

  function toggle(id: string, on: boolean): void {
    selected.value = on
      ? [...new Set([...selected.value, id])]
      : selected.value.filter((x) => x !== id)
  }

  watch(
    () => project.current?.path,
    () => {
      thumbs.value = {}
      current.value = null
      preview.value = null
      selected.value = []
    },
  )

  return {
    list,
    thumbs,
    selected,
    current,
    preview,
    styles,
    error,
    busy,
    lastSaved,
    load,
    open,
    update,
    restyle,
    refresh,
    remove,
    saveStyle,
    exportPlots,
    latex,
    save,
    toggle,
  }
})
