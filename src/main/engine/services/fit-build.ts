/**
 * Building a likelihood workspace from the project's regions and samples (fit.build) and
 * writing any stored workspace as pyhf JSON (fit.export). The histograms are filled with the
 * selection engine exactly as the Cuts view fills its N−1 plots (same cuts, same weights), then
 * stats/build-workspace.ts assembles the pyhf JSON, which is stored like an imported workspace
 * (source null), so every Fit view feature works on it. `buildFromSources` knows samples only as
 * BuildSource, so `hepwb build-workspace` runs the same code on an analysis spec's samples.
 */
import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import type {
  BuildRecipe,
  BuiltWorkspace,
  ChannelRecipe,
  FitMethodName,
  WorkspaceSummary,
} from '../../../shared/contract/fit'
import type { SampleHistogram } from '../../../shared/cutflow'
import { ExprError, requireScalar, type CheckedExpr } from '../../../shared/expr'
import { writeOutputFile } from '../io/output-file'
import type { LoadedSample } from '../samples/loaded-sample'
import { checkFor, prepareLoaded, sampleVariables } from '../samples/prepare'
import { compile } from '../select/compile'
import { CutCompiler } from '../select/cut-compiler'
import type { PreparedSample } from '../select/cutflow'
import type { CheckedVariables } from '../select/derived'
import { type Binning, sampleHistogram, selectionMask } from '../select/hist'
import { type ResolvedRegion, resolveRegions } from '../select/regions'
import { SpecError } from '../select/spec-error'
import {
  BuildError,
  type ChannelInput,
  type ChannelSample,
  type ShapeVariation,
  buildWorkspace,
} from '../stats/build-workspace'
import type { Workspace } from '../stats/workspace'
import { getWorkspace, insertWorkspace, type StoredWorkspace } from '../store/fits'
import { ProjectError } from '../store/project'
import { listRegions, listVariables } from '../store/regions'
import { listSamples } from '../store/samples'
import type { Handlers, ServiceEnv } from './env'

type Role = 'signal' | 'background' | 'data'

/**
 * A sample as the builder reads it: one of the project's (the Fit view) or of an analysis spec
 * file (the CLI). Only the columns the recipe's expressions read are decoded.
 */
export interface BuildSource {
  readonly name: string
  readonly role: Role
  /**
   * `expr` checked for this sample; `role` ('the observable', 'a cut', …) requires one value per
   * event. Throws ExprError (with the position) or SpecError.
   */
  check(expr: string, role: string): CheckedExpr
  /** The sample's events with what `exprs` read decoded, and the final weights. */
  prepare(exprs: readonly CheckedExpr[]): Promise<PreparedSample>
  /** Frees the decoded columns once the sample's histograms are filled. */
  release?(): void
}

/** A built workspace with where its data came from and what the user should know. */
export interface BuildOutcome {
  readonly workspace: Workspace
  readonly dataKind: Record<string, 'observed' | 'asimov'>
  readonly warnings: string[]
}

/** A channel of the recipe with its region resolved and its workspace name chosen. */
interface PlannedChannel {
  readonly index: number
  readonly name: string
  readonly recipe: ChannelRecipe
  readonly region: ResolvedRegion
  readonly binning: Binning
}

/** One sample's histograms: per channel the nominal, and per weight systematic up/down. */
interface SampleFill {
  readonly name: string
  readonly role: Role
  /** Channel index → histogram; absent where the sample is not used (data in a blinded region). */
  readonly nominal: Map<number, SampleHistogram>
  /** `${channel}/${systematic}` → [up, down] Σw per bin. */
  readonly weighted: Map<string, [number[], number[]]>
}

