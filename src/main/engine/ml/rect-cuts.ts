/**
 * Rectangular cut optimisation (TMVA "Cuts"): for each input an interval lo ≤ x < hi (either
 * side may be open), searched by a grid of signal quantiles, by random cut sets drawn from the
 * signal quantiles, or by a small genetic algorithm seeded with random sets.
 *
 * Every candidate set is evaluated on the TRAINING events with the physical weights. Its
 * efficiencies are relative to all training signal (background); its yields are the expected ones,
 * S = ε_S × Σ(physical weights of all signal events of the data set) and B likewise, so the
 * figures of merit are those of the selected region. For each target signal efficiency
 * k/effSteps (k = 1 … effSteps − 1: 0.1 … 0.9 by default) the best set among those with ε_S
 * within half a step of it is kept: the largest figure of merit (S/√B, S/√(S+B), Z_A with the
 * relative background uncertainty σ_b), or, for `eff_at_bkg`, the lowest ε_B (its reported
 * figure is then ε_S where ε_B ≤ bkgEff and undefined elsewhere, so the set of highest ε_S at
 * the fixed background efficiency is the one with the largest figure). A set with no background
 * left (B = 0, S > 0) counts as infinitely good for S/√B and Z_A (its figure is reported null).
 * Negative weights are summed as they are; a set with B < 0 is never kept (its figure is undefined).
 *
 * As a classifier, an event scores max over the kept sets it passes of (1 − ε_S of that set), and
 * 0 if it passes none: tighter (purer) sets give higher scores.
 */
import { z } from 'zod'
import type { CutsOptions, FigureOfMerit, ModelSummary } from '../../../shared/contract/train'
import { Random } from '../data/random'
import type { JobContext } from '../jobs/context'
import { asimovZWithUncertainty } from '../select/significance'
import type { Classifier } from './classifier'
import { PART, type TrainingData } from './dataset'
import { finiteOrNull } from '../../../shared/contract/common'
import { addTo } from './pair-sum'

/** Exhaustive grid searches beyond this many cut sets fall back to random search. */
export const GRID_CAP = 250_000

export type CutsSummary = Extract<ModelSummary, { kind: 'cuts' }>

/** A kept cut set; open bounds are −∞ (lo) and +∞ (hi). */
export interface CutSet {
  /** Signal and background efficiency on the training events. */
  readonly eff_s: number
  readonly eff_b: number
  /** Figure of merit (NaN when undefined, e.g. S/√B with B = 0). */
  readonly fom: number
  readonly lo: Float64Array
  readonly hi: Float64Array
}

/** Kept cut sets as a classifier: score = max over passed sets of (1 − ε_S), 0 if none. */
export class RectCutsClassifier implements Classifier {
  readonly kind = 'cuts' as const
  /** ε_S ascending. */
  readonly sets: readonly CutSet[]

  constructor(
    readonly inputs: readonly string[],
    sets: readonly CutSet[],
  ) {
    for (const s of sets)
      if (s.lo.length !== inputs.length || s.hi.length !== inputs.length)
        throw new RangeError(`a cut set has ${s.lo.length} intervals for ${inputs.length} inputs`)
    this.sets = [...sets].sort((a, b) => a.eff_s - b.eff_s)
  }

  score(x: Float64Array, n: number): Float64Array {
    const d = this.inputs.length
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      // Ascending ε_S: the first set passed has the largest 1 − ε_S.
      for (const set of this.sets) {
        if (passes(x, i * d, set.lo, set.hi, d)) {
          out[i] = 1 - set.eff_s
          break
        }
      }
    }
    return out
  }

  /** 1 where event i of `x` (row-major, n rows) passes set `k`. */
  passMask(x: Float64Array, n: number, k: number): Uint8Array {
    const d = this.inputs.length
    const { lo, hi } = this.sets[k]
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = passes(x, i * d, lo, hi, d) ? 1 : 0
    return out
  }
}

function passes(
  x: Float64Array,
  o: number,
  lo: Float64Array,
  hi: Float64Array,
  d: number,
): boolean {
  for (let j = 0; j < d; j++) {
    const v = x[o + j]
    if (!(v >= lo[j] && v < hi[j])) return false
  }
  return true
}

export interface CutsResult {
  classifier: RectCutsClassifier
  summary: CutsSummary
  warnings: string[]
}

/** The training events in compact typed arrays, and the normalisations. */
interface Events {
  n: number
  d: number
  x: Float64Array
  y: Uint8Array
  w: Float64Array
  /** Σ physical weights of the training signal / background (efficiency denominators). */
  trainS: number
  trainB: number
  /** Σ physical weights of all signal / background events (expected yields). */
  allS: number
  allB: number
}

/**
 * Searches cut sets on the training part of `data` (see the module comment). `seed` drives the
 * random and genetic searches. Throws when a class has no training events or Σw ≤ 0.
 */
