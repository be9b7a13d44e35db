/**
 * Assembles a pyhf JSON workspace (schema 1.0.0) from filled histograms: one channel per
 * region, one sample per simulated process, a signal-strength normfactor on the signal
 * samples, and the systematics of the recipe. Pure: the histograms are filled elsewhere
 * (services/fit-build.ts); this only decides what the likelihood looks like.
 *
 * Conventions (those of pyhf and HistFactory):
 * - `staterror_<channel>` on every simulated sample, data = √Σw² per bin (absolute), so the
 *   model's γ_b has σ_b = √(Σ_s Σw²_sb) / Σ_s Σw_sb, the Barlow–Beeston-lite MC uncertainty;
 * - `normsys` factors multiply the nominal yield at α = ±1 (e.g. lo 0.9, hi 1.1 for ±10 %);
 * - `histosys` up/down histograms are the sample's yields at α = ±1;
 * - `lumi`: the histograms are already normalised to the luminosity, so the lumi parameter is
 *   1 ± σ/L (auxdata 1, sigma σ/L), bounds ±10σ as pyhf's XML import sets them.
 */
import { type Sample, type Workspace, WorkspaceError, parseWorkspace } from './workspace'
import { nameRecord } from '../../../shared/name-record'

/** A weighted histogram of the in-range bins: Σw and Σw² per bin (same length). */
export interface BinnedYield {
  readonly sumw: readonly number[]
  readonly sumw2: readonly number[]
}

/** A shape variation of one sample: its yields per bin at α = +1 (up) and α = −1 (down). */
export interface ShapeVariation {
  readonly name: string
  readonly up: readonly number[]
  readonly down: readonly number[]
}

/** A simulated process in one channel. */
export interface ChannelSample {
  readonly name: string
  /** Scaled by the POI. */
  readonly signal: boolean
  readonly nominal: BinnedYield
  readonly histosys: readonly ShapeVariation[]
}

export interface ChannelInput {
  readonly name: string
  /** Simulated samples, in stacking order. */
  readonly samples: readonly ChannelSample[]
  /** Observed counts per bin, or null: Asimov data (Σ of the samples, signal at μ = 1). */
  readonly data: readonly number[] | null
}

export interface NormSys {
  readonly name: string
  /** Names of the samples it applies to (in every channel where they appear). */
  readonly samples: readonly string[]
  /** Yield factors at α = −1 and α = +1 (> 0). */
  readonly lo: number
  readonly hi: number
}

export interface BuildOptions {
  /** Name of the POI's normfactor (default 'mu'). */
  readonly poi?: string
  readonly measurement?: string
  /** Adds `staterror_<channel>` to every sample (default true). */
  readonly staterror?: boolean
  /** Luminosity and its uncertainty, same unit (e.g. 139 and 2.4 fb⁻¹); absent: no lumi. */
  readonly lumi?: { readonly value: number; readonly sigma: number } | null
  readonly normsys?: readonly NormSys[]
}

export interface BuiltWorkspace {
  readonly workspace: Workspace
  /** Per channel: whether its data are observed or the Asimov sum of the samples. */
  readonly data: Record<string, 'observed' | 'asimov'>
  /** Things the user should know (samples left out for having no events, …). */
  readonly warnings: string[]
}

/** A user-facing problem with the recipe (unknown sample, bad factor, clashing names). */
export class BuildError extends Error {
  override name = 'BuildError'
}

function sameLength(what: string, n: number, got: readonly unknown[]): void {
  if (got.length !== n) throw new BuildError(`${what}: expected ${n} bins, got ${got.length}`)
}

/**
 * Builds and validates (parseWorkspace) the workspace. Samples whose nominal yield is zero in
 * every bin of a channel are left out of that channel (a warning says so): they carry no
 * information and a zero sample under a free normfactor makes the fit degenerate.
 */
