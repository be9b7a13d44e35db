/**
 * The project's selected events as INFERNO reads them: raw inputs (row-major n × d), the sample
 * and role of each event, a seeded train / validation / test split, and weights scaled per part
 * so that each part's Σw per sample equals the sample's whole expected yield in the region
 * (templates from any part then estimate the full expected counts). Nuisances are resolved to
 * per-sample masks, the input a transform moves, and per-event up / down weight factors. The
 * events of variation samples (a `samples` nuisance's up and down) follow the nominal events in
 * the same arrays, marked by `variation`; they belong to no process (rowsOf leaves them out).
 */
import type { InfernoNuisance, InfernoProjectConfig } from '../../../../shared/contract/inferno'
import { Random } from '../../data/random'
import type { SelectedEvents } from '../build-dataset'

export const PARTS = { train: 0, validation: 1, test: 2 } as const

/** A nuisance with what it needs per event. */
export type ResolvedNuisance =
  | {
      readonly kind: 'transform'
      readonly name: string
      readonly affects: Uint8Array
      readonly input: number
      readonly mode: 'shift' | 'scale'
      readonly delta: number
      readonly free: boolean
    }
  | {
      readonly kind: 'weight'
      readonly name: string
      readonly affects: Uint8Array
      /** Per-event weight factors of the up and down templates. */
      readonly up: Float64Array
      readonly down: Float64Array
      readonly interpolation: 'code0' | 'code4p'
    }
  | {
      readonly kind: 'norm'
      readonly name: string
      readonly affects: Uint8Array
      readonly width: number | null
    }
  | {
      readonly kind: 'samples'
      readonly name: string
      /** The nominal sample's events. */
      readonly affects: Uint8Array
      /** Index of the nominal sample (in `samples`) whose events the up / down samples replace. */
      readonly sample: number
      readonly interpolation: 'code0' | 'code4p'
    }

export interface ProjectEvents {
  readonly dim: number
  readonly inputs: readonly string[]
  readonly samples: readonly { name: string; role: 'signal' | 'background' }[]
  /** Raw inputs, n × dim. */
  readonly x: Float32Array
  readonly sample: Int32Array
  readonly signal: Uint8Array
  readonly part: Uint8Array
  /** Physical weight × (sample yield / sample Σw in the event's part). */
  readonly weight: Float64Array
  /**
   * 0 for a nominal event; for an event of a variation sample, ±(a + 1) with a the index of its
   * `samples` nuisance and the sign of the variation (+ up, − down). `sample` and `signal` of
   * such an event are those of the nominal sample it varies.
   */
  readonly variation: Int16Array
  readonly nuisances: readonly ResolvedNuisance[]
  /** Expected Σw of signal and background (all parts). */
  readonly yields: { signal: number; background: number }
  readonly warnings: string[]
}

export class InfernoSetupError extends Error {}

/** Expressions evaluated per event beside the inputs: each weight nuisance's up and down factor. */
export function extraExpressions(nuisances: readonly InfernoNuisance[]): string[] {
  return nuisances.flatMap((n) => (n.kind === 'weight' ? [n.up, n.down] : []))
}

/** Names of the samples that are a `samples` nuisance's up or down (not processes). */
export function variationSampleNames(nuisances: readonly InfernoNuisance[]): string[] {
  return [...new Set(nuisances.flatMap((n) => (n.kind === 'samples' ? [n.up, n.down] : [])))]
}

/**
 * Assembles the events. `selected` were read with inputs = [...config.inputs,
 * ...extraExpressions(config.nuisances)], signal samples first; `variations` likewise, one per
 * name of variationSampleNames (any order).
 */