export function trainRectCuts(
  data: TrainingData,
  options: CutsOptions,
  ctx: JobContext,
  seed = 1,
): CutsResult {
  const ev = trainingEvents(data)
  const warnings: string[] = []
  const quantiles = signalQuantiles(ev)
  const archive = new Archive(ev, options)
  const random = new Random(seed)
  const evaluator = new Evaluator(ev)

  if (options.search === 'grid' && gridFits(quantiles, options, warnings)) {
    const choices = gridChoices(quantiles.map((q) => gridEdges(q, options.gridSteps)))
    const sums = new Float64Array(4)
    gridLeaves(ev, choices, ctx, (lo, hi, sh, sl, bh, bl) => {
      sums[0] = sh + sl
      sums[1] = bh + bl
      archive.offer(sums[0], sums[1], lo, hi)
    })
  } else if (options.search !== 'genetic') {
    randomSearch(ev, quantiles, options.samples, archive, evaluator, random, ctx, 0, 1)
  } else {
    const search = new GeneticSearch(quantiles, ev, options, seed)
    const every = Math.max(1, Math.floor(search.plannedSets / 200))
    for (let batch = search.next(); batch; batch = search.next())
      search.tell(
        batchSums(evaluator, batch, (t) => {
          if (t % every) return
          ctx.throwIfCancelled()
          ctx.progress(search.done(t), search.message())
        }),
      )
    ctx.progress(1)
    return search.result(data.inputs, warnings)
  }
  ctx.progress(1)
  return cutsResult(data.inputs, archive, options, warnings)
}

/** The kept sets of `archive` as a classifier and its summary. */
function cutsResult(
  inputs: readonly string[],
  archive: Archive,
  options: CutsOptions,
  warnings: string[],
): CutsResult {
  const sets = archive.sets()
  if (!sets.length) warnings.push('cuts: no cut set reached any of the target signal efficiencies')
  const classifier = new RectCutsClassifier([...inputs], sets)
  return {
    classifier,
    summary: {
      kind: 'cuts',
      fom: options.fom,
      sets: classifier.sets.map((s) => ({
        eff_s: s.eff_s,
        eff_b: s.eff_b,
        fom: finiteOrNull(s.fom),
        intervals: inputs.map((input, j) => ({
          input,
          lo: s.lo[j] === -Infinity ? null : s.lo[j],
          hi: s.hi[j] === Infinity ? null : s.hi[j],
        })),
      })),
    },
    warnings,
  }
}

/**
 * Whether the grid of `options` has at most GRID_CAP cut sets; if not, a warning says that
 * random sets are tried instead.
 */
function gridFits(quantiles: Float64Array[], options: CutsOptions, warnings: string[]): boolean {
  const edges = quantiles.map((q) => gridEdges(q, options.gridSteps))
  const total = edges.reduce((p, e) => p * (((e.length + 2) * (e.length + 1)) / 2), 1)
  if (total <= GRID_CAP) return true
  warnings.push(
    `cuts: a grid of ${options.gridSteps} edges on ${quantiles.length} inputs has ${total.toExponential(2)} ` +
      `cut sets (more than ${GRID_CAP}); ${options.samples} random sets were tried instead`,
  )
  return false
}

/**
 * The candidates of a grid or random search, fixed before any event is summed (out-of-core
 * training sums them partition by partition): grid — per input every interval between two of
 * (−∞, edges…, +∞), the sets in depth-first order; random — `samples` seeded random sets, in
 * the order the in-memory search draws them.
 */
export type CutCandidates =
  | { readonly kind: 'grid'; readonly choices: readonly (readonly [number, number])[][] }
  | { readonly kind: 'random'; readonly d: number; readonly lo: number[]; readonly hi: number[] }

/** Weighted sums of the training events: efficiencies' denominators and expected yields. */
export interface CutTotals {
  /** Σ physical weights of the training signal / background. */
  readonly trainS: number
  readonly trainB: number
  /** Σ physical weights of all signal / background events. */
  readonly allS: number
  readonly allB: number
}

/**
 * The candidates of `options` (search grid or random; genetic search evaluates sets that
 * depend on earlier ones and is not planned ahead) from the sorted training signal values of
 * each input (`quantiles`); a warning when the grid is too large.
 */
export function cutCandidates(
  quantiles: Float64Array[],
  options: CutsOptions,
  seed: number,
  warnings: string[],
): CutCandidates {
  if (options.search === 'genetic')
    throw new RangeError('cuts: the genetic search cannot be planned ahead')
  if (options.search === 'grid' && gridFits(quantiles, options, warnings))
    return {
      kind: 'grid',
      choices: gridChoices(quantiles.map((q) => gridEdges(q, options.gridSteps))),
    }
  const d = quantiles.length
  const random = new Random(seed)
  const lo = new Float64Array(d)
  const hi = new Float64Array(d)
  const out = { kind: 'random' as const, d, lo: [] as number[], hi: [] as number[] }
  for (let t = 0; t < options.samples; t++) {
    toBounds(randomGenome(d, random), quantiles, lo, hi)
    out.lo.push(...lo)
    out.hi.push(...hi)
  }
  return out
}