export function buildWorkspace(
  channels: readonly ChannelInput[],
  options: BuildOptions = {},
): BuiltWorkspace {
  const poi = options.poi ?? 'mu'
  const staterror = options.staterror ?? true
  const normsys = options.normsys ?? []
  const lumi = options.lumi ?? null
  const warnings: string[] = []
  if (!channels.length) throw new BuildError('a workspace needs at least one channel')

  const reserved = new Set([poi, ...(lumi ? ['lumi'] : [])])
  if (staterror) for (const c of channels) reserved.add(`staterror_${c.name}`)
  const known = new Set(channels.flatMap((c) => c.samples.map((s) => s.name)))
  for (const ns of normsys) {
    if (!ns.name.trim()) throw new BuildError('a normalisation systematic needs a name')
    if (reserved.has(ns.name))
      throw new BuildError(`normalisation systematic '${ns.name}': the name is taken`)
    if (!(ns.lo > 0 && ns.hi > 0 && Number.isFinite(ns.lo) && Number.isFinite(ns.hi)))
      throw new BuildError(
        `normalisation systematic '${ns.name}': factors must be > 0, got lo ${ns.lo}, hi ${ns.hi}`,
      )
    if (!ns.samples.length)
      throw new BuildError(`normalisation systematic '${ns.name}' applies to no sample`)
    for (const s of ns.samples)
      if (!known.has(s))
        throw new BuildError(`normalisation systematic '${ns.name}': no sample '${s}'`)
  }
  for (const c of channels)
    for (const s of c.samples)
      for (const h of s.histosys)
        if (reserved.has(h.name))
          throw new BuildError(`shape systematic '${h.name}': the name is taken`)
  if (lumi && !(lumi.value > 0 && lumi.sigma > 0))
    throw new BuildError(
      `luminosity: value and uncertainty must be > 0, got ${lumi.value} ± ${lumi.sigma}`,
    )

  const data = nameRecord<'observed' | 'asimov'>()
  let signalYield = 0
  const wsChannels = channels.map((ch) => {
    const nb = ch.samples[0]?.nominal.sumw.length ?? ch.data?.length ?? 0
    if (nb === 0) throw new BuildError(`channel '${ch.name}' has no bins`)
    const samples: Sample[] = []
    for (const s of ch.samples) {
      const where = `channel '${ch.name}', sample '${s.name}'`
      sameLength(where, nb, s.nominal.sumw)
      sameLength(where, nb, s.nominal.sumw2)
      if (s.nominal.sumw.every((v) => v === 0)) {
        warnings.push(`${where}: no events in range; left out`)
        continue
      }
      if (s.signal) signalYield += s.nominal.sumw.reduce((a, b) => a + b, 0)
      const modifiers: Sample['modifiers'] = []
      if (s.signal) modifiers.push({ name: poi, type: 'normfactor', data: null })
      if (lumi) modifiers.push({ name: 'lumi', type: 'lumi', data: null })
      for (const ns of normsys)
        if (ns.samples.includes(s.name))
          modifiers.push({ name: ns.name, type: 'normsys', data: { hi: ns.hi, lo: ns.lo } })
      for (const h of s.histosys) {
        sameLength(`${where}, shape systematic '${h.name}' up`, nb, h.up)
        sameLength(`${where}, shape systematic '${h.name}' down`, nb, h.down)
        modifiers.push({
          name: h.name,
          type: 'histosys',
          data: { hi_data: [...h.up], lo_data: [...h.down] },
        })
      }
      if (staterror)
        modifiers.push({
          name: `staterror_${ch.name}`,
          type: 'staterror',
          data: s.nominal.sumw2.map((v) => Math.sqrt(Math.max(v, 0))),
        })
      samples.push({ name: s.name, data: [...s.nominal.sumw], modifiers })
    }
    if (!samples.length) throw new BuildError(`channel '${ch.name}': no simulated events in range`)
    data[ch.name] = ch.data ? 'observed' : 'asimov'
    return { name: ch.name, samples }
  })
  if (!(signalYield > 0))
    throw new BuildError(
      'the signal samples have no events in range in any channel: nothing to measure',
    )

  const observations = channels.map((ch, i) => {
    if (ch.data) {
      sameLength(`channel '${ch.name}', data`, wsChannels[i].samples[0].data.length, ch.data)
      return { name: ch.name, data: [...ch.data] }
    }
    const nb = wsChannels[i].samples[0].data.length
    const sum = new Array<number>(nb).fill(0)
    for (const s of wsChannels[i].samples) for (let b = 0; b < nb; b++) sum[b] += s.data[b]
    return { name: ch.name, data: sum.map((v) => Math.max(v, 0)) }
  })

  const parameters = lumi
    ? [
        {
          name: 'lumi',
          auxdata: [1],
          sigmas: [lumi.sigma / lumi.value],
          inits: [1],
          bounds: [
            [
              Math.max(0, 1 - (10 * lumi.sigma) / lumi.value),
              1 + (10 * lumi.sigma) / lumi.value,
            ] as [number, number],
          ],
        },
      ]
    : []
  const workspace = {
    channels: wsChannels,
    observations,
    measurements: [{ name: options.measurement ?? 'meas', config: { poi, parameters } }],
    version: '1.0.0' as const,
  }
  try {
    return { workspace: parseWorkspace(workspace), data, warnings }
  } catch (e) {
    if (e instanceof WorkspaceError)
      throw new BuildError(`the built workspace is invalid: ${e.message}`)
    throw e
  }
}
