/** The Fit view's state: imported workspaces, the chosen setup, and the latest results of each kind. */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type {
  BuiltWorkspace,
  FitSetup,
  InterpolationCodes,
  StoredResults,
  WorkspaceSummary,
} from '../../../shared/contract/fit'
import type { Params } from '../../../shared/api'
import { api } from '../api'
import { ApiError } from '../api/client'
import { writeAsking } from '../api/overwrite'
import { editorSymbols, type EditorSymbols } from './cut-edits'
import { observableProblem } from './observable-check'
import { useProjectStore } from './project'

export type ResultKind = keyof StoredResults
/** The job method behind each kind of result. */
const KIND_OF = {
  'fit.fit': 'fit',
  'fit.scan': 'scan',
  'fit.limit': 'limit',
  'fit.significance': 'significance',
  'fit.ranking': 'ranking',
} as const satisfies Record<string, ResultKind>
const EMPTY: StoredResults = {
  fit: null,
  scan: null,
  limit: null,
  significance: null,
  ranking: null,
}

/** The UI remembers the chosen workspace and patch per project (not project data: a view state). */
function memoryKey(projectPath: string): string {
  return `hepwb.fit.${projectPath}`
}

export const useFitStore = defineStore('fit', () => {
  const project = useProjectStore()
  const workspaces = ref<WorkspaceSummary[]>([])
  const selectedId = ref<string | null>(null)
  const patch = ref<string | null>(null)
  const data = ref<'observed' | 'asimov'>('observed')
  const codes = ref<'pyhf' | 'root'>('pyhf')
  const results = ref<StoredResults>({ ...EMPTY })
  const running = ref<Partial<Record<ResultKind, number>>>({})
  const error = ref<string | null>(null)
  /** The last workspace built from regions: where its data came from, what was left out. */
  const built = ref<BuiltWorkspace | null>(null)
  /** The build job running for this project (started here or re-attached), or null. */
  const building = ref<{ jobId: string; fraction: number; message: string } | null>(null)
  /** What observables may read (cuts.symbols), for the build form's checks; null until loaded. */
  const symbols = shallowRef<EditorSymbols | null>(null)

  const selected = computed(() => workspaces.value.find((w) => w.id === selectedId.value) ?? null)
  const setup = computed<FitSetup | null>(() => {
    if (!selectedId.value) return null
    const c: InterpolationCodes | undefined =
      codes.value === 'root' ? { normsys: 'code1', histosys: 'code0' } : undefined
    return { workspaceId: selectedId.value, patch: patch.value, data: data.value, codes: c }
  })

  async function loadWorkspaces(): Promise<void> {
    if (!project.current) {
      workspaces.value = []
      return
    }
    workspaces.value = await api.call('fit.workspaces', {})
    const saved = JSON.parse(localStorage.getItem(memoryKey(project.current.path)) ?? 'null') as {
      id: string
      patch: string | null
    } | null
    const keep = workspaces.value.find((w) => w.id === (selectedId.value ?? saved?.id))
    selectedId.value = keep?.id ?? workspaces.value[0]?.id ?? null
    if (
      keep &&
      saved &&
      keep.id === saved.id &&
      (saved.patch === null || keep.patches.includes(saved.patch))
    )
      patch.value = saved.patch
    else if (!keep) patch.value = null
  }

  async function loadResults(): Promise<void> {
    results.value = setup.value ? await api.call('fit.results', setup.value) : { ...EMPTY }
  }

  watch(setup, () => {
    if (project.current && selectedId.value)
      localStorage.setItem(
        memoryKey(project.current.path),
        JSON.stringify({ id: selectedId.value, patch: patch.value }),
      )
    void loadResults().catch((e: Error) => (error.value = e.message))
  })
  watch(
    () => project.current?.path,
    () => {
      running.value = {}
      building.value = null
      symbols.value = null
      void loadWorkspaces().catch((e: Error) => (error.value = e.message))
      void reattach()
    },
    { immediate: true },
  )

  /**
   * Re-attaches to this project's fit jobs still running in the engine (after a reload, or when
   * the project is opened again): their progress shows, and their results, stored in the project
   * when they end, are loaded then.
   */
  async function reattach(): Promise<void> {
    const path = project.current?.path
    if (!path) return
    const jobs = await api.call('jobs.list', {}).catch(() => [])
    for (const j of jobs) {
      if (j.method === 'fit.build' && j.project === path && !building.value) {
        building.value = { jobId: j.id, fraction: j.fraction, message: j.message }
        void followBuild(j.id, path).catch((e: unknown) => {
          if (project.current?.path === path) error.value = buildFailure(e)
        })
        continue
      }
      if (!Object.hasOwn(KIND_OF, j.method)) continue
      const method = j.method as keyof typeof KIND_OF
      const kind: ResultKind = KIND_OF[method]
      if (j.project !== path || running.value[kind] !== undefined) continue
      running.value = { ...running.value, [kind]: j.fraction }
      void api
        .attachJob(method, j.id, (e) => {
          if (e.kind === 'progress' && project.current?.path === path)
            running.value = { ...running.value, [kind]: e.fraction }
        })
        .catch((e: Error) => {
          if (project.current?.path === path) error.value = e.message
        })
        .finally(() => {
          if (project.current?.path !== path) return
          const next = { ...running.value }
          delete next[kind]
          running.value = next
          void loadResults().catch(() => undefined)
        })
    }
  }

  async function importWorkspace(path: string, patchset: string | null): Promise<boolean> {
    error.value = null
    try {
      const w = await api.call('fit.import', { path, patchset })
      workspaces.value = [...workspaces.value, w]
      selectedId.value = w.id
      patch.value = w.patches[0] ?? null
      return true
    } catch (e) {
      error.value = (e as Error).message
      return false
    }
  }

  /** The last recipe built in this project (view state, kept in the browser), or null. */
  function lastRecipe(): Params<'fit.build'> | null {
    if (!project.current) return null
    try {
      return JSON.parse(
        localStorage.getItem(`${memoryKey(project.current.path)}.build`) ?? 'null',
      ) as Params<'fit.build'> | null
    } catch {
      return null
    }
  }

  /**
   * Builds a workspace from the project's regions, as a job (progress in `building`, cancel with
   * cancelBuild); the built workspace, stored in the project by the engine, becomes the
   * selected one. The recipe is remembered (even when the build fails) so the form opens with it
   * next time. Throws when the build fails or is cancelled (buildFailure says which).
   */
  async function build(recipe: Params<'fit.build'>): Promise<BuiltWorkspace> {
    const path = project.current?.path
    if (path) localStorage.setItem(`${memoryKey(path)}.build`, JSON.stringify(recipe))
    const { jobId } = await api.call('fit.build', recipe)
    building.value = { jobId, fraction: 0, message: '' }
    return followBuild(jobId, path)
  }

  /**
   * Follows build job `jobId` of project `path` to its end (started here, or before a reload);
   * while that project is still open its workspace is shown and selected. Throws.
   */
  async function followBuild(jobId: string, path: string | undefined): Promise<BuiltWorkspace> {
    try {
      const w = await api.attachJob('fit.build', jobId, (e) => {
        if (e.kind === 'progress' && building.value?.jobId === jobId)
          building.value = { jobId, fraction: e.fraction, message: e.message }
      })
      if (project.current?.path === path) {
        built.value = w
        workspaces.value = [...workspaces.value.filter((x) => x.id !== w.id), w]
        selectedId.value = w.id
        patch.value = null
      }
      return w
    } finally {
      if (building.value?.jobId === jobId) building.value = null
    }
  }

  /** Stops the running build; it stores nothing. */
  async function cancelBuild(): Promise<void> {
    const jobId = building.value?.jobId
    if (jobId) await api.call('jobs.cancel', { jobId })
  }

  /** What a build that ended without a workspace says: cancelled, or why it failed. */
  function buildFailure(e: unknown): string {
    return e instanceof ApiError && e.info.code === 'cancelled'
      ? 'Build cancelled; nothing was stored.'
      : (e as Error).message
  }

  /**
   * Writes the selected workspace as pyhf JSON, asking before replacing a file (`confirmed`: a
   * native save dialog already asked); returns the path written, or null when the user kept
   * the existing file. Throws.
   */
  async function exportWorkspace(path: string, confirmed = false): Promise<string | null> {
    const workspaceId = selectedId.value
    if (!workspaceId) throw new Error('no workspace selected')
    const r = await writeAsking(
      (overwrite) => api.call('fit.export', { workspaceId, path, overwrite }),
      confirmed,
    )
    return r?.path ?? null
  }

  async function remove(id: string): Promise<void> {
    await api.call('fit.remove', { workspaceId: id })
    await loadWorkspaces()
  }

  /** Runs one kind of job on the current setup; its result replaces the shown one. */
  async function run(kind: ResultKind): Promise<void> {
    const s = setup.value
    if (!s) return
    error.value = null
    running.value = { ...running.value, [kind]: 0 }
    const progress = (e: { kind: string; fraction?: number }) => {
      if (e.kind === 'progress') running.value = { ...running.value, [kind]: e.fraction ?? 0 }
    }
    try {
      if (kind === 'fit')
        results.value = {
          ...results.value,
          fit: await api.runJob('fit.fit', { ...s, minos: ['poi'] }, progress),
        }
      else if (kind === 'scan')
        results.value = {
          ...results.value,
          scan: await api.runJob('fit.scan', { ...s, points: 31 }, progress),
        }
      else if (kind === 'limit')
        results.value = {
          ...results.value,
          limit: await api.runJob(
            'fit.limit',
            { ...s, cl: 0.95, testStat: 'qtilde', points: 21 },
            progress,
          ),
        }
      else if (kind === 'significance')
        results.value = {
          ...results.value,
          significance: await api.runJob('fit.significance', s, progress),
        }
      else
        results.value = { ...results.value, ranking: await api.runJob('fit.ranking', s, progress) }
    } catch (e) {
      error.value = (e as Error).message
    } finally {
      const next = { ...running.value }
      delete next[kind]
      running.value = next
    }
  }

  return {
    /**
     * What the build form offers: the project's regions, samples and variables; also loads the
     * symbol table the form's observables are checked against.
     */
    buildInputs: async () => {
      const [regions, samples, variables, table] = await Promise.all([
        api.call('cuts.regions', {}),
        api.call('data.samples', {}),
        api.call('cuts.variables', {}),
        api.call('cuts.symbols', {}),
      ])
      symbols.value = editorSymbols(table)
      return [regions, samples, variables] as const
    },
    /**
     * The problem with an observable as typed in the build form (checked here, at once), or
     * null; syntax only until the symbol table has loaded.
     */
    observableProblem: (expr: string) => observableProblem(expr, symbols.value),
    workspaces,
    selectedId,
    selected,
    patch,
    data,
    codes,
    setup,
    results,
    running,
    error,
    importWorkspace,
    built,
    building,
    build,
    cancelBuild,
    buildFailure,
    lastRecipe,
    exportWorkspace,
    remove,
    run,
    loadWorkspaces,
  }
})
