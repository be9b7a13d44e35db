/**
 * The Data step's engine methods: samples (validated, stored in the project), and the variable
 * explorer (statistics, histograms, correlations, 2-D histograms), all computed here so only
 * bin contents cross the process boundary.
 */
import type { Result } from '../../../shared/api'
import type { DataMethodName, Hist2DResult, Sample } from '../../../shared/contract/data'
import type { Column } from '../../../shared/column'
import { openSource } from '../io/source'
import type { JobContext } from '../jobs/context'
import type { Project } from '../store/project'
import { ProjectError } from '../store/project'
import {
  type StoredSample,
  deleteSample,
  getSample,
  getSettings,
  insertSample,
  listSamples,
  putSetting,
  reorderSamples,
  updateSample,
} from '../store/samples'
import { weightedCorrelation } from '../data/correlation'
import { createDemoProject } from '../samples/demo'
import {
  defaultBinning,
  finiteRange,
  isIntegerVariable,
  isIntegral,
  sampleHistogram,
} from '../samples/explore'
import { fillHist2D } from '../samples/hist2d'
import {
  derivedRows,
  explorerColumn,
  rangeOf,
  summarise,
  summariseDerived,
  unreadableColumns,
  variableRows,
} from '../samples/variables'
import type { Definitions } from '../samples/derived-columns'
import { listVariables } from '../store/regions'
import type { LoadedSample } from '../samples/loaded-sample'
import { SampleRegistry } from '../samples/registry'
import { normalisationScale } from '../samples/weights'
import type { Handlers, ServiceEnv } from './env'

