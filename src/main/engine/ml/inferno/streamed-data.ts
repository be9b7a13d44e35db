/**
 * INFERNO's project events (project-data.ts) streamed from chunks (issue 13): the events
 * projectEvents would hold, handed out chunk by chunk as small ProjectEvents of their own, with
 * the same split (its running stream replayed from the generator's state at each chunk's start),
 * the same per-source, per-part weight scaling (from sums of a first pass in memory's order) and
 * the same nuisances — so any run of chunks concatenated (concatEvents) is what the trainers
 * and the evaluation read, and a streamed training sees the events an in-memory one does.
 *
 * A chunk is one piece of one source: a nominal sample, or a `samples` nuisance's up or down
 * sample (a sample used by two nuisances is two sources, as in memory).
 */
import { concatTyped } from '../../../../shared/column'
import type { InfernoProjectConfig } from '../../../../shared/contract/inferno'
import { Random } from '../../data/random'
import type { JobContext } from '../../jobs/context'
import type { SelectedEvents } from '../build-dataset'
import { eachChunk, type SelectedChunks } from '../streaming'
import {
  checkNuisanceNames,
  checkSplit,
  checkYields,
  drawProjectPart,
  emptyTemplate,
  extraExpressions,
  type ProjectEvents,
  projectSources,
  resolveNuisances,
  type ResolvedNuisance,
} from './project-data'

export interface StreamedProjectEvents {
  /** The set-up without events (samples, inputs, yields, nuisances): what needs no event. */
  readonly meta: ProjectEvents
  /** Chunks (pieces of sources), in the order memory reads them. */
  readonly count: number
  /** Index of chunk k's source (nominal samples first, then variation samples). */
  sourceOf(k: number): number
  /** Events of chunk k in `part` (all parts when absent). */
  rows(k: number, part?: number): number
  /** Nominal events per part, by class (PARTS order). */
  readonly counts: readonly { signal: number; background: number }[]
  /** All events (nominal and variation samples') per part, by the class of their sample. */
  readonly events: readonly { signal: number; background: number }[]
  /** Events of variation code v (±(a + 1)) in `part`. */
  variationCount(v: number, part: number): number
  /** Reads chunks `ks` and hands each one's events to `visit`, in increasing k. */
  each(
    ks: readonly number[],
    visit: (k: number, ev: ProjectEvents) => void,
    ctx: JobContext,
  ): Promise<void>
}

/**
 * The events of `chunks` (the chosen processes, with `processes` their names and roles, then
 * the variation samples, read with inputs [...config.inputs, ...extraExpressions]) as
 * projectEvents assembles them. One pass over every chunk; throws what projectEvents throws.
 */
