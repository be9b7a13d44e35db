/**
 * Weighted histogram of any expression in a region: the events passing the region's cuts, each
 * value filled with its event's weight (× scale) — one value per event for a flat expression,
 * every element of the list for a jagged one (`Jet_pt` fills each jet with the event weight).
 */
import type { SampleHistogram } from '../../../shared/cutflow'
import type { CheckedExpr } from '../../../shared/expr'
import type { Column } from '../../../shared/column'
import { createHist, fillColumn, type Hist1D } from '../data/histogram'
import { BATCH_EVENTS, sliceProvider } from './batch'
import { compile } from './compile'
import { CutCompiler } from './cut-compiler'
import { runCuts, type PreparedSample } from './cutflow'
import { gatherColumn, positionsAt } from './gather'
import type { ResolvedCut } from './regions'
import type { ColumnProvider } from './provider'
import { atPath } from './spec-error'
import { advanceStage } from './stages'

/** Uniform bins on [lo, hi) in the expression's unit. */
export interface Binning {
  readonly bins: number
  readonly lo: number
  readonly hi: number
}

/**
 * Keep-mask (one byte per event) of the events passing every cut, run in order over the whole
 * sample. Throws SpecError for a cut that does not compile for this sample.
 */
export function selectionMask(
  sample: PreparedSample,
  cuts: readonly ResolvedCut[],
  compiler: CutCompiler = new CutCompiler(),
): Uint8Array {
  const n = sample.data.entries
  const pass = new Uint8Array(n)
  const size = Math.min(BATCH_EVENTS, n)
  const mask = new Uint8Array(size)
  const stage = new Uint8Array(size)
  const context = `in sample '${sample.name}'`
  const last = cuts.length
  const run = (k: number, events: ColumnProvider, at: Uint8Array): number => {
    const cut = cuts[k]
    const compiled = compiler.get(cut, events, context)
    const keep = mask.subarray(0, events.entries)
    atPath(cut.path, cut.expr, context, () => compiled.evaluate(events, keep))
    return advanceStage(at, k, keep)
  }
  // Every cut compiled first: a cut that does not compile throws even where no event reaches it.
  const first = sliceProvider(sample.data, 0, size)
  for (const cut of cuts) compiler.get(cut, sample.derive ? sample.derive(first) : first, context)
  // Batch by batch, cut after cut over the events still in, as the cut-flow runs a region
  // (select/cutflow.ts): intermediate arrays stay in cache, and once few events are left the
  // later cuts run over a copy of the survivors, not over every event again.
  for (let lo = 0; lo < n; lo += BATCH_EVENTS) {
    const hi = Math.min(n, lo + BATCH_EVENTS)
    const at = stage.subarray(0, hi - lo).fill(0)
    runCuts({ cuts, inherited: 0 }, sliceProvider(sample.data, lo, hi), sample.derive, at, run)
    for (let i = 0; i < at.length; i++) pass[lo + i] = at[i] === last ? 1 : 0
  }
  return pass
}

/** Values of an expression over selected events, with their events' weights. */
export interface SelectedValues {
  /** One value per selected event, or a list per selected event. */
  readonly values: Column
  /** Per selected event (not per element), or one weight for all. */
  readonly weights: Float64Array | number
}

/**
 * `expr` (checked for this sample) over the events of `pass` (all events when null), with the
 * events' weights. Throws SpecError at `path` for an expression that fails at run time.
 */
export function selectedValues(
  sample: PreparedSample,
  expr: CheckedExpr,
  pass: Uint8Array | null,
  path: readonly (string | number)[] = [],
): SelectedValues {
  const data = sample.derive ? sample.derive(sample.data) : sample.data
  const context = `in sample '${sample.name}'`
  const { ast } = expr
  // A bare column is taken as it is (no float64 copy of a float32 or integer column).
  const all =
    ast.type === 'name' && data.symbols.has(ast.name)
      ? data.column(ast.name)
      : atPath(path, expr.source, context, () => compile(expr, data).evaluate(data))
  const n = data.entries
  let selected = 0
  if (pass) for (let i = 0; i < n; i++) selected += pass[i]
  const index = pass && selected < n ? positionsAt(pass, 1, selected) : null
  const { weights } = sample
  return {
    values: index ? gatherColumn(all, index) : all,
    weights: typeof weights === 'number' || !index ? weights : gatherWeights(weights, index),
  }
}

/** weights[index[j]] for every j (a plain loop: TypedArray.from with a map function is slow). */
function gatherWeights(weights: Float64Array, index: Int32Array): Float64Array {
  const out = new Float64Array(index.length)
  for (let j = 0; j < index.length; j++) out[j] = weights[index[j]]
  return out
}

/**
 * Histogram of `expr` (checked for this sample) over the events of `pass` (all events when
 * null). Values that are NaN are counted in `nan`, not filled.
 */
export function sampleHistogram(
  sample: PreparedSample,
  expr: CheckedExpr,
  pass: Uint8Array | null,
  binning: Binning,
  path: readonly (string | number)[] = [],
): SampleHistogram {
  const h = selectedHist(sample, expr, pass, binning, path)
  const inner = (a: Float64Array) => Array.from(a.subarray(1, h.bins + 1))
  return {
    counts: inner(h.sumw),
    sumw2: inner(h.sumw2),
    underflow: h.sumw[0],
    overflow: h.sumw[h.bins + 1],
    entries: h.entries,
    nan: h.nan,
  }
}

/** sampleHistogram's Σw and Σw² per bin, flows included (data/histogram.ts Hist1D). */
export function selectedHist(
  sample: PreparedSample,
  expr: CheckedExpr,
  pass: Uint8Array | null,
  binning: Binning,
  path: readonly (string | number)[] = [],
): Hist1D {
  const { values, weights } = selectedValues(sample, expr, pass, path)
  const h = createHist(binning.bins, binning.lo, binning.hi)
  if (typeof weights === 'number') {
    const events = values.kind === 'flat' ? values.values.length : values.offsets.length - 1
    if (weights === 1) fillColumn(h, values)
    else fillColumn(h, values, new Float64Array(events).fill(weights))
  } else fillColumn(h, values, weights)
  return h
}