/** Number of cut sets of `c`. */
export function candidateCount(c: CutCandidates): number {
  return c.kind === 'grid' ? c.choices.reduce((p, ch) => p * ch.length, 1) : c.lo.length / c.d
}

/**
 * Weighted signal and background sums of every candidate over events (x row-major n × d, class
 * y, physical weights w): Float64Array of 4 per candidate (signal hi, lo, background hi, lo;
 * pair-sum.ts), so that parts merge by addPairs to the sums of all events.
 */
export function candidateSums(
  events: { n: number; d: number; x: Float64Array; y: Uint8Array; w: Float64Array },
  c: CutCandidates,
  ctx: JobContext,
): Float64Array {
  const out = new Float64Array(4 * candidateCount(c))
  const ev: Events = { ...events, ...eventTotals(events) }
  if (c.kind === 'grid') {
    let k = 0
    gridLeaves(ev, c.choices, ctx, (_lo, _hi, sh, sl, bh, bl) => {
      out[k++] = sh
      out[k++] = sl
      out[k++] = bh
      out[k++] = bl
    })
    return out
  }
  return batchSums(new Evaluator(ev), c)
}

/**
 * candidateSums of random (explicit) candidates with an evaluator of the events; `before(t)`
 * is called before candidate t (progress, cancel).
 */
function batchSums(
  evaluator: Evaluator,
  c: Extract<CutCandidates, { kind: 'random' }>,
  before?: (t: number) => void,
): Float64Array {
  const out = new Float64Array(4 * candidateCount(c))
  const lo = new Float64Array(c.d)
  const hi = new Float64Array(c.d)
  const pair = new Float64Array(4)
  for (let t = 0; 4 * t < out.length; t++) {
    before?.(t)
    for (let j = 0; j < c.d; j++) {
      lo[j] = c.lo[t * c.d + j]
      hi[j] = c.hi[t * c.d + j]
    }
    evaluator.pairs(lo, hi, pair)
    out.set(pair, 4 * t)
  }
  return out
}

/**
 * The search's result from the merged `sums` of every candidate (candidateSums): each offered
 * in the order the in-memory search offers it, so the same sets are kept.
 */
export function chooseCuts(
  inputs: readonly string[],
  totals: CutTotals,
  options: CutsOptions,
  c: CutCandidates,
  sums: Float64Array,
  warnings: string[],
): CutsResult {
  const archive = new Archive(totals, options)
  const d = inputs.length
  const lo = new Float64Array(d)
  const hi = new Float64Array(d)
  const count = candidateCount(c)
  for (let t = 0; t < count; t++) {
    if (c.kind === 'grid') {
      // Depth first: input 0 is the slowest digit.
      let rest = t
      for (let j = d - 1; j >= 0; j--) {
        const m = c.choices[j].length
        ;[lo[j], hi[j]] = c.choices[j][rest % m]
        rest = Math.floor(rest / m)
      }
    } else
      for (let j = 0; j < d; j++) {
        lo[j] = c.lo[t * d + j]
        hi[j] = c.hi[t * d + j]
      }
    archive.offer(sums[4 * t] + sums[4 * t + 1], sums[4 * t + 2] + sums[4 * t + 3], lo, hi)
  }
  return cutsResult(inputs, archive, options, warnings)
}

/** Per input, the sorted values of the training signal events of `ev` (signalQuantiles). */
export function sortedSignalValues(columns: readonly Float64Array[]): Float64Array[] {
  return columns.map((c) => Float64Array.from(c).sort())
}

/**
 * Region cuts equivalent to a cut set: `x >= lo` and `x < hi` per bounded input (inputs that are
 * not plain identifiers in parentheses). `set.intervals[j]` belongs to `inputs[j]`; null = open.
 */
export function cutSetToExpressions(
  set: { readonly intervals: readonly { lo: number | null; hi: number | null }[] },
  inputs: readonly string[],
): { name: string; expr: string }[] {
  if (set.intervals.length !== inputs.length)
    throw new RangeError(`${set.intervals.length} intervals for ${inputs.length} inputs`)
  const out: { name: string; expr: string }[] = []
  set.intervals.forEach(({ lo, hi }, j) => {
    const input = inputs[j].trim()
    const term = /^[A-Za-z_][A-Za-z0-9_]*$/.test(input) ? input : `(${input})`
    if (lo !== null && Number.isFinite(lo))
      out.push({ name: `${input} ≥ ${String(lo)}`, expr: `${term} >= ${String(lo)}` })
    if (hi !== null && Number.isFinite(hi))
      out.push({ name: `${input} < ${String(hi)}`, expr: `${term} < ${String(hi)}` })
  })
  return out
}