/** The channels of a recipe: regions resolved, ranges checked, names unique. */
function planChannels(recipe: BuildRecipe, regions: readonly ResolvedRegion[]): PlannedChannel[] {
  const byName = new Map(regions.map((r) => [r.name, r]))
  const count = new Map<string, number>()
  for (const c of recipe.channels) count.set(c.region, (count.get(c.region) ?? 0) + 1)
  const names = new Set<string>()
  return recipe.channels.map((c, index) => {
    const where = `channel ${index + 1}`
    const region = byName.get(c.region)
    if (!region) throw new BuildError(`${where}: no region named '${c.region}'`)
    if (!(Number.isFinite(c.lo) && Number.isFinite(c.hi) && c.lo < c.hi))
      throw new BuildError(
        `${where} ('${c.region}'): the range needs lo < hi, got [${c.lo}, ${c.hi})`,
      )
    // One channel per region; a region used twice is told apart by its observable.
    const name =
      (count.get(c.region) ?? 0) > 1
        ? `${c.region}_${c.observable.replace(/[^A-Za-z0-9_]+/g, '_')}`
        : c.region
    if (names.has(name))
      throw new BuildError(`${where}: region '${c.region}' with '${c.observable}' is there twice`)
    names.add(name)
    return { index, name, recipe: c, region, binning: { bins: c.bins, lo: c.lo, hi: c.hi } }
  })
}

/** `expr` checked for `source`, or a BuildError saying where it is used and at which position. */
function checkedIn(source: BuildSource, expr: string, role: string, where: string): CheckedExpr {
  try {
    return source.check(expr, role)
  } catch (e) {
    if (e instanceof ExprError || e instanceof SpecError)
      throw new BuildError(`${where}: ${e.message} (in sample '${source.name}')`)
    throw e
  }
}

/** Per-event weights of `prepared` times the per-event value of `ratio` (NaN where undefined). */
function reweighted(prepared: PreparedSample, ratio: CheckedExpr): Float64Array {
  const data = prepared.derive ? prepared.derive(prepared.data) : prepared.data
  const col = compile(ratio, data).evaluate(data)
  if (col.kind !== 'flat') throw new Error('a weight ratio must be one value per event')
  const w = prepared.weights
  const out = new Float64Array(data.entries)
  for (let i = 0; i < out.length; i++)
    out[i] = (typeof w === 'number' ? w : w[i]) * Number(col.values[i])
  return out
}

/** Fills one sample's histograms in every channel (and its weight variations). */
async function fillSample(
  source: BuildSource,
  channels: readonly PlannedChannel[],
  recipe: BuildRecipe,
): Promise<SampleFill> {
  const { name, role } = source
  const used = channels.filter((c) => !(role === 'data' && c.region.blinded))
  const observables = used.map((c) =>
    checkedIn(
      source,
      c.recipe.observable,
      'the observable',
      `channel ${c.index + 1} ('${c.region.name}'), observable '${c.recipe.observable}'`,
    ),
  )
  const cuts = used.flatMap((c) =>
    c.region.cuts.map((cut) =>
      checkedIn(source, cut.expr, 'a cut', `region '${c.region.name}', cut '${cut.label}'`),
    ),
  )
  const ratios = (role === 'data' ? [] : recipe.histosys).flatMap((h) =>
    h.kind === 'weights' && h.samples.includes(name)
      ? [
          {
            name: h.name,
            up: checkedIn(
              source,
              h.up,
              'a weight ratio',
              `shape systematic '${h.name}', up weight '${h.up}'`,
            ),
            down: checkedIn(
              source,
              h.down,
              'a weight ratio',
              `shape systematic '${h.name}', down weight '${h.down}'`,
            ),
          },
        ]
      : [],
  )
  const prepared = await source.prepare([
    ...observables,
    ...cuts,
    ...ratios.flatMap((r) => [r.up, r.down]),
  ])
  const variations = ratios.map((r) => ({
    name: r.name,
    up: { ...prepared, weights: reweighted(prepared, r.up) },
    down: { ...prepared, weights: reweighted(prepared, r.down) },
  }))
  const compiler = new CutCompiler()
  const nominal = new Map<number, SampleHistogram>()
  const weighted = new Map<string, [number[], number[]]>()
  used.forEach((c, k) => {
    try {
      const mask = selectionMask(prepared, c.region.cuts, compiler)
      nominal.set(c.index, sampleHistogram(prepared, observables[k], mask, c.binning))
      for (const v of variations)
        weighted.set(`${c.index}/${v.name}`, [
          sampleHistogram(v.up, observables[k], mask, c.binning).counts,
          sampleHistogram(v.down, observables[k], mask, c.binning).counts,
        ])
    } catch (e) {
      if (e instanceof SpecError || e instanceof ExprError) throw new BuildError(e.message)
      throw e
    }
  })
  source.release?.()
  return { name, role, nominal, weighted }
}