export function projectEvents(
  selected: readonly SelectedEvents[],
  config: InfernoProjectConfig,
  variations: readonly SelectedEvents[] = [],
): ProjectEvents {
  const dim = config.inputs.length
  const o = config.options
  const warnings: string[] = []
  const samples = selected.map((s) => ({ name: s.name, role: s.role }))
  const nuis = config.nuisances
  checkNuisanceNames(nuis)
  // Where events come from: the nominal samples, then each `samples` nuisance's up and down.
  const sources = projectSources(samples, nuis).map(({ name, sample, variation }) => {
    if (variation === 0) return { s: selected[sample], sample, variation }
    const nu = nuis[Math.abs(variation) - 1]
    const v = variations.find((x) => x.name === name)
    if (!v) throw new InfernoSetupError(`nuisance '${nu.name}': no sample '${name}' was read`)
    if (!v.weight.length) throw emptyTemplate(nu.name, name)
    return { s: v, sample, variation }
  })
  // Events with a non-finite input are left out (the network cannot read them).
  const keep = sources.map(({ s }) => {
    const m = new Uint8Array(s.weight.length)
    let dropped = 0
    for (let i = 0; i < m.length; i++) {
      let ok = Number.isFinite(s.weight[i])
      for (let c = 0; c < s.columns.length && ok; c++) ok = Number.isFinite(s.columns[c][i])
      m[i] = ok ? 1 : 0
      if (!ok) dropped++
    }
    if (dropped) warnings.push(`${dropped} events of '${s.name}' with an undefined input left out`)
    return m
  })
  const n = keep.reduce((a, m) => a + m.reduce((x, y) => x + y, 0), 0)
  const x = new Float32Array(n * dim)
  const sample = new Int32Array(n)
  const source = new Int32Array(n)
  const signal = new Uint8Array(n)
  const part = new Uint8Array(n)
  const weight = new Float64Array(n)
  const variation = new Int16Array(n)
  const extras = extraExpressions(nuis).map(() => new Float64Array(n))
  const rng = new Random(o.seed * 7919 + 13)
  let k = 0
  sources.forEach(({ s, sample: si, variation: v }, src) => {
    for (let i = 0; i < s.weight.length; i++) {
      if (!keep[src][i]) continue
      for (let c = 0; c < dim; c++) x[k * dim + c] = s.columns[c][i]
      extras.forEach((e, j) => (e[k] = s.columns[dim + j][i]))
      sample[k] = si
      source[k] = src
      signal[k] = samples[si].role === 'signal' ? 1 : 0
      weight[k] = s.weight[i]
      variation[k] = v
      part[k] = drawProjectPart(rng, o)
      k++
    }
  })
  // Per source (sample or variation sample) and part: scale so the part's Σw is its yield.
  const total = new Float64Array(sources.length)
  const byPart = new Float64Array(sources.length * 3)
  for (let i = 0; i < n; i++) {
    total[source[i]] += weight[i]
    byPart[source[i] * 3 + part[i]] += weight[i]
  }
  for (let i = 0; i < n; i++) {
    const d = byPart[source[i] * 3 + part[i]]
    weight[i] = d !== 0 ? (weight[i] * total[source[i]]) / d : 0
  }
  const yields = { signal: 0, background: 0 }
  samples.forEach((s, i) => (yields[s.role] += total[i]))
  checkYields(yields)
  const nuisances = resolveNuisances(config, samples, sample, variation, extras)
  const counts = [0, 1, 2].map(() => ({ signal: 0, background: 0 }))
  for (let i = 0; i < n; i++)
    if (variation[i] === 0) counts[part[i]][signal[i] ? 'signal' : 'background']++
  checkSplit(counts)
  return {
    dim,
    inputs: [...config.inputs],
    samples,
    x,
    sample,
    signal,
    part,
    weight,
    variation,
    nuisances,
    yields,
    warnings,
  }
}

/** The part of the next event of INFERNO's split: one uniform number against the fractions. */
export function drawProjectPart(rng: Random, o: { test: number; validation: number }): number {
  const u = rng.uniform()
  return u < o.test ? PARTS.test : u < o.test + o.validation ? PARTS.validation : PARTS.train
}