/** Serialisable model (project store, export); null bounds are open. */
export const CutsJSON = z
  .object({
    format: z.literal('hepwb-cuts'),
    version: z.literal(1),
    inputs: z.array(z.string()).min(1),
    sets: z.array(
      z.object({
        eff_s: z.number(),
        eff_b: z.number(),
        fom: z.number().nullable(),
        lo: z.array(z.number().nullable()),
        hi: z.array(z.number().nullable()),
      }),
    ),
  })
  .strict()
export type CutsJSON = z.infer<typeof CutsJSON>

export function cutsToJSON(c: RectCutsClassifier): CutsJSON {
  return {
    format: 'hepwb-cuts',
    version: 1,
    inputs: [...c.inputs],
    sets: c.sets.map((s) => ({
      eff_s: s.eff_s,
      eff_b: s.eff_b,
      fom: finiteOrNull(s.fom),
      lo: Array.from(s.lo, (v) => (v === -Infinity ? null : v)),
      hi: Array.from(s.hi, (v) => (v === Infinity ? null : v)),
    })),
  }
}

/** Loads a stored cuts model; throws a ZodError or RangeError naming what is wrong. */
export function cutsFromJSON(json: unknown): RectCutsClassifier {
  const m = CutsJSON.parse(json)
  return new RectCutsClassifier(
    m.inputs,
    m.sets.map((s) => ({
      eff_s: s.eff_s,
      eff_b: s.eff_b,
      fom: s.fom ?? NaN,
      lo: Float64Array.from(s.lo, (v) => v ?? -Infinity),
      hi: Float64Array.from(s.hi, (v) => v ?? Infinity),
    })),
  )
}

function trainingEvents(data: TrainingData): Events {
  const { d } = data
  let n = 0
  const all = new Float64Array(4)
  for (let i = 0; i < data.n; i++) {
    if (data.part[i] === PART.train) n++
    addTo(all, data.y[i] ? 0 : 2, data.weight[i])
  }
  const x = new Float64Array(n * d)
  const y = new Uint8Array(n)
  const w = new Float64Array(n)
  let k = 0
  for (let i = 0; i < data.n; i++) {
    if (data.part[i] !== PART.train) continue
    for (let j = 0; j < d; j++) {
      const v = data.x[i * d + j]
      if (v !== v)
        throw new RangeError(`cuts: input '${data.inputs[j]}' is NaN in a training event`)
      x[k * d + j] = v
    }
    y[k] = data.y[i]
    w[k] = data.weight[i]
    k++
  }
  const totals = eventTotals({ n, y, w })
  checkTotals(n, totals.nS, totals)
  return { n, d, x, y, w, ...totals, allS: all[0] + all[1], allB: all[2] + all[3] }
}

/** Training signal count and Σ physical weights per class of events (pair sums). */
function eventTotals(ev: { n: number; y: Uint8Array; w: Float64Array }): {
  nS: number
  trainS: number
  trainB: number
  allS: number
  allB: number
} {
  const p = new Float64Array(4)
  let nS = 0
  for (let i = 0; i < ev.n; i++) {
    nS += ev.y[i]
    addTo(p, ev.y[i] ? 0 : 2, ev.w[i])
  }
  const trainS = p[0] + p[1]
  const trainB = p[2] + p[3]
  return { nS, trainS, trainB, allS: trainS, allB: trainB }
}

/** Throws unless both classes have training events whose weights sum to > 0. */
export function checkTotals(n: number, nS: number, t: { trainS: number; trainB: number }): void {
  if (!nS) throw new RangeError('cuts: no signal events in the training part')
  if (nS === n) throw new RangeError('cuts: no background events in the training part')
  if (!(t.trainS > 0))
    throw new RangeError(`cuts: the training signal weights sum to ${t.trainS}, not > 0`)
  if (!(t.trainB > 0))
    throw new RangeError(`cuts: the training background weights sum to ${t.trainB}, not > 0`)
}

/** Per input, the sorted (unweighted) values of the training signal events. */
function signalQuantiles(ev: Events): Float64Array[] {
  const out: Float64Array[] = []
  let nS = 0
  for (let i = 0; i < ev.n; i++) nS += ev.y[i]
  for (let j = 0; j < ev.d; j++) {
    const v = new Float64Array(nS)
    let k = 0
    for (let i = 0; i < ev.n; i++) if (ev.y[i]) v[k++] = ev.x[i * ev.d + j]
    out.push(v.sort())
  }
  return out
}

/** Value at quantile level q ∈ [0, 1] of sorted values (linear interpolation). */
function quantile(sorted: Float64Array, q: number): number {
  const t = Math.min(1, Math.max(0, q)) * (sorted.length - 1)
  const i = Math.floor(t)
  return i + 1 < sorted.length ? sorted[i] + (t - i) * (sorted[i + 1] - sorted[i]) : sorted[i]
}