/** Checks that every sample the recipe names exists and is simulation. */
function checkSampleNames(recipe: BuildRecipe, roles: ReadonlyMap<string, Role>): void {
  const mc = (what: string, s: string) => {
    const role = roles.get(s)
    if (role === undefined) throw new BuildError(`${what}: no sample '${s}'`)
    if (role === 'data') throw new BuildError(`${what}: '${s}' is data, not simulation`)
  }
  for (const s of recipe.signal ?? []) mc('signal', s)
  for (const n of recipe.normsys)
    for (const s of n.samples) mc(`normalisation systematic '${n.name}'`, s)
  for (const h of recipe.histosys) {
    const what = `shape systematic '${h.name}'`
    for (const s of h.samples) mc(what, s)
    if (h.kind === 'samples') {
      mc(what, h.up)
      mc(what, h.down)
      if (h.samples.length !== 1)
        throw new BuildError(
          `${what}: up/down samples vary one nominal sample; it names ${h.samples.length}`,
        )
    }
  }
}

/**
 * Fills the recipe's histograms from `sources` (every sample: simulation, variations and data)
 * and assembles the workspace. Throws BuildError for anything wrong with the recipe.
 */
export async function buildFromSources(
  recipe: BuildRecipe,
  regions: readonly ResolvedRegion[],
  sources: readonly BuildSource[],
): Promise<BuildOutcome> {
  const channels = planChannels(recipe, regions)
  const roles = new Map(sources.map((s) => [s.name, s.role]))
  checkSampleNames(recipe, roles)
  const signal = new Set(
    recipe.signal ?? sources.filter((s) => s.role === 'signal').map((s) => s.name),
  )
  if (!signal.size)
    throw new BuildError(
      'no signal sample: give a sample the signal role, or choose the signal samples',
    )
  // Samples that are another sample's up/down variation are not processes of their own.
  const variationOnly = new Set(
    recipe.histosys.flatMap((h) => (h.kind === 'samples' ? [h.up, h.down] : [])),
  )
  for (const s of signal)
    if (variationOnly.has(s))
      throw new BuildError(`'${s}' is a shape variation; it cannot also be signal`)

  const fills: SampleFill[] = []
  for (const source of sources) fills.push(await fillSample(source, channels, recipe))
  const byName = new Map(fills.map((f) => [f.name, f]))

  const warnings: string[] = []
  const inputs: ChannelInput[] = channels.map((c) => {
    const { observable, lo, hi } = c.recipe
    const mc = fills.filter((f) => f.role !== 'data' && !variationOnly.has(f.name))
    const hist = (f: SampleFill) => f.nominal.get(c.index)!
    const inRange = mc.reduce((a, f) => a + hist(f).counts.reduce((x, y) => x + y, 0), 0)
    if (!(inRange !== 0))
      throw new BuildError(
        `channel ${c.index + 1}: region '${c.region.name}' selects no simulated events with ${observable} in [${lo}, ${hi})`,
      )
    const outside = mc.reduce((a, f) => a + hist(f).underflow + hist(f).overflow, 0)
    if (outside !== 0)
      warnings.push(
        `channel '${c.name}': simulated Σw ${outside.toPrecision(4)} (${((100 * outside) / (inRange + outside)).toFixed(1)} %) lies outside [${lo}, ${hi}) of ${observable} and is not counted`,
      )
    const samples: ChannelSample[] = mc.map((f) => {
      const histosys: ShapeVariation[] = recipe.histosys.flatMap((h) => {
        if (!h.samples.includes(f.name)) return []
        if (h.kind === 'samples')
          return [
            {
              name: h.name,
              up: hist(byName.get(h.up)!).counts,
              down: hist(byName.get(h.down)!).counts,
            },
          ]
        const [up, down] = f.weighted.get(`${c.index}/${h.name}`)!
        return [{ name: h.name, up, down }]
      })
      return {
        name: f.name,
        signal: signal.has(f.name),
        nominal: { sumw: hist(f).counts, sumw2: hist(f).sumw2 },
        histosys,
      }
    })
    const dataFills = c.region.blinded ? [] : fills.filter((f) => f.role === 'data')
    let data: number[] | null = null
    if (dataFills.length) {
      data = new Array<number>(c.binning.bins).fill(0)
      for (const f of dataFills) hist(f).counts.forEach((v, b) => (data![b] += v))
    }
    return { name: c.name, samples, data }
  })

  const built = buildWorkspace(inputs, {
    staterror: recipe.staterror,
    lumi: recipe.lumi ?? null,
    normsys: recipe.normsys,
  })
  return {
    workspace: built.workspace,
    dataKind: built.data,
    warnings: [...warnings, ...built.warnings],
  }
}