export async function streamedProjectEvents(
  chunks: SelectedChunks,
  processes: readonly { name: string; role: 'signal' | 'background' }[],
  config: InfernoProjectConfig,
  ctx: JobContext,
): Promise<StreamedProjectEvents> {
  const dim = config.inputs.length
  const o = config.options
  const nuis = config.nuisances
  const extraCount = extraExpressions(nuis).length
  checkNuisanceNames(nuis)
  const sources = projectSources(processes, nuis)
  const sampleIndex = (name: string) => chunks.samples.indexOf(name)
  // The chunks of each source, in source then chain order.
  const places: { src: number; k: number }[] = []
  const bySource: number[][] = sources.map(() => [])
  sources.forEach((s, src) => {
    const si = sampleIndex(s.name)
    if (si < 0)
      throw new Error(
        `nuisance '${nuis[Math.abs(s.variation) - 1]?.name}': no sample '${s.name}' was read`,
      )
    for (let k = 0; k < chunks.count; k++)
      if (chunks.sampleOf(k) === si) {
        bySource[src].push(places.length)
        places.push({ src, k })
      }
  })
  const signalOf = (src: number) => (processes[sources[src].sample].role === 'signal' ? 1 : 0)
  const keepOf = (sel: SelectedEvents, i: number) => {
    let ok = Number.isFinite(sel.weight[i])
    for (let c = 0; c < sel.columns.length && ok; c++) ok = Number.isFinite(sel.columns[c][i])
    return ok
  }

  // First pass: the split's generator's state at each chunk, per-source and per-part Σw, counts.
  const rng = new Random(o.seed * 7919 + 13)
  const states: number[][] = new Array(places.length)
  const perPart = new Float64Array(places.length * 3)
  const total = new Float64Array(sources.length)
  const byPart = new Float64Array(sources.length * 3)
  const counts = [0, 1, 2].map(() => ({ signal: 0, background: 0 }))
  const events = [0, 1, 2].map(() => ({ signal: 0, background: 0 }))
  const variations = new Map<number, number[]>()
  const warnings: string[] = []
  ctx.progress(0, 'streaming the INFERNO events: first pass')
  for (const [src, s] of sources.entries()) {
    let dropped = 0
    let read = 0
    const at = new Map(bySource[src].map((K) => [places[K].k, K]))
    await eachChunk(
      chunks,
      bySource[src].map((K) => places[K].k),
      (k, sel) => {
        const K = at.get(k)!
        states[K] = rng.state()
        read += sel.weight.length
        for (let i = 0; i < sel.weight.length; i++) {
          if (!keepOf(sel, i)) {
            dropped++
            continue
          }
          const part = drawProjectPart(rng, o)
          perPart[K * 3 + part]++
          total[src] += sel.weight[i]
          byPart[src * 3 + part] += sel.weight[i]
          const cls = signalOf(src) ? 'signal' : 'background'
          events[part][cls]++
          if (s.variation === 0) counts[part][cls]++
          else {
            const v = variations.get(s.variation) ?? [0, 0, 0]
            v[part]++
            variations.set(s.variation, v)
          }
        }
      },
      ctx,
    )
    if (s.variation !== 0 && read === 0)
      throw emptyTemplate(nuis[Math.abs(s.variation) - 1].name, s.name)
    if (dropped) warnings.push(`${dropped} events of '${s.name}' with an undefined input left out`)
  }
  const yields = { signal: 0, background: 0 }
  processes.forEach((p, i) => (yields[p.role] += total[i]))
  checkYields(yields)
  const none = new Int32Array(0)
  const meta: ProjectEvents = {
    dim,
    inputs: [...config.inputs],
    samples: processes.map((p) => ({ name: p.name, role: p.role })),
    x: new Float32Array(0),
    sample: none,
    signal: new Uint8Array(0),
    part: new Uint8Array(0),
    weight: new Float64Array(0),
    variation: new Int16Array(0),
    nuisances: resolveNuisances(config, processes, none, new Int16Array(0), []),
    yields,
    warnings,
  }
  checkSplit(counts)

  /** Chunk K's events from its source's selected rows (projectEvents' assembly). */
  const build = (K: number, sel: SelectedEvents): ProjectEvents => {
    const { src } = places[K]
    const { sample: si, variation: v } = sources[src]
    const draw = Random.at(states[K])
    const n = perPart[K * 3] + perPart[K * 3 + 1] + perPart[K * 3 + 2]
    const x = new Float32Array(n * dim)
    const part = new Uint8Array(n)
    const weight = new Float64Array(n)
    const extras = Array.from({ length: extraCount }, () => new Float64Array(n))
    let r = 0
    for (let i = 0; i < sel.weight.length; i++) {
      if (!keepOf(sel, i)) continue
      for (let c = 0; c < dim; c++) x[r * dim + c] = sel.columns[c][i]
      extras.forEach((e, j) => (e[r] = sel.columns[dim + j][i]))
      part[r] = drawProjectPart(draw, o)
      const d = byPart[src * 3 + part[r]]
      weight[r] = d !== 0 ? (sel.weight[i] * total[src]) / d : 0
      r++
    }
    if (r !== n)
      throw new Error(`a chunk of '${sources[src].name}' changed since it was first read`)
    const sample = new Int32Array(n).fill(si)
    const variation = new Int16Array(n).fill(v)
    return {
      ...meta,
      x,
      sample,
      signal: new Uint8Array(n).fill(signalOf(src)),
      part,
      weight,
      variation,
      nuisances: resolveNuisances(config, processes, sample, variation, extras),
    }
  }

  return {
    meta,
    count: places.length,
    sourceOf: (K) => places[K].src,
    rows: (K, part) =>
      part === undefined
        ? perPart[K * 3] + perPart[K * 3 + 1] + perPart[K * 3 + 2]
        : perPart[K * 3 + part],
    counts,
    events,
    variationCount: (v, part) => variations.get(v)?.[part] ?? 0,
    async each(ks, visit, c) {
      const wanted = [...ks].sort((a, b) => a - b)
      for (let start = 0; start < wanted.length;) {
        // A run of one source's chunks: read in chain order (= increasing k).
        const src = places[wanted[start]].src
        let end = start
        while (end < wanted.length && places[wanted[end]].src === src) end++
        const run = wanted.slice(start, end)
        start = end
        const at = new Map(run.map((K) => [places[K].k, K]))
        await eachChunk(
          chunks,
          run.map((K) => places[K].k),
          (k, sel) => {
            const K = at.get(k)!
            visit(K, build(K, sel))
          },
          c,
        )
      }
    },
  }
}

/** The events of `parts` (ProjectEvents of the same set-up) one after the other. */
export function concatEvents(meta: ProjectEvents, parts: readonly ProjectEvents[]): ProjectEvents {
  const join = <T extends Float32Array | Float64Array | Int32Array | Int16Array | Uint8Array>(
    make: (m: number) => T,
    of: (p: ProjectEvents) => T,
  ): T => concatTyped(parts.map(of), make)
  const nuisances = meta.nuisances.map((nu, a): ResolvedNuisance => {
    const affects = join(
      (m) => new Uint8Array(m),
      (p) => p.nuisances[a].affects,
    )
    if (nu.kind !== 'weight') return { ...nu, affects }
    const side = (which: 'up' | 'down') =>
      join(
        (m) => new Float64Array(m),
        (p) => (p.nuisances[a] as Extract<ResolvedNuisance, { kind: 'weight' }>)[which],
      )
    return { ...nu, affects, up: side('up'), down: side('down') }
  })
  return {
    ...meta,
    x: join(
      (m) => new Float32Array(m),
      (p) => p.x,
    ),
    sample: join(
      (m) => new Int32Array(m),
      (p) => p.sample,
    ),
    signal: join(
      (m) => new Uint8Array(m),
      (p) => p.signal,
    ),
    part: join(
      (m) => new Uint8Array(m),
      (p) => p.part,
    ),
    weight: join(
      (m) => new Float64Array(m),
      (p) => p.weight,
    ),
    variation: join(
      (m) => new Int16Array(m),
      (p) => p.variation,
    ),
    nuisances,
  }
}