/** Distinct quantiles at levels k/(steps + 1), k = 1 … steps. */
function gridEdges(sorted: Float64Array, steps: number): number[] {
  const out: number[] = []
  for (let k = 1; k <= steps; k++) {
    const v = quantile(sorted, k / (steps + 1))
    if (!out.length || v > out[out.length - 1]) out.push(v)
  }
  return out
}

/** Best cut set per target ε_S. */
class Archive {
  private readonly levels: number
  private readonly best: ({ key: number; set: CutSet; genome?: Genome } | undefined)[]

  constructor(
    private readonly ev: CutTotals,
    private readonly options: CutsOptions,
  ) {
    this.levels = options.effSteps
    this.best = new Array(options.effSteps).fill(undefined)
  }

  /** Bin k (1 … levels − 1) whose target k/levels is within half a step of ε_S; −1 if none. */
  binOf(effS: number): number {
    const k = Math.round(effS * this.levels)
    return k >= 1 && k < this.levels ? k : -1
  }

  target(k: number): number {
    return k / this.levels
  }

  /** Ranking key of a set with weighted training sums s, b: larger is better; NaN: never kept. */
  key(effS: number, effB: number): { key: number; fom: number } {
    const { fom, sigmaB, bkgEff } = this.options
    const S = effS * this.ev.allS
    const B = effB * this.ev.allB
    if (fom === 'eff_at_bkg') return { key: -effB, fom: effB <= bkgEff ? effS : NaN }
    const value = figureOfMerit(fom, S, B, sigmaB)
    // No background left (B = 0, S > 0): S/√B and Z_A are infinite, the best possible.
    if (B === 0 && S > 0 && fom !== 's_sqrt_sb') return { key: Infinity, fom: NaN }
    return { key: value, fom: value }
  }

  /** Offers a candidate (bounds are copied when kept); returns its bin and key. */
  offer(
    s: number,
    b: number,
    lo: Float64Array,
    hi: Float64Array,
    genome?: Genome,
  ): { bin: number; key: number } {
    const effS = s / this.ev.trainS
    const effB = b / this.ev.trainB
    const bin = this.binOf(effS)
    const { key, fom } = this.key(effS, effB)
    if (bin < 0 || key !== key) return { bin, key }
    const cur = this.best[bin]
    const better =
      !cur ||
      key > cur.key ||
      // Equal keys (e.g. the same ε_B): prefer more signal.
      (key === cur.key && effS > cur.set.eff_s)
    if (better)
      this.best[bin] = {
        key,
        set: {
          eff_s: effS,
          eff_b: effB,
          fom,
          lo: Float64Array.from(lo),
          hi: Float64Array.from(hi),
        },
        genome: genome && { a: Float64Array.from(genome.a), b: Float64Array.from(genome.b) },
      }
    return { bin, key }
  }

  /** The genome of the best set of bin k, when it came from quantile space. */
  genome(k: number): Genome | undefined {
    return this.best[k]?.genome
  }

  sets(): CutSet[] {
    return this.best.filter((b) => b !== undefined).map((b) => b.set)
  }

  get bins(): number {
    return this.levels
  }
}

/** S/√B, S/√(S+B) or Z_A(σ_b) of expected yields S, B; NaN where undefined. */
export function figureOfMerit(fom: FigureOfMerit, S: number, B: number, sigmaB: number): number {
  switch (fom) {
    case 's_sqrt_b':
      return B > 0 ? S / Math.sqrt(B) : NaN
    case 's_sqrt_sb':
      return S + B > 0 ? S / Math.sqrt(S + B) : NaN
    case 'z_asimov':
      return asimovZWithUncertainty(S, B, sigmaB)
    case 'eff_at_bkg':
      return NaN
  }
}

/**
 * Weighted training sums passing a cut set. Each input's values are also kept sorted (with the
 * event order), so the number of events inside each interval comes from two binary searches.
 * Inputs are then checked from the tightest on, an event leaving at its first failed cut: over
 * the tightest input's range of sorted events when it holds few events (little to visit), else
 * over all events with the inputs stored column by column (memory read in order).
 */
class Evaluator {
  private readonly sorted: Float64Array[] = []
  private readonly perm: Uint32Array[] = []
  private readonly columns: Float64Array[] = []
  private readonly order: Int32Array
  private readonly count: Int32Array
  private readonly from: Int32Array