/** Throws for a nuisance name used twice or named 'mu'. */
export function checkNuisanceNames(nuis: readonly InfernoNuisance[]): void {
  const seen = new Set<string>()
  for (const n of nuis) {
    if (seen.has(n.name)) throw new InfernoSetupError(`nuisance '${n.name}' is defined twice`)
    if (n.name === 'mu')
      throw new InfernoSetupError(`'mu' is the signal strength; rename the nuisance`)
    seen.add(n.name)
  }
}

/** One source of events: a sample read, the nominal sample it stands for, its variation. */
export interface ProjectSource {
  /** The sample read (a process, or a `samples` nuisance's up or down sample). */
  readonly name: string
  /** Index of the nominal sample (in `samples`). */
  readonly sample: number
  /** 0 nominal; ±(a + 1) for nuisance a's up (+) or down (−) sample. */
  readonly variation: number
}

/**
 * Where events come from, in the order they are drawn: the nominal samples, then each
 * `samples` nuisance's up and down. Throws when a nuisance's nominal sample is not chosen.
 */
export function projectSources(
  samples: readonly { name: string }[],
  nuis: readonly InfernoNuisance[],
): ProjectSource[] {
  const out: ProjectSource[] = samples.map((s, sample) => ({ name: s.name, sample, variation: 0 }))
  nuis.forEach((nu, a) => {
    if (nu.kind !== 'samples') return
    const nominal = samples.findIndex((x) => x.name === nu.samples[0])
    if (nominal < 0)
      throw new InfernoSetupError(
        `nuisance '${nu.name}': sample '${nu.samples[0]}' is not among the chosen signal and background samples`,
      )
    out.push({ name: nu.up, sample: nominal, variation: a + 1 })
    out.push({ name: nu.down, sample: nominal, variation: -(a + 1) })
  })
  return out
}

/** The error of a variation sample without events in the region. */
export function emptyTemplate(nuisance: string, sample: string): InfernoSetupError {
  return new InfernoSetupError(
    `nuisance '${nuisance}': sample '${sample}' has no events in this region (an empty template)`,
  )
}

/** Throws unless signal and background both have expected events. */
export function checkYields(yields: { signal: number; background: number }): void {
  if (!(yields.signal > 0))
    throw new InfernoSetupError('the signal has no expected events (Σw ≤ 0) in this region')
  if (!(yields.background > 0))
    throw new InfernoSetupError('the background has no expected events (Σw ≤ 0) in this region')
}

/** Throws unless every part (train, validation, test) has ≥ 2 nominal events of each class. */
export function checkSplit(counts: readonly { signal: number; background: number }[]): void {
  for (const { signal: s, background: b } of counts)
    if (s < 2 || b < 2)
      throw new InfernoSetupError(
        `too few events to split: ${s} signal and ${b} background in one part (need ≥ 2 each)`,
      )
}

/**
 * The nuisances of `config` for events of nominal samples `sample` and variations `variation`
 * (per event); `extras`: each weight nuisance's up and down factor per event, in order.
 */
export function resolveNuisances(
  config: InfernoProjectConfig,
  samples: readonly { name: string }[],
  sample: Int32Array,
  variation: Int16Array,
  extras: readonly Float64Array[],
): ResolvedNuisance[] {
  const n = sample.length
  const S = samples.length
  let extra = 0
  return config.nuisances.map((nu) => {
    const names = nu.samples.length ? nu.samples : samples.map((s) => s.name)
    const bySample = new Uint8Array(S)
    for (const name of names) {
      const j = samples.findIndex((s) => s.name === name)
      if (j < 0)
        throw new InfernoSetupError(
          `nuisance '${nu.name}': sample '${name}' is not among the chosen signal and background samples`,
        )
      bySample[j] = 1
    }
    const affects = new Uint8Array(n)
    for (let i = 0; i < n; i++) affects[i] = variation[i] === 0 ? bySample[sample[i]] : 0
    if (nu.kind === 'transform') {
      const input = config.inputs.indexOf(nu.input)
      if (input < 0)
        throw new InfernoSetupError(
          `nuisance '${nu.name}': '${nu.input}' is not one of the inputs (${config.inputs.join(', ')})`,
        )
      return {
        kind: 'transform',
        name: nu.name,
        affects,
        input,
        mode: nu.mode,
        delta: nu.delta,
        free: nu.free,
      }
    }
    if (nu.kind === 'weight') {
      const up = extras[extra++]
      const down = extras[extra++]
      return { kind: 'weight', name: nu.name, affects, up, down, interpolation: nu.interpolation }
    }
    if (nu.kind === 'samples')
      return {
        kind: 'samples',
        name: nu.name,
        affects,
        sample: bySample.indexOf(1),
        interpolation: nu.interpolation,
      }
    return { kind: 'norm', name: nu.name, affects, width: nu.width }
  })
}

