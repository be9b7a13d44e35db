/**
 * The "build a workspace" use case, written once for the Fit view (fit.build) and
 * `hepwb build-workspace`: from a recipe naming the source's regions (one channel each, an
 * observable and its binning) and the systematics, the channel histograms of every sample —
 * nominal, up/down weight variations, the samples that are another's up/down variation, and
 * data — are filled by the histogram use case (app/histogram.ts sampleHistograms: one pass over
 * each sample's partitions, merged in partition order), then stats/build-workspace.ts assembles
 * the pyhf JSON. Data are left out of blinded regions, which get Asimov data.
 */
import type { BuildRecipe, ChannelRecipe } from '../../../shared/contract/fit'
import type { SampleHistogram } from '../../../shared/cutflow'
import { ExprError, type CheckedExpr } from '../../../shared/expr'
import { silentContext, type JobContext } from '../jobs/context'
import type { SampleRole } from '../select/cutflow'
import type { Binning } from '../select/hist'
import { resolveRegions, type ResolvedRegion } from '../select/regions'
import { SpecError } from '../select/spec-error'
import {
  BuildError,
  buildWorkspace,
  type ChannelInput,
  type ChannelSample,
  type ShapeVariation,
} from '../stats/build-workspace'
import type { Workspace } from '../stats/workspace'
import { scaledContext } from './executor'
import { sampleHistograms, type HistogramFill } from './histogram'
import { fileColumns, type EventSource, type OpenedSample } from './source'

/** A built workspace with where its data came from and what the user should know. */
export interface BuildOutcome {
  readonly workspace: Workspace
  /** Per channel: its data observed, or the Asimov sum of the samples (blinded region). */
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
  readonly role: SampleRole
  /** Channel index → histogram; absent where the sample is not used (data in a blinded region). */
  readonly nominal: Map<number, SampleHistogram>
  /** `${channel}/${systematic}` → [up, down] Σw per bin. */
  readonly weighted: Map<string, [number[], number[]]>
}

/** A sample opened and its expressions checked, ready for its one pass over the events. */
interface PlannedSample {
  readonly sample: OpenedSample
  readonly fills: HistogramFill[]
  /** What each fill is: a channel's nominal, or a weight systematic's up or down. */
  readonly keys: { channel: number; systematic?: string; up?: boolean }[]
  readonly columns: string[]
}

/**
 * Fills the recipe's histograms from every sample of `source` (simulation, variations and data)
 * and assembles the workspace. Throws BuildError for anything wrong with the recipe (with the
 * channel, systematic and sample it concerns), SpecError for regions that do not resolve.
 */
export async function runBuildWorkspace(
  source: EventSource,
  recipe: BuildRecipe,
  ctx: JobContext = silentContext(),
): Promise<BuildOutcome> {
  const channels = planChannels(recipe, resolveRegions(source.regions()))
  const all = source.samples()
  const roles = new Map(all.map((s) => [s.name, s.role]))
  checkSampleNames(recipe, roles)
  const signal = new Set(recipe.signal ?? all.filter((s) => s.role === 'signal').map((s) => s.name))
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

  // Every sample opened and every expression checked first: a typo fails before any reading.
  const planned: PlannedSample[] = []
  for (let i = 0; i < all.length; i++)
    planned.push(planSample(await source.open(i, ctx), channels, recipe))
  const fills: SampleFill[] = []
  for (const [i, p] of planned.entries()) {
    const { name, role } = p.sample.sample
    const part = scaledContext(ctx, i / planned.length, 1 / planned.length, `sample ${name}`)
    let hists: SampleHistogram[]
    try {
      hists = await sampleHistograms(p.sample, p.fills, p.columns, part, source)
    } catch (e) {
      if (e instanceof SpecError || e instanceof ExprError) throw new BuildError(e.message)
      throw e
    } finally {
      p.sample.release()
    }
    const nominal = new Map<number, SampleHistogram>()
    const weighted = new Map<string, [number[], number[]]>()
    p.keys.forEach((k, j) => {
      if (k.systematic === undefined) return void nominal.set(k.channel, hists[j])
      const key = `${k.channel}/${k.systematic}`
      const pair = weighted.get(key) ?? [[], []]
      pair[k.up ? 0 : 1] = hists[j].counts
      weighted.set(key, pair)
    })
    fills.push({ name, role, nominal, weighted })
  }
  ctx.progress(1)
  return assemble(recipe, channels, fills, signal, variationOnly)
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

/** Checks that every sample the recipe names exists and is simulation. */
function checkSampleNames(recipe: BuildRecipe, roles: ReadonlyMap<string, SampleRole>): void {
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

/** `expr` checked for `sample`, or a BuildError saying where it is used and at which position. */
function checkedIn(sample: OpenedSample, expr: string, role: string, where: string): CheckedExpr {
  try {
    return sample.check(expr, [], role)
  } catch (e) {
    if (e instanceof ExprError || e instanceof SpecError)
      throw new BuildError(`${where}: ${e.message} (in sample '${sample.sample.name}')`)
    throw e
  }
}

/**
 * What one sample fills: per channel it is used in (not data in a blinded region) the nominal
 * histogram and, for each weight systematic on it, the up and down ones.
 */
function planSample(
  sample: OpenedSample,
  channels: readonly PlannedChannel[],
  recipe: BuildRecipe,
): PlannedSample {
  const { name, role } = sample.sample
  const used = channels.filter((c) => !(role === 'data' && c.region.blinded))
  const observables = used.map((c) =>
    checkedIn(
      sample,
      c.recipe.observable,
      'the observable',
      `channel ${c.index + 1} ('${c.region.name}'), observable '${c.recipe.observable}'`,
    ),
  )
  const cuts = used.flatMap((c) =>
    c.region.cuts.map((cut) =>
      checkedIn(sample, cut.expr, 'a cut', `region '${c.region.name}', cut '${cut.label}'`),
    ),
  )
  const ratios = (role === 'data' ? [] : recipe.histosys).flatMap((h) =>
    h.kind === 'weights' && h.samples.includes(name)
      ? [
          {
            name: h.name,
            up: checkedIn(
              sample,
              h.up,
              'a weight ratio',
              `shape systematic '${h.name}', up weight '${h.up}'`,
            ),
            down: checkedIn(
              sample,
              h.down,
              'a weight ratio',
              `shape systematic '${h.name}', down weight '${h.down}'`,
            ),
          },
        ]
      : [],
  )
  const fills: HistogramFill[] = []
  const keys: PlannedSample['keys'] = []
  used.forEach((c, k) => {
    const base = { values: observables[k], cuts: c.region.cuts, binning: c.binning }
    fills.push(base)
    keys.push({ channel: c.index })
    for (const r of ratios) {
      fills.push({ ...base, reweight: r.up }, { ...base, reweight: r.down })
      keys.push({ channel: c.index, systematic: r.name, up: true })
      keys.push({ channel: c.index, systematic: r.name, up: false })
    }
  })
  const columns = fileColumns(sample, [
    ...observables,
    ...cuts,
    ...ratios.flatMap((r) => [r.up, r.down]),
  ])
  return { sample, fills, keys, columns }
}

/** The channels' inputs from the filled histograms, assembled by stats/build-workspace.ts. */
function assemble(
  recipe: BuildRecipe,
  channels: readonly PlannedChannel[],
  fills: readonly SampleFill[],
  signal: ReadonlySet<string>,
  variationOnly: ReadonlySet<string>,
): BuildOutcome {
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
