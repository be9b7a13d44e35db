/**
 * The Fit view's methods: pyhf workspaces imported into the project, and fits, scans, CLs
 * limits, significance and rankings run as jobs on them (stats/), with every result stored.
 */
import { randomUUID } from 'node:crypto'
import { basename } from 'node:path'
import type {
  ChannelYields,
  FitMethodName,
  FitOutcome,
  FitSetup,
  LimitOutcome,
  ParameterResult,
  RankingOutcome,
  ScanOutcome,
  SignificanceOutcome,
  StoredResults,
  WorkspaceSummary,
} from '../../../shared/contract/fit'
import { finiteOrNull } from '../../../shared/contract/common'
import { InputError } from '../io/errors'
import { readJsonFile } from '../io/pyhf'
import type { JobContext } from '../jobs/context'
import { discoverySignificance } from '../stats/asymptotics'
import { fitLikelihood, type FitResult } from '../stats/fit'
import { fitReport } from '../stats/fit-report'
import { PYHF_CODES } from '../stats/interpolation'
import { Likelihood, asimovData, observedData, type Dataset } from '../stats/likelihood'
import { upperLimit, upperLimitScan } from '../stats/limit'
import { type Model, compileModel, requirePar } from '../stats/model'
import {
  applyJsonPatch,
  asPatchSets,
  compareSignalPoints,
  getPatch,
  parseJsonPatch,
  type JsonPatch,
} from '../stats/patch'
import { impacts, pulls } from '../stats/ranking'
import { linspace, profileScan } from '../stats/scan'
import { type Workspace, parseWorkspace } from '../stats/workspace'
import { prefitCovariance, sampleYields, totalError } from '../stats/yields'
import {
  type FitKind,
  deleteWorkspace,
  getWorkspace,
  insertResult,
  insertWorkspace,
  latestResult,
  listWorkspaces,
  type StoredWorkspace,
} from '../store/fits'
import type { Handlers, ServiceEnv } from './env'
import { fitBuildHandlers } from './fit-build'

/** The patches of a stored patchset value: one patchset, a list of them, or a plain JSON Patch. */
function patchesOf(value: unknown, source: string): { name: string; patch: () => JsonPatch }[] {
  if (value === null) return []
  const sets = asPatchSets(value)
  if (sets)
    return sets
      .flatMap((ps) =>
        ps.patches.map((p) => ({
          name: p.metadata.name,
          values: p.metadata.values,
          patch: () => getPatch(ps, p.metadata.name),
        })),
      )
      .sort(compareSignalPoints)
  const plain = parseJsonPatch(value)
  return [{ name: basename(source).replace(/\.json(\.gz)?$/, ''), patch: () => plain }]
}

function summarise(w: StoredWorkspace): WorkspaceSummary {
  const ws = parseWorkspace(w.workspace)
  return {
    id: w.id,
    name: w.name,
    source: w.source,
    createdAt: w.createdAt,
    measurements: ws.measurements.map((m) => ({ name: m.name, poi: m.config.poi })),
    channels: ws.channels.map((c) => ({
      name: c.name,
      bins: c.samples[0]?.data.length ?? 0,
      data: ws.observations.find((o) => o.name === c.name)?.data ?? [],
      samples: c.samples.map((s) => ({
        name: s.name,
        total: s.data.reduce((a, b) => a + b, 0),
        modifiers: s.modifiers.map((m) => ({ name: m.name, type: m.type })),
      })),
    })),
    patches: patchesOf(w.patchset, w.source ?? '').map((p) => p.name),
  }
}

/** A compiled setup: the model and the dataset to fit. */
interface Compiled {
  model: Model
  data: Dataset
}

/** The canonical key of what was fitted, so results can be found again for the same setup. */
export function setupKey(s: FitSetup): string {
  return JSON.stringify({
    w: s.workspaceId,
    p: s.patch,
    m: s.measurement ?? null,
    d: s.data,
    c: s.codes ?? null,
  })
}