export function dataHandlers(env: ServiceEnv): Handlers<DataMethodName> {
  /** The running summary of every sample, which later requests join. */
  let summariseJob: { jobId: string; registry: SampleRegistry } | null = null

  const reg = (): SampleRegistry => env.samples()

  function describe(
    stored: StoredSample,
    loaded?: LoadedSample,
    problem: string | null = null,
  ): Sample {
    const scale = loaded?.scale ?? safeScale(stored)
    return {
      id: stored.id,
      spec: stored.spec,
      entries: stored.entries,
      rawSumWeights: stored.rawSumWeights,
      scale,
      yield: stored.rawSumWeights * scale,
      columns: stored.columns,
      hashes: [...stored.hashes],
      memoryBytes: loaded?.memoryBytes() ?? 0,
      problem,
    }
  }

  function samples(project: Project, r: SampleRegistry): Sample[] {
    return listSamples(project).map((s) => describe(s, r.openedNow(s.id), r.problem(s.id)))
  }

  async function chosen(ids: readonly string[] | undefined, ctx?: JobContext) {
    const r = reg()
    if (ids) {
      const known = new Set(listSamples(r.project).map((s) => s.id))
      for (const id of ids)
        if (!known.has(id)) throw new ProjectError(`no sample with id '${id}' in this project`)
    }
    const all = await r.all(ctx)
    if (!ids) return all
    return all.filter((a) => ids.includes(a.stored.id))
  }

  /**
   * The project's derived variables and applied model outputs (the explorer shows them beside
   * the file columns).
   */
  const derived = async (): Promise<Definitions> => ({
    variables: listVariables(reg().project),
    computed: await env.computedVariables(),
  })

  /** A flat column (or derived variable, or model output) of a sample, or a clear error. */
  async function flatColumn(sample: LoadedSample, name: string, defs: Definitions) {
    const c = await explorerColumn(sample, name, defs)
    if (!c) throw new ProjectError(`sample '${sample.spec.name}' has no variable '${name}'`)
    if (c.kind !== 'flat')
      throw new ProjectError(
        `'${name}' is a list per event; a 2-D histogram needs one value per event`,
      )
    return c.values
  }

  /**
   * The histogram of a derived variable or model output (the explorer's plot of a variable no
   * file holds):
   * computed per sample from the columns it reads; samples that cannot compute it are missing.
   */
  async function derivedHistogram(
    list: readonly { stored: StoredSample; sample: LoadedSample }[],
    p: { variable: string; bins?: number; lo?: number; hi?: number },
    ids: readonly string[] | undefined,
  ): Promise<Result<'data.histogram'>> {
    const vars = await derived()
    const cols: { id: string; sample: LoadedSample; col: Column }[] = []
    for (const { stored, sample } of list) {
      const col = await explorerColumn(sample, p.variable, vars)
      if (col) cols.push({ id: stored.id, sample, col })
    }
    if (!cols.length) throw new ProjectError(`no sample has a variable '${p.variable}'`)
    let binning = { bins: p.bins ?? 40, lo: 0, hi: 1 }
    if (p.lo !== undefined && p.hi !== undefined) binning = { ...binning, lo: p.lo, hi: p.hi }
    else {
      const ranges = cols.map((c) => finiteRange(c.col)).filter((r) => r !== null)
      if (ranges.length) {
        const min = Math.min(...ranges.map((r) => r.min))
        const max = Math.max(...ranges.map((r) => r.max))
        // A derived count (nJet * 2, a flag) gets integer-centred bins like an integer column.
        const integer = p.bins === undefined && cols.every((c) => isIntegral(c.col.values))
        binning = defaultBinning(min, max, integer, p.bins ?? 40)
      }
    }
    return {
      variable: p.variable,
      ...binning,
      samples: await Promise.all(
        cols.map((c) => sampleHistogram(c.id, c.sample, p.variable, binning, c.col)),
      ),
      missing: (ids ?? listSamples(reg().project).map((s) => s.id)).filter(
        (id) => !cols.some((c) => c.id === id),
      ),
    }
  }

  return {
    'data.inspect': async ({ path }) => {
      const info = await openSource(path)
      return {
        file: info.file,
        format: info.format,
        tables: info.tables.map((t) => ({
          name: t.name,
          entries: t.entries,
          columns: t.columns.map((c) => ({ ...c })),
          skipped: t.skipped?.map((s) => ({ ...s })),
        })),
      }
    },

    'data.samples': () => {
      const r = reg()
      return samples(r.project, r)
    },

    'data.addSample': async ({ spec }) => {
      const r = reg()
      if (listSamples(r.project).some((s) => s.spec.name === spec.name))
        throw new ProjectError(`a sample named '${spec.name}' already exists; choose another name`)
      // Quick checks answer the call, so bad input never becomes a job (nor a run).
      const checked = await r.check(spec)
      return {
        jobId: env.jobs.start(
          'data.addSample',
          `Add sample ${spec.name}`,
          { spec },
          async (ctx) => {
            const loaded = await r.load(checked, ctx)
            const stored = insertSample(r.project, spec, loaded.facts)
            r.adopt(stored.id, loaded)
            return describe(stored, loaded)
          },
        ),
      }
    },

    'data.updateSample': async ({ id, spec }) => {
      const r = reg()
      const before = getSample(r.project, id)
      const open = r.openedNow(id)
      const title = `Edit sample ${before.spec.name}`
      if (open?.sameEvents(spec)) {
        // A new name, role, group or colour: the files need not be read again.
        const stored = updateSample(r.project, id, spec, open.facts)
        open.relabel(spec)
        r.adopt(id, open)
        const result = describe(stored, open)
        return {
          jobId: env.jobs.start('data.updateSample', title, { id, spec }, async () => result),
        }
      }
      const checked = await r.check(spec)
      return {
        jobId: env.jobs.start('data.updateSample', title, { id, spec }, async (ctx) => {
          const loaded = await r.load(checked, ctx)
          const stored = updateSample(r.project, id, spec, loaded.facts)
          r.adopt(id, loaded)
          return describe(stored, loaded)
        }),
      }
    },

    'data.removeSample': ({ id }) => {
      const r = reg()
      deleteSample(r.project, id)
      r.forget(id)
      return null
    },

    'data.reorderSamples': ({ ids }) => {
      const r = reg()
      reorderSamples(r.project, ids)
      return samples(r.project, r)
    },

    'data.variables': async ({ samples: ids }) => {
      const list = await chosen(ids)
      const files = variableRows(list)
      const computed = derivedRows(list, await derived())
      // A model output named like a file column is that column wherever it exists.
      const inFiles = new Set(files.variables.map((r) => r.name))
      return {
        variables: [
          ...computed.variables.filter((r) => r.origin !== 'model' || !inFiles.has(r.name)),
          ...files.variables,
        ],
        complete: files.complete && computed.complete,
        unreadable: unreadableColumns(list),
      }
    },

    'data.summarise': ({ samples: ids }) => {
      const r = reg() // fails now, not in the job, when no project is open
      // A second window (or a reload) asking for every sample joins the job already running.
      const running = summariseJob
      if (!ids && running?.registry === r && env.jobs.list().some((j) => j.id === running.jobId))
        return { jobId: running.jobId }
      const jobId = env.jobs.start(
        'data.summarise',
        'Summarise every variable',
        { samples: ids },
        async (ctx) => {
          const list = await chosen(ids, ctx)
          const out = await summarise(list, ctx)
          const defs = await derived()
          await summariseDerived(list, defs, ctx)
          const names = new Set([...defs.variables, ...defs.computed].map((v) => v.name))
          return { ...out, variables: out.variables + names.size }
        },
      )
      if (!ids) summariseJob = { jobId, registry: r }
      return { jobId }
    },

    'data.histogram': async ({ variable, bins, lo, hi, samples: ids }) => {
      const list = await chosen(ids)
      const having = list.filter((s) => s.sample.table.has(variable))
      if (!having.length) return derivedHistogram(list, { variable, bins, lo, hi }, ids)
      let binning: { bins: number; lo: number; hi: number }
      if (lo !== undefined && hi !== undefined) binning = { bins: bins ?? 40, lo, hi }
      else {
        const r = await rangeOf(
          having.map((s) => s.sample),
          variable,
        )
        const integer =
          bins === undefined &&
          isIntegerVariable(
            having.map((s) => s.sample),
            variable,
          )
        binning = r
          ? defaultBinning(r.min, r.max, integer, bins ?? 40)
          : { bins: bins ?? 40, lo: 0, hi: 1 }
      }
      const out: Result<'data.histogram'> = {
        variable,
        ...binning,
        samples: [],
        // Samples without the variable, and those that cannot be read now.
        missing: (ids ?? listSamples(reg().project).map((s) => s.id)).filter(
          (id) => !having.some((h) => h.stored.id === id),
        ),
      }
      for (const s of having)
        out.samples.push(await sampleHistogram(s.stored.id, s.sample, variable, binning))
      return out
    },

    'data.correlation': async ({ sample: id, variables }) => {
      const sample = await reg().get(id)
      const vars = await derived()
      // File columns decoded together first (one read of the file); derived ones computed after.
      const inFile = sample.table.columns.filter((c) => variables.includes(c.name) && !c.jagged)
      await sample.table.load(inFile.map((c) => c.name))
      const flat: string[] = []
      const values: Column['values'][] = []
      const skipped: string[] = []
      for (const v of variables) {
        const col = await explorerColumn(sample, v, vars)
        if (!col) throw new ProjectError(`sample '${sample.spec.name}' has no variable '${v}'`)
        if (col.kind === 'jagged') skipped.push(v)
        else {
          flat.push(v)
          values.push(col.values)
        }
      }
      const { matrix, constant, events } = weightedCorrelation(values, sample.weights())
      return {
        sampleId: id,
        variables: flat,
        matrix,
        skipped,
        constant: flat.filter((_, a) => constant[a]),
        events,
      }
    },

    'data.hist2d': async (p) => {
      const sample = await reg().get(p.sample)
      const defs = await derived()
      const x = await flatColumn(sample, p.x, defs)
      const y = await flatColumn(sample, p.y, defs)
      const axis = (values: typeof x, bins: number, lo?: number, hi?: number) => {
        if (lo !== undefined && hi !== undefined && hi > lo) return { bins, lo, hi }
        const r = finiteRange({ kind: 'flat', type: 'float64', values })
        // Whole-number values (nMuon, a flag) get integer-centred bins, whatever `bins` says.
        return r ? defaultBinning(r.min, r.max, isIntegral(values), bins) : { bins, lo: 0, hi: 1 }
      }
      const xr = axis(x, p.xbins, p.xlo, p.xhi)
      const yr = axis(y, p.ybins, p.ylo, p.yhi)
      const h = fillHist2D(x, y, sample.weights(), xr, yr)
      const sumw: number[][] = []
      for (let ix = 0; ix < xr.bins; ix++)
        sumw.push(Array.from(h.sumw.subarray(ix * yr.bins, (ix + 1) * yr.bins)))
      const out: Hist2DResult = {
        sampleId: p.sample,
        x: p.x,
        y: p.y,
        xbins: xr.bins,
        xlo: xr.lo,
        xhi: xr.hi,
        ybins: yr.bins,
        ylo: yr.lo,
        yhi: yr.hi,
        sumw,
        inside: h.inside,
        outside: h.outside,
      }
      return out
    },

    'data.memory': () => memoryReport(reg()),

    'data.releaseMemory': () => {
      const r = reg()
      for (const s of listSamples(r.project)) r.openedNow(s.id)?.release()
      return memoryReport(r)
    },

    'data.getSettings': ({ prefix }) =>
      getSettings(env.requireProject(), prefix) as Result<'data.getSettings'>,

    'data.putSetting': ({ key, value }) => {
      putSetting(env.requireProject(), key, value)
      return null
    },

    'project.createDemo': async ({ path }) => ({ path: await createDemoProject(path) }),
  }
}

/** Normalisation factor of a stored sample. */
function safeScale(s: StoredSample): number {
  try {
    return normalisationScale(s.spec.normalisation, s.rawSumWeights)
  } catch {
    // Cannot happen for a stored sample (adding validates it); 0 shows "no yield" rather than fail.
    return 0
  }
}

async function memoryReport(r: SampleRegistry): Promise<Result<'data.memory'>> {
  const samples = listSamples(r.project).map((s) => {
    const loaded = r.openedNow(s.id)
    return {
      id: s.id,
      bytes: loaded?.memoryBytes() ?? 0,
      columns: loaded
        ? loaded.table.columns.filter((c) => loaded.table.isLoaded(c.name)).length
        : 0,
    }
  })
  return { samples, cacheBytes: await r.cache.sizeBytes(), cacheDir: r.cache.dir }
}