/** A project's sample as a build source (derived variables and applied models included). */
function projectSource(sample: LoadedSample, variables: CheckedVariables): BuildSource {
  return {
    name: sample.spec.name,
    role: sample.spec.role as Role,
    check(expr, role) {
      const r = checkFor(variables, expr, false)
      const s = r.ok ? requireScalar(r.value, role) : r
      if (!s.ok) throw s.error
      return s.value
    },
    prepare: (exprs) => prepareLoaded(sample, variables, exprs),
  }
}

export function fitBuildHandlers(
  env: ServiceEnv,
  summarise: (w: StoredWorkspace) => WorkspaceSummary,
): Handlers<Extract<FitMethodName, 'fit.build' | 'fit.export'>> {
  async function build(recipe: BuildRecipe): Promise<BuiltWorkspace> {
    // Bound to the project open now: the build awaits, and the window may switch meanwhile.
    const scope = env.scope()
    const project = scope.requireProject()
    const registry = scope.samples()
    const opened = await registry.all()
    // A sample that cannot be opened would silently change the model: refuse, saying why.
    for (const s of listSamples(project))
      if (!opened.some((o) => o.stored.id === s.id))
        throw new ProjectError(
          `sample '${s.spec.name}' cannot be opened: ${registry.problem(s.id) ?? 'unknown reason'}`,
        )
    const variables = listVariables(project)
    // Applied classifier outputs are variables too (observables, cuts, weight ratios).
    const computed = await scope.computedVariables()
    let outcome: BuildOutcome
    try {
      const regions = resolveRegions(listRegions(project))
      const sources = opened.map(({ sample }) =>
        projectSource(sample, sampleVariables(sample, variables, computed)),
      )
      outcome = await buildFromSources(recipe, regions, sources)
    } catch (e) {
      if (e instanceof SpecError || e instanceof BuildError) throw new ProjectError(e.message)
      throw e
    }
    const stored: StoredWorkspace = {
      id: randomUUID(),
      name: recipe.name,
      source: null,
      workspace: outcome.workspace,
      patchset: null,
      createdAt: new Date().toISOString(),
    }
    insertWorkspace(project.database, stored)
    return { ...summarise(stored), dataKind: outcome.dataKind, warnings: outcome.warnings }
  }

  return {
    'fit.build': (recipe) => build(recipe),
    'fit.export': ({ workspaceId, path, overwrite }) => {
      const w = getWorkspace(env.requireProject().database, workspaceId)
      if (!w) throw new ProjectError(`no workspace with id ${workspaceId} in this project`)
      const target = resolve(path)
      writeOutputFile(target, JSON.stringify(w.workspace, null, 2) + '\n', overwrite)
      return { path: target }
    },
  }
}