export function fitHandlers(env: ServiceEnv): Handlers<FitMethodName> {
  // Compiling a large workspace with a patch takes a moment; keep the last few.
  const cache = new Map<string, Compiled>()

  function db() {
    return env.requireProject().database
  }

  function stored(id: string, database = db()): StoredWorkspace {
    const w = getWorkspace(database, id)
    if (!w) throw new Error(`no workspace with id ${id} in this project`)
    return w
  }

  /** The compiled model of `setup` from the workspace in `database` (the job's project). */
  function compile(setup: FitSetup, database: ReturnType<typeof db>): Compiled {
    const key = setupKey(setup)
    const hit = cache.get(key)
    if (hit) return hit
    const w = stored(setup.workspaceId, database)
    let json = w.workspace
    if (setup.patch !== null) {
      const p = patchesOf(w.patchset, w.source ?? '').find((x) => x.name === setup.patch)
      if (!p) throw new Error(`the workspace '${w.name}' has no patch '${setup.patch}'`)
      json = applyJsonPatch(json, p.patch())
    }
    const ws: Workspace = parseWorkspace(json)
    const model = compileModel(ws, {
      measurement: setup.measurement,
      codes: setup.codes ?? PYHF_CODES,
    })
    const data = setup.data === 'asimov' ? asimovData(model, model.init) : observedData(model)
    const compiled = { model, data }
    cache.set(key, compiled)
    if (cache.size > 4) cache.delete(cache.keys().next().value as string)
    return compiled
  }

  /** Runs `work` as a job and stores its outcome under `kind`. */
  function job<T extends { id: string }>(
    method: string,
    title: string,
    setup: FitSetup,
    kind: FitKind,
    work: (ctx: JobContext, c: Compiled) => Omit<T, 'id' | 'setup' | 'createdAt' | 'seconds'>,
  ): { jobId: string } {
    const project = env.requireProject()
    stored(setup.workspaceId)
    const jobId = env.jobs.start(method, title, setup, async (ctx) => {
      const t0 = performance.now()
      ctx.progress(0, 'compiling the model')
      const c = compile(setup, project.database)
      const body = work(ctx, c)
      const outcome = {
        ...body,
        id: randomUUID(),
        setup,
        createdAt: new Date().toISOString(),
        seconds: (performance.now() - t0) / 1000,
      }
      // Stored in the project the fit was started in, open in the window or not.
      insertResult(project.database, {
        id: outcome.id,
        workspaceId: setup.workspaceId,
        kind,
        setupKey: setupKey(setup),
        result: outcome,
        createdAt: outcome.createdAt,
      })
      ctx.stored('fit', outcome.id)
      return outcome
    })
    return { jobId }
  }

  function freeFit(ctx: JobContext, c: Compiled, lik = new Likelihood(c.model, c.data)): FitResult {
    ctx.progress(0.02, 'fitting')
    const best = fitLikelihood(lik, { hesse: true, ctx })
    ctx.throwIfCancelled()
    return best
  }

  function title(verb: string, setup: FitSetup): string {
    const w = stored(setup.workspaceId)
    return `${verb} ${w.name}${setup.patch ? ` (${setup.patch})` : ''}${setup.data === 'asimov' ? ', Asimov' : ''}`
  }

  return {
    ...fitBuildHandlers(env, summarise),
    'fit.import': async ({ path, patchset, name }) => {
      const project = env.requireProject()
      const workspace = await readJsonFile(path)
      parseWorkspace(workspace) // validated before anything is stored
      let patchJson: unknown = null
      if (patchset !== null) {
        patchJson = await readJsonFile(patchset)
        try {
          patchesOf(patchJson, patchset)
        } catch (e) {
          throw new InputError(
            { file: patchset },
            `not a pyhf patchset or JSON Patch: ${(e as Error).message}`,
          )
        }
      }
      const w: StoredWorkspace = {
        id: randomUUID(),
        name: name ?? basename(path).replace(/\.json(\.gz)?$/, ''),
        source: path,
        workspace,
        patchset: patchJson,
        createdAt: new Date().toISOString(),
      }
      insertWorkspace(project.database, w)
      return summarise(w)
    },

    'fit.workspaces': () => (env.project() ? listWorkspaces(db()).map(summarise) : []),

    'fit.remove': ({ workspaceId }) => {
      if (!deleteWorkspace(db(), workspaceId))
        throw new Error(`no workspace with id ${workspaceId}`)
      for (const k of cache.keys()) if (k.includes(workspaceId)) cache.delete(k)
      return null
    },

    'fit.results': (setup) => {
      const key = setupKey(setup)
      const get = <T>(kind: FitKind) => latestResult(db(), setup.workspaceId, kind, key) as T | null
      const r: StoredResults = {
        fit: get<FitOutcome>('fit'),
        scan: get<ScanOutcome>('scan'),
        limit: get<LimitOutcome>('limit'),
        significance: get<SignificanceOutcome>('significance'),
        ranking: get<RankingOutcome>('ranking'),
      }
      return r
    },

    'fit.fit': (params) => {
      const { minos: minosFor, ...setup } = params
      return job<FitOutcome>(
        'fit.fit',
        title('Fit', setup),
        setup,
        'fit',
        (ctx, { model, data }) => {
          const lik = new Likelihood(model, data)
          const { fit: best, report } = fitReport(lik, { minos: minosFor, ctx })
          ctx.progress(0.85, 'yields and uncertainties')
          const pullByName = new Map(pulls(model, best).map((p) => [p.name, p]))
          const parameters: ParameterResult[] = report.parameters.map((r, p) => {
            const set = model.paramSets.find((s) => p >= s.offset && p < s.offset + s.size)
            const pl = pullByName.get(r.name)
            return {
              name: r.name,
              kind: set?.kind ?? 'unknown',
              value: r.value,
              error: r.error,
              minos: r.minos ? [r.minos.lower, r.minos.upper] : null,
              init: model.init[p],
              lower: r.bounds[0],
              upper: r.bounds[1],
              fixed: r.fixed,
              atBound: r.atBound,
              pull: pl ? finiteOrNull(pl.pull) : null,
              constraint: pl ? finiteOrNull(pl.constraint) : null,
            }
          })
          const pre = sampleYields(model, model.init)
          const post = sampleYields(model, best.x)
          const preTotal = new Likelihood(model, data).expected(model.init)
          const postTotal = lik.expected(best.x)
          const preErr = totalError(
            new Likelihood(model, data),
            model.init,
            prefitCovariance(model),
          )
          const postErr = best.hesse
            ? totalError(lik, best.x, best.hesse.covariance)
            : new Float64Array(model.nbins).fill(NaN)
          const yields: ChannelYields[] = model.channels.map((ch) => {
            const sl = (a: ArrayLike<number>) =>
              Array.from(a).slice(ch.offset, ch.offset + ch.nbins)
            return {
              channel: ch.name,
              data: sl(data.main),
              samples: model.samples.flatMap((s, i) =>
                s.channel === ch.name ? [{ name: s.name, pre: sl(pre[i]), post: sl(post[i]) }] : [],
              ),
              preTotal: sl(preTotal),
              preError: sl(preErr),
              postTotal: sl(postTotal),
              postError: sl(postErr).map((v) => (Number.isFinite(v) ? v : 0)),
            }
          })
          return {
            converged: report.minimum.converged,
            message: report.minimum.message,
            twiceNll: report.twiceNll,
            edm: report.minimum.edm,
            hessianPositiveDefinite: report.minimum.hessianPositiveDefinite,
            clippedBins: report.clippedBins,
            poi: report.poi,
            parameters,
            correlation: report.correlation,
            covariance: report.covariance,
            minimum: report.minimum,
            yields,
            warnings: report.warnings,
          }
        },
      )
    },

    'fit.scan': (params) => {
      const { parameter, lo, hi, points, ...setup } = params
      return job<ScanOutcome>('fit.scan', title('Scan', setup), setup, 'scan', (ctx, c) => {
        const { model } = c
        const p = parameter ? requirePar(model, parameter) : model.poi
        if (p < 0) throw new Error('the model has no POI; choose the parameter to scan')
        const lik = new Likelihood(model, c.data)
        const best = freeFit(ctx, c, lik)
        const sigma = best.hesse?.errors[p]
        const width = sigma && Number.isFinite(sigma) && sigma > 0 ? 3 * sigma : 1
        const from = Math.max(lo ?? best.x[p] - width, model.lower[p])
        const to = Math.min(hi ?? best.x[p] + width, model.upper[p])
        const values = linspace(from, to, points)
        const r = profileScan(lik, best, p, values, { ctx })
        const crossing = (level: number): [number | null, number | null] => {
          const d = r.deltaTwiceNll
          let imin = 0
          for (let i = 1; i < d.length; i++) if (d[i] < d[imin]) imin = i
          let left: number | null = null
          let right: number | null = null
          for (let i = imin; i > 0; i--)
            if (d[i] <= level && d[i - 1] > level) {
              left = values[i] + ((level - d[i]) * (values[i - 1] - values[i])) / (d[i - 1] - d[i])
              break
            }
          for (let i = imin; i < d.length - 1; i++)
            if (d[i] <= level && d[i + 1] > level) {
              right = values[i] + ((level - d[i]) * (values[i + 1] - values[i])) / (d[i + 1] - d[i])
              break
            }
          return [left, right]
        }
        return {
          parameter: model.parNames[p],
          values,
          deltaTwiceNll: r.deltaTwiceNll.map(finiteOrNull),
          converged: r.converged,
          best: best.x[p],
          interval1: crossing(1),
          interval2: crossing(4),
        }
      })
    },

    'fit.limit': (params) => {
      const { cl, testStat, points, ...setup } = params
      return job<LimitOutcome>(
        'fit.limit',
        title('CLs limit', setup),
        setup,
        'limit',
        (ctx, { model, data }) => {
          const limit = upperLimit(model, data, { cl, testStat, ctx })
          ctx.throwIfCancelled()
          const finite = [limit.obs, ...limit.exp].filter((v) => Number.isFinite(v))
          const top = Math.min(model.upper[model.poi], 1.3 * Math.max(...finite, 1e-3))
          const grid = linspace(Math.max(0, model.lower[model.poi]), top, points)
          const scan = upperLimitScan(model, data, grid, { cl, testStat, ctx })
          return {
            cl,
            testStat,
            obs: finiteOrNull(limit.obs),
            exp: limit.exp.map(finiteOrNull),
            points: scan.points.map((pt) => ({
              mu: pt.mu,
              cls: finiteOrNull(pt.cls),
              clsExp: pt.clsExp.map(finiteOrNull),
            })),
            converged: limit.converged && scan.converged,
            warnings: [...new Set([...model.warnings, ...limit.warnings, ...scan.warnings])],
          }
        },
      )
    },

    'fit.significance': (setup) =>
      job<SignificanceOutcome>(
        'fit.significance',
        title('Significance', setup),
        setup,
        'significance',
        (ctx, { model, data }) => {
          const r = discoverySignificance(model, data, { ctx })
          return {
            zObs: finiteOrNull(r.zObs),
            pObs: finiteOrNull(r.pObs),
            zExp: finiteOrNull(r.zExp),
            pExp: finiteOrNull(r.pExp),
            infinite: { obs: r.zObs === Infinity, exp: r.zExp === Infinity },
            converged: r.converged,
            warnings: [...model.warnings, ...r.warnings],
          }
        },
      ),

    'fit.ranking': (setup) =>
      job<RankingOutcome>('fit.ranking', title('Ranking', setup), setup, 'ranking', (ctx, c) => {
        const { model } = c
        if (model.poi < 0) throw new Error('ranking needs a POI')
        const lik = new Likelihood(model, c.data)
        const best = freeFit(ctx, c, lik)
        const pullByName = new Map(pulls(model, best).map((p) => [p.name, p]))
        const list = impacts(lik, best, { ctx })
        return {
          poi: model.parNames[model.poi],
          impacts: list.map((i) => ({
            name: i.name,
            prefit: [finiteOrNull(i.prefit[0]), finiteOrNull(i.prefit[1])],
            postfit: [finiteOrNull(i.postfit[0]), finiteOrNull(i.postfit[1])],
            pull: finiteOrNull(pullByName.get(i.name)?.pull ?? NaN),
            constraint: finiteOrNull(pullByName.get(i.name)?.constraint ?? NaN),
          })),
        }
      }),
  }
}
