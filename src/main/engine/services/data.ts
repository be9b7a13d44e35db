/**
 * The Data step's engine methods: samples (validated, stored in the project), and the variable
 * explorer (statistics, histograms, correlations, 2-D histograms), all computed here so only
 * bin contents cross the process boundary.
 */
import type { Result } from '../../../shared/api'
import type { DataMethodName, Hist2DResult, Sample } from '../../../shared/contract/data'
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
import { weightedCorrelation } from '../samples/correlation'
import { createDemoProject } from '../samples/demo'
import { defaultBinning, finiteRange, isIntegerVariable, sampleHistogram } from '../samples/explore'
import { fillHist2D } from '../samples/hist2d'
import { rangeOf, summarise, variableRows } from '../samples/variables'
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

  /** A flat column of a sample, or a clear error. */
  async function flatColumn(sample: LoadedSample, name: string) {
    if (!sample.table.has(name))
      throw new ProjectError(`sample '${sample.spec.name}' has no variable '${name}'`)
    const c = await sample.table.column(name)
    if (c.kind !== 'flat')
      throw new ProjectError(
        `'${name}' is a list per event; a 2-D histogram needs one value per event`,
      )
    return c.values
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

    'data.variables': async ({ samples: ids }) => variableRows(await chosen(ids)),

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
        async (ctx) => summarise(await chosen(ids, ctx), ctx),
      )
      if (!ids) summariseJob = { jobId, registry: r }
      return { jobId }
    },

    'data.histogram': async ({ variable, bins, lo, hi, samples: ids }) => {
      const list = await chosen(ids)
      const having = list.filter((s) => s.sample.table.has(variable))
      if (!having.length) throw new ProjectError(`no sample has a variable '${variable}'`)
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
      const flat: string[] = []
      const skipped: string[] = []
      for (const v of variables) {
        if (!sample.table.has(v))
          throw new ProjectError(`sample '${sample.spec.name}' has no variable '${v}'`)
        const info = sample.table.columns.find((c) => c.name === v)
        if (info?.jagged) skipped.push(v)
        else flat.push(v)
      }
      const cols = await sample.table.load(flat)
      const { matrix } = weightedCorrelation(
        flat.map((v) => cols.get(v)?.values ?? new Float64Array()),
        sample.weights(),
      )
      return { sampleId: id, variables: flat, matrix, skipped }
    },

    'data.hist2d': async (p) => {
      const sample = await reg().get(p.sample)
      const x = await flatColumn(sample, p.x)
      const y = await flatColumn(sample, p.y)
      const axis = (values: typeof x, bins: number, lo?: number, hi?: number) => {
        if (lo !== undefined && hi !== undefined && hi > lo) return { bins, lo, hi }
        const r = finiteRange({ kind: 'flat', type: 'float64', values })
        return r ? defaultBinning(r.min, r.max, false, bins) : { bins, lo: 0, hi: 1 }
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