  constructor(private readonly ev: Events) {
    const { n, d, x } = ev
    for (let j = 0; j < d; j++) {
      const column = Float64Array.from({ length: n }, (_, i) => x[i * d + j])
      const idx = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => column[a] - column[b])
      this.columns.push(column)
      this.perm.push(idx)
      this.sorted.push(Float64Array.from(idx, (i) => column[i]))
    }
    this.order = new Int32Array(d)
    this.count = new Int32Array(d)
    this.from = new Int32Array(d)
  }

  sums(lo: Float64Array, hi: Float64Array): { s: number; b: number } {
    const p = this.pair
    this.pairs(lo, hi, p)
    return { s: p[0] + p[1], b: p[2] + p[3] }
  }

  private readonly pair = new Float64Array(4)

  /** The sums as pairs (pair-sum.ts) into `out`: signal hi, lo, background hi, lo. */
  pairs(lo: Float64Array, hi: Float64Array, out: Float64Array): void {
    const { n, d, y, w } = this.ev
    const { order, count, from, columns } = this
    out.fill(0)
    let m = 0
    for (let j = 0; j < d; j++) {
      if (lo[j] === -Infinity && hi[j] === Infinity) continue
      const a = lowerBound(this.sorted[j], lo[j])
      const b = lowerBound(this.sorted[j], hi[j])
      if (b <= a) return
      from[j] = a
      count[j] = b - a
      // Insertion by count: the tightest first.
      let k = m++
      while (k > 0 && count[order[k - 1]] > count[j]) {
        order[k] = order[k - 1]
        k--
      }
      order[k] = j
    }
    if (m === 0) {
      for (let i = 0; i < n; i++) addTo(out, y[i] ? 0 : 2, w[i])
      return
    }
    const j0 = order[0]
    if (count[j0] * 8 < n) {
      const perm = this.perm[j0]
      const end = from[j0] + count[j0]
      outer: for (let r = from[j0]; r < end; r++) {
        const i = perm[r]
        for (let k = 1; k < m; k++) {
          const j = order[k]
          const v = columns[j][i]
          if (v < lo[j] || v >= hi[j]) continue outer
        }
        addTo(out, y[i] ? 0 : 2, w[i])
      }
      return
    }
    const c0 = columns[j0]
    const lo0 = lo[j0]
    const hi0 = hi[j0]
    outer: for (let i = 0; i < n; i++) {
      const v0 = c0[i]
      if (v0 < lo0 || v0 >= hi0) continue
      for (let k = 1; k < m; k++) {
        const j = order[k]
        const v = columns[j][i]
        if (v < lo[j] || v >= hi[j]) continue outer
      }
      addTo(out, y[i] ? 0 : 2, w[i])
    }
  }
}

/** First index of sorted `a` with a[i] ≥ v (a.length if none). */
function lowerBound(a: Float64Array, v: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] < v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** A cut set in signal-quantile space: per input [a, b]; a ≤ 0 is an open low side, b ≥ 1 open high. */
interface Genome {
  a: Float64Array
  b: Float64Array
}

function toBounds(g: Genome, quantiles: Float64Array[], lo: Float64Array, hi: Float64Array): void {
  for (let j = 0; j < quantiles.length; j++) {
    lo[j] = g.a[j] <= 0 ? -Infinity : quantile(quantiles[j], g.a[j])
    hi[j] = g.b[j] >= 1 ? Infinity : quantile(quantiles[j], g.b[j])
  }
}

/**
 * A random cut set: a target ε_S uniform in (0, 1), a random number m of constrained inputs
 * (chosen at random), each kept at about ε^(1/m) of the signal, on a random side (low, high or
 * both) — so sets of every efficiency and every combination of inputs are proposed.
 */
function randomGenome(d: number, random: Random): Genome {
  const a = new Float64Array(d)
  const b = new Float64Array(d).fill(1)
  const target = 0.02 + 0.98 * random.uniform()
  const m = 1 + random.int(d)
  const chosen = random.permutation(d).subarray(0, m)
  for (const j of chosen) {
    const e = Math.min(1, Math.pow(target, 1 / m) * (0.8 + 0.4 * random.uniform()))
    const side = random.int(3)
    if (side === 0) {
      a[j] = 0
      b[j] = e
    } else if (side === 1) {
      a[j] = 1 - e
      b[j] = 1
    } else {
      a[j] = random.uniform() * (1 - e)
      b[j] = a[j] + e
    }
  }
  return { a, b }
}

function randomSearch(
  ev: Events,
  quantiles: Float64Array[],
  samples: number,
  archive: Archive,
  evaluator: Evaluator,
  random: Random,
  ctx: JobContext,
  from: number,
  to: number,
): void {
  const lo = new Float64Array(ev.d)
  const hi = new Float64Array(ev.d)
  const every = Math.max(1, Math.floor(samples / 100))
  for (let t = 0; t < samples; t++) {
    if (t % every === 0) {
      ctx.throwIfCancelled()
      ctx.progress(from + ((to - from) * t) / samples, `cut set ${t}/${samples}`)
    }
    const g = randomGenome(ev.d, random)
    toBounds(g, quantiles, lo, hi)
    const { s, b } = evaluator.sums(lo, hi)
    archive.offer(s, b, lo, hi, g)
  }
}

/** Per input every interval between two of (−∞, edges…, +∞), in the grid's order. */
function gridChoices(edges: number[][]): [number, number][][] {
  return edges.map((e) => {
    const bounds = [-Infinity, ...e, Infinity]
    const out: [number, number][] = []
    for (let p = 0; p < bounds.length; p++)
      for (let q = p + 1; q < bounds.length; q++) out.push([bounds[p], bounds[q]])
    return out
  })
}