/** Copy of rows `rows` of raw x with a transform nuisance applied at θ (units of δ). */
export function transformedRows(
  ev: ProjectEvents,
  rows: ArrayLike<number>,
  nu: Extract<ResolvedNuisance, { kind: 'transform' }> | null,
  theta: number,
): Float32Array {
  const d = ev.dim
  const out = new Float32Array(rows.length * d)
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]
    out.set(ev.x.subarray(i * d, i * d + d), r * d)
    if (nu && nu.affects[i]) {
      const v = out[r * d + nu.input]
      out[r * d + nu.input] =
        nu.mode === 'shift' ? v + theta * nu.delta : v * (1 + theta * nu.delta)
    }
  }
  return out
}

/** Standardisation fitted on the training rows (generic width). */
export interface Scaler {
  readonly mean: Float64Array
  readonly sd: Float64Array
}

/**
 * Means and σ of the nominal training events' inputs, summed event after event (in memory
 * over all events, streamed chunk after chunk in the same order: the same bits).
 */
export function scalerSums(d: number): {
  add(ev: Pick<ProjectEvents, 'x' | 'part' | 'variation'>): void
  scaler(): Scaler
} {
  const mean = new Float64Array(d)
  const sq = new Float64Array(d)
  let m = 0
  return {
    add(ev) {
      for (let i = 0; i < ev.part.length; i++) {
        if (ev.part[i] !== PARTS.train || ev.variation[i] !== 0) continue
        m++
        for (let c = 0; c < d; c++) {
          const v = ev.x[i * d + c]
          mean[c] += v
          sq[c] += v * v
        }
      }
    },
    scaler() {
      const sd = new Float64Array(d)
      for (let c = 0; c < d; c++) {
        mean[c] /= Math.max(m, 1)
        sd[c] = Math.sqrt(Math.max(sq[c] / Math.max(m, 1) - mean[c] * mean[c], 0)) || 1
      }
      return { mean, sd }
    },
  }
}

export function fitScaler(ev: ProjectEvents): Scaler {
  const sums = scalerSums(ev.dim)
  sums.add(ev)
  return sums.scaler()
}

/** Standardises row-major rows × d in place. */
export function scaleInPlace(x: Float32Array, s: Scaler): Float32Array {
  const d = s.mean.length
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - s.mean[i % d]) / s.sd[i % d]
  return x
}

/** Indices of the nominal events in `part` (optionally only signal = 1 or background = 0). */
export function rowsOf(ev: ProjectEvents, part: number, signal?: 0 | 1): Int32Array {
  const out: number[] = []
  for (let i = 0; i < ev.part.length; i++)
    if (
      ev.part[i] === part &&
      ev.variation[i] === 0 &&
      (signal === undefined || ev.signal[i] === signal)
    )
      out.push(i)
  return Int32Array.from(out)
}

/**
 * Indices of the events in `part` of nuisance a's up (sign 1) or down (−1) variation sample;
 * without `a`, of every variation sample.
 */
export function variationRowsOf(
  ev: ProjectEvents,
  part: number,
  a?: number,
  sign: 1 | -1 = 1,
): Int32Array {
  const out: number[] = []
  const v = a === undefined ? null : sign * (a + 1)
  for (let i = 0; i < ev.part.length; i++)
    if (ev.part[i] === part && (v === null ? ev.variation[i] !== 0 : ev.variation[i] === v))
      out.push(i)
  return Int32Array.from(out)
}
