/**
 * The Data step's engine methods: samples (validated, stored in the project), and the variable
 * explorer (statistics, histograms, correlations, 2-D histograms), all computed here so only
 * bin contents cross the process boundary.
 */
import { finiteOrNull } from '../../../shared/contract/common'
import type { Result } from '../../../shared/api'
import type {
  DataMethodName,
  Hist2DResult,
  Sample,
  SampleHistogram,
  VariableStats,
} from '../../../shared/contract/data'
import { runCorrelation } from '../app/correlation'
import { runHistograms } from '../app/histogram'
import { runHist2D } from '../app/hist2d'
import type { EventSource } from '../app/source'
import { runSampleStatistics, runStatistics, type SampleStatistics } from '../app/statistics'
import type { Hist1D } from '../data/histogram'
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
import { createDemoProject } from '../samples/demo'
import { defaultBinning, isIntegerVariable } from '../samples/explore'
import {
  derivedRows,
  summarise,
  summariseDerived,
  unreadableColumns,
  variableRows,
  type StatisticsOf,
} from '../samples/variables'
import type { Definitions } from '../samples/derived-columns'
import { listVariables } from '../store/regions'
import type { LoadedSample } from '../samples/loaded-sample'
import { SampleRegistry } from '../samples/registry'
import { normalisationScale } from '../samples/weights'
import type { Binning } from '../select/hist'
import { projectSource } from './project-source'
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

  /**
   * The explorer's table rows of one sample's variables (file columns, derived variables and
   * model outputs by name), from one pass of the statistics use case.
   */
  const tableStatistics =
    (events: EventSource): StatisticsOf =>
    async ({ stored, sample }, names, ctx) => {
      const values = names.map((column) => ({ column }))
      const stats = await runSampleStatistics(events, { sample: stored.spec.name, values }, ctx)
      return stats.map((s, i) =>
        tableRow(s, sample.table.has(names[i]) ? (sample.table.missingCount(names[i]) ?? 0) : 0),
      )
    }

  /**
   * The project as the explorer's event source: its samples as the registry holds them; one
   * whose column clashes with a derived variable still shows its file columns.
   */
  const source = async (ctx?: JobContext) =>
    projectSource(reg(), await env.computedVariables(), { fileColumnsFirst: true }, ctx)

  /**
   * The default binning of a variable over samples `list` (its finite min–max; one bin per
   * value for whole numbers): from the statistics already known where every sample has them,
   * else from a statistics pass. `file`: the samples hold it as a file column, integers by
   * their type; a computed variable is integral when every finite value is whole.
   */
  async function defaultRange(
    events: EventSource,
    list: readonly { stored: StoredSample; sample: LoadedSample }[],
    variable: string,
    bins: number | undefined,
    file: boolean,
  ): Promise<Binning> {
    let min = Infinity
    let max = -Infinity
    const todo: string[] = []
    for (const { stored, sample } of list) {
      const known = file ? sample.knownStats(variable) : undefined
      if (known && known.min !== null && known.max !== null) {
        min = Math.min(min, known.min)
        max = Math.max(max, known.max)
      } else todo.push(stored.spec.name)
    }
    let integral = todo.length > 0
    if (todo.length) {
      const stats = Object.values(
        (await runStatistics(events, { column: variable, samples: todo, skipUnusable: true }))
          .samples,
      )
      for (const s of stats) {
        integral &&= s.integral
        if (!(s.finiteMin <= s.finiteMax)) continue
        min = Math.min(min, s.finiteMin)
        max = Math.max(max, s.finiteMax)
      }
      integral &&= stats.length > 0
    }
    const integer =
      bins === undefined &&
      (file
        ? isIntegerVariable(
            list.map((s) => s.sample),
            variable,
          )
        : integral)
    return min <= max
      ? defaultBinning(min, max, integer, bins ?? 40)
      : { bins: bins ?? 40, lo: 0, hi: 1 }
  }

  /**
   * The axes of a 2-D histogram: as given, else each variable's range in the sample (one
   * statistics pass over both when neither is given).
   */
  async function axes(
    events: EventSource,
    sample: string,
    p: { x: string; y: string; xbins: number; ybins: number } & Partial<
      Record<'xlo' | 'xhi' | 'ylo' | 'yhi', number>
    >,
  ): Promise<[Binning, Binning]> {
    const given = (bins: number, lo?: number, hi?: number) =>
      lo !== undefined && hi !== undefined && hi > lo ? { bins, lo, hi } : null
    const axes = [given(p.xbins, p.xlo, p.xhi), given(p.ybins, p.ylo, p.yhi)]
    const todo = ([p.x, p.y] as const).filter((_, k) => !axes[k])
    const stats = todo.length
      ? await runSampleStatistics(events, { sample, values: todo.map((column) => ({ column })) })
      : []
    return ([0, 1] as const).map((k) => {
      const bins = k ? p.ybins : p.xbins
      const s = axes[k] ? undefined : stats.shift()
      if (!s) return axes[k] as Binning
      // Whole-number values (nMuon, a flag) get integer-centred bins, whatever `bins` says.
      return s.finiteMin <= s.finiteMax
        ? defaultBinning(s.finiteMin, s.finiteMax, s.integral, bins)
        : { bins, lo: 0, hi: 1 }
    }) as [Binning, Binning]
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
          const statistics = tableStatistics(await source(ctx))
          const out = await summarise(list, statistics, ctx)
          const defs = await derived()
          await summariseDerived(list, defs, statistics, ctx)
          const names = new Set([...defs.variables, ...defs.computed].map((v) => v.name))
          return { ...out, variables: out.variables + names.size }
        },
      )
      if (!ids) summariseJob = { jobId, registry: r }
      return { jobId }
    },

    'data.histogram': async ({ variable, bins, lo, hi, samples: ids }) => {
      const list = await chosen(ids)
      // A file column is that column where a file has it (the explorer's row is the file's);
      // only when no file has it is it a derived variable or a model output.
      const inFiles = list.filter((s) => s.sample.table.has(variable))
      const candidates = inFiles.length ? inFiles : list
      const events = await source()
      const binning =
        lo !== undefined && hi !== undefined
          ? { bins: bins ?? 40, lo, hi }
          : await defaultRange(events, candidates, variable, bins, inFiles.length > 0)
      const run = await runHistograms(events, {
        column: variable,
        binning,
        samples: candidates.map((s) => s.stored.spec.name),
        skipUnusable: true,
      })
      if (!run.samples.size) throw new ProjectError(`no sample has a variable '${variable}'`)
      const filled = candidates.filter((s) => run.samples.has(s.stored.spec.name))
      return {
        variable,
        ...binning,
        samples: filled.map((s) =>
          explorerHistogram(s.stored.id, run.samples.get(s.stored.spec.name) as Hist1D),
        ),
        // Samples without the variable, and those that cannot be read now.
        missing: (ids ?? listSamples(reg().project).map((s) => s.id)).filter(
          (id) => !filled.some((h) => h.stored.id === id),
        ),
      }
    },

    'data.correlation': async ({ sample: id, variables }) => {
      // Opened first: a sample that cannot be read says why.
      const { spec } = await reg().get(id)
      const r = await runCorrelation(await source(), {
        sample: spec.name,
        values: variables.map((column) => ({ column })),
      })
      return {
        sampleId: id,
        variables: r.variables,
        matrix: r.matrix,
        skipped: r.skipped,
        constant: r.constant,
        events: r.events,
      }
    },

    'data.hist2d': async (p) => {
      const { spec } = await reg().get(p.sample)
      const events = await source()
      const [xr, yr] = await axes(events, spec.name, p)
      const h = await runHist2D(events, {
        sample: spec.name,
        x: { column: p.x },
        y: { column: p.y },
        xbins: xr,
        ybins: yr,
      })
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

/** A sample's histogram as the explorer shows it: bins, flows with their Σw², counts. */
function explorerHistogram(sampleId: string, h: Hist1D): SampleHistogram {
  const last = h.bins + 1
  return {
    sampleId,
    sumw: Array.from(h.sumw.subarray(1, last)),
    sumw2: Array.from(h.sumw2.subarray(1, last)),
    underflow: { sumw: h.sumw[0], sumw2: h.sumw2[0] },
    overflow: { sumw: h.sumw[last], sumw2: h.sumw2[last] },
    entries: h.entries,
    nan: h.nan,
  }
}

/**
 * A row of the explorer's statistics table: weighted mean and spread (weights × normalisation),
 * extremes, counts; `missing`: of the NaN, how many were the sample's missing-value marker.
 */
function tableRow(s: SampleStatistics, missing: number): VariableStats {
  const scale = Math.max(Math.abs(s.min), Math.abs(s.max))
  const std = s.weightedStd
  return {
    count: s.count,
    nan: s.nan,
    missing,
    mean: finiteOrNull(s.weightedMean),
    // A constant column's spread is rounding noise (1e-16 relative per term): report 0.
    std: finiteOrNull(s.min === s.max ? 0 : std < 1e-12 * scale ? 0 : std),
    min: finiteOrNull(s.min),
    max: finiteOrNull(s.max),
    sumw: s.sumw,
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