/**
 * Exhaustive grid: every set of one choice per input, depth first over the inputs, each level
 * keeping the list of events passing the intervals chosen so far, so a leaf costs only the
 * events left by its parent. `leaf` gets each set's bounds and its signal and background sums
 * as pairs (pair-sum.ts).
 */
function gridLeaves(
  ev: Events,
  choices: readonly (readonly [number, number])[][],
  ctx: JobContext,
  leaf: (
    lo: Float64Array,
    hi: Float64Array,
    sh: number,
    sl: number,
    bh: number,
    bl: number,
  ) => void,
): void {
  const { n, d, x, y, w } = ev
  const lo = new Float64Array(d).fill(-Infinity)
  const hi = new Float64Array(d).fill(Infinity)
  const lists: Uint32Array[] = Array.from({ length: d + 1 }, () => new Uint32Array(n))
  const sizes = new Int32Array(d + 1)
  for (let i = 0; i < n; i++) lists[0][i] = i
  sizes[0] = n
  const topChoices = choices[0].length
  const p = new Float64Array(4)
  let leaves = 0
  const visit = (j: number): void => {
    const parent = lists[j]
    const size = sizes[j]
    for (let c = 0; c < choices[j].length; c++) {
      if (j === 0) {
        ctx.throwIfCancelled()
        ctx.progress(c / topChoices, `grid ${c}/${topChoices}`)
      }
      const [l, h] = choices[j][c]
      lo[j] = l
      hi[j] = h
      if (j === d - 1) {
        p.fill(0)
        for (let r = 0; r < size; r++) {
          const i = parent[r]
          const v = x[i * d + j]
          if (v >= l && v < h) addTo(p, y[i] ? 0 : 2, w[i])
        }
        leaf(lo, hi, p[0], p[1], p[2], p[3])
        if (++leaves % 4096 === 0) ctx.throwIfCancelled()
      } else {
        const child = lists[j + 1]
        let k = 0
        for (let r = 0; r < size; r++) {
          const i = parent[r]
          const v = x[i * d + j]
          if (v >= l && v < h) child[k++] = i
        }
        sizes[j + 1] = k
        visit(j + 1)
      }
    }
    lo[j] = -Infinity
    hi[j] = Infinity
  }
  visit(0)
}

/** Cut sets in one genetic population. */
const POPULATION = 40

/**
 * The genetic search, as batches of cut sets whose sums it is told: first `samples`/2 random
 * sets (as the random search draws them), then the genetic refinement. In memory each batch is
 * summed over the training events at once (trainRectCuts); out of core each batch is one pass
 * over the partitions (app/classifier-passes-training.ts) — the same sets in the same order, so
 * the same cuts are kept. Nothing a batch's sums decide is drawn before they are told.
 *
 * Refinement: per target ε_S, a population seeded with the best set found so far for it (with
 * mutated copies) and random sets evolves by tournament selection, uniform crossover of the
 * inputs' intervals and Gaussian mutation in quantile space whose width shrinks from 0.05 to
 * 0.005 over the generations. Fitness is the archive's key for sets in the target's bin, below
 * any of them the distance to the target otherwise. Every evaluated set is offered to the
 * archive.
 */
export class GeneticSearch {
  private readonly archive: Archive
  private readonly random: Random
  private readonly d: number
  private readonly first: number
  private readonly generations: number
  private readonly targets: number
  /** The target bin (0: the random sets) and generation of the batch asked for last. */
  private bin = -1
  private generation = 0
  private pop: { g: Genome; fit: number }[] = []
  private asked: Genome[] | null = null
  /** Sets summed so far (the batches told). */
  private told = 0
  /** The best two of the last generation, carried into the one asked for. */
  private elite: { g: Genome; fit: number }[] = []
  private readonly lo: Float64Array
  private readonly hi: Float64Array

  constructor(
    private readonly quantiles: Float64Array[],
    private readonly totals: CutTotals,
    private readonly options: CutsOptions,
    seed: number,
  ) {
    this.archive = new Archive(totals, options)
    this.random = new Random(seed)
    this.d = quantiles.length
    this.first = Math.ceil(options.samples / 2)
    this.targets = this.archive.bins - 1
    this.generations = GeneticSearch.generationsOf(options)
    this.lo = new Float64Array(this.d)
    this.hi = new Float64Array(this.d)
  }

  /** Generations per target efficiency. */
  private static generationsOf(options: CutsOptions): number {
    const budget = options.samples - Math.ceil(options.samples / 2)
    return Math.max(1, Math.floor(budget / (POPULATION * (options.effSteps - 1))))
  }

  /** How many batches the search of `options` asks for (passes, out of core). */
  static batches(options: CutsOptions): number {
    return 1 + (options.effSteps - 1) * GeneticSearch.generationsOf(options)
  }

  /** The next batch of cut sets to sum, or null when the search is done. */
  next(): Extract<CutCandidates, { kind: 'random' }> | null {
    if (this.asked) throw new Error('genetic search: the last batch was not told its sums')
    const { d, random } = this
    let genomes: Genome[]
    if (this.bin < 0) {
      this.bin = 0
      genomes = Array.from({ length: this.first }, () => randomGenome(d, random))
    } else if (this.bin === 0 || this.generation + 1 >= this.generations) {
      if (this.bin >= this.targets) return null
      this.bin++
      this.generation = 0
      const seed = this.archive.genome(this.bin)
      genomes = seed ? [seed] : []
      while (genomes.length < POPULATION)
        genomes.push(
          seed && genomes.length < POPULATION / 2
            ? mutate(seed, 0.05, random)
            : randomGenome(d, random),
        )
    } else {
      this.generation++
      const sigma = 0.05 * Math.pow(0.1, this.generation / Math.max(1, this.generations - 1))
      const pop = this.pop.sort((p, q) => q.fit - p.fit)
      // The two best go on as they are, scored already; the batch is their children.
      this.elite = pop.slice(0, 2)
      genomes = []
      const pick = (): Genome => {
        const p = pop[random.int(pop.length)]
        const q = pop[random.int(pop.length)]
        return (p.fit >= q.fit ? p : q).g
      }
      while (this.elite.length + genomes.length < POPULATION) {
        const p = pick()
        const q = pick()
        const child: Genome = { a: new Float64Array(d), b: new Float64Array(d) }
        for (let j = 0; j < d; j++) {
          const src = random.uniform() < 0.5 ? p : q
          child.a[j] = src.a[j]
          child.b[j] = src.b[j]
        }
        genomes.push(mutate(child, sigma, random))
      }
    }
    this.asked = genomes
    const out = { kind: 'random' as const, d, lo: [] as number[], hi: [] as number[] }
    for (const g of genomes) {
      toBounds(g, this.quantiles, this.lo, this.hi)
      out.lo.push(...this.lo)
      out.hi.push(...this.hi)
    }
    return out
  }

  /** The sums of the batch next() gave (candidateSums' layout), offered in its order. */
  tell(sums: Float64Array): void {
    const genomes = this.asked
    if (!genomes || sums.length !== 4 * genomes.length)
      throw new Error('genetic search: sums of another batch')
    this.asked = null
    this.told += genomes.length
    const { archive, bin, lo, hi } = this
    const next = this.elite
    this.elite = []
    genomes.forEach((g, k) => {
      toBounds(g, this.quantiles, lo, hi)
      const s = sums[4 * k] + sums[4 * k + 1]
      const b = sums[4 * k + 2] + sums[4 * k + 3]
      const got = archive.offer(s, b, lo, hi, g)
      if (bin === 0) return
      const dist = Math.abs(s / this.totals.trainS - archive.target(bin))
      // In the bin: the key (−∞ if undefined); outside: far below, closer is better.
      const fit = got.bin === bin ? (got.key === got.key ? got.key : -1e300) : -1e301 * (1 + dist)
      next.push({ g, fit })
    })
    this.pop = next
  }

  /** Sets the whole search sums: the random ones, then per target a population and children. */
  get plannedSets(): number {
    return this.first + this.targets * (POPULATION + (this.generations - 1) * (POPULATION - 2))
  }

  /** The fraction of the search done once `t` sets of the batch asked for are summed. */
  done(t = 0): number {
    return Math.min(1, (this.told + t) / this.plannedSets)
  }

  /** What the search is doing, for progress. */
  message(): string {
    return this.bin <= 0
      ? `${this.first} random cut sets`
      : `genetic search, ε_S ≈ ${this.archive.target(this.bin)}`
  }

  /** The kept sets as the classifier and its summary. */
  result(inputs: readonly string[], warnings: string[]): CutsResult {
    return cutsResult(inputs, this.archive, this.options, warnings)
  }
}

/**
 * A copy of `g` with each input's interval moved with probability max(1/d, ¼): its ends shifted
 * by N(0, σ) in quantile space, or (one time in ten) its side opened or closed.
 */
function mutate(g: Genome, sigma: number, random: Random): Genome {
  const d = g.a.length
  const a = Float64Array.from(g.a)
  const b = Float64Array.from(g.b)
  const p = Math.max(1 / d, 0.25)
  for (let j = 0; j < d; j++) {
    if (random.uniform() >= p) continue
    if (random.uniform() < 0.1) a[j] = a[j] <= 0 ? 0.05 : 0
    else if (a[j] > 0) a[j] += sigma * random.normal()
    if (random.uniform() < 0.1) b[j] = b[j] >= 1 ? 0.95 : 1
    else if (b[j] < 1) b[j] += sigma * random.normal()
    a[j] = Math.min(0.99, Math.max(0, a[j]))
    b[j] = Math.max(a[j] + 0.001, Math.min(1, b[j]))
  }
  return { a, b }
}
