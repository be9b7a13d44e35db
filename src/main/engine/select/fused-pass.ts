/**
 * The fused pass: cut-flow stages (raw, Σw, Σw²) of several selections and weighted histograms
 * of per-event values, all from ONE loop over the events that reads each column once per
 * event. The column-at-a-time path (compile.ts, stages.ts, hist.ts) evaluates each cut and each
 * histogram's mask over whole batches — about 20 full-length array passes for a 10-cut
 * cut-flow and 3 histograms — and is bound near 10^7 events/s per core by memory traffic; this
 * loop keeps everything in registers and reaches several times that.
 *
 * The loop is JavaScript text generated from the checked expressions by scalar-codegen.ts,
 * which emits no user text (its header says why that keeps DESIGN.md §6's rule), compiled with
 * `new Function` once per shape (the generated text, plus the column element types, so each
 * function sees one set of array types) and cached for the process. Anything the code
 * generator does not support makes `fusedKernel` return null: callers keep the old path.
 *
 * Results equal the old path's to the bit: each event's stage is the number of leading cuts
 * it passes (a child selection continues from its parent's stage), tallied per batch of
 * `batch` events in two banks (even and odd event) exactly as stages.ts addToTally sums them;
 * histograms bin as data/histogram.ts (under/overflow, NaN value or weight counted in `nan`,
 * x ≥ hi overflow, rounding at hi into the last bin), each bin receiving its values in event
 * order as fillHist does.
 */
import type { CheckedExpr } from '../../../shared/expr'
import type { NumericArray } from '../../../shared/column'
import { createHist, type Hist1D } from '../data/histogram'
import { BATCH_EVENTS } from './batch'
import type { Binning } from './hist'
import type { ColumnProvider } from './provider'
import {
  CodegenInputs,
  PRELUDE,
  numberCode,
  numberText,
  testCode,
  type NameResolver,
} from './scalar-codegen'
import { createTally, type StageTally } from './stages'

/** Events passing leading cuts, counted stage by stage. */
export interface FusedSelection {
  /** Every cut, the parent's first (as ResolvedRegion.cuts), each checked for the sample. */
  readonly cuts: readonly CheckedExpr[]
  /** Position of the parent selection (earlier in the list); its cuts are the first `inherited`. */
  readonly parent?: number
  readonly inherited: number
  /** Tally raw, Σw, Σw² per stage (a cut-flow); false: only used to select fills. */
  readonly tally: boolean
}

/** A histogram of a per-event value over the events passing a selection (null: all). */
export interface FusedFill {
  readonly value: CheckedExpr
  readonly selection: number | null
  readonly binning: Binning
}

export interface FusedPlan {
  readonly selections: readonly FusedSelection[]
  readonly fills: readonly FusedFill[]
}

/** What one run gives: per selection its stage tally (null where not tallied), per fill its histogram. */
export interface FusedResult {
  /** Events that stopped at each stage (index 0..cuts), as stages.ts StageTally. */
  readonly tallies: readonly (StageTally | null)[]
  readonly hists: readonly Hist1D[]
}

export interface FusedKernel {
  /** File columns read, in the kernel's order. */
  readonly columns: readonly string[]
  /**
   * One run over every event of `data` (the file columns; derived variables are inlined).
   * Null when a column is not flat or not `data.entries` long: use the old path.
   */
  run(data: ColumnProvider, weights: Float64Array | number, batch?: number): FusedResult | null
}

/**
 * The kernel of `plan`, or null when some expression cannot be generated (lists, reductions,
 * model outputs). `weights`: whether runs get one weight per event or one for all.
 */
export function fusedKernel(
  plan: FusedPlan,
  names: NameResolver,
  weights: 'array' | 'const',
): FusedKernel | null {
  const inputs = new CodegenInputs()
  const body = loopText(plan, inputs, names, weights)
  if (body === null) return null
  const stages = plan.selections.map((s) => s.cuts.length + 1)
  const R: (TallyState | null)[] = plan.selections.map((s, j) =>
    s.tally
      ? {
          ...createTally(s.cuts.length),
          counts: new Int32Array(stages[j]),
          acc: new Float64Array(4 * stages[j]),
        }
      : null,
  )
  const H = plan.fills.map((f) => createHist(f.binning.bins, f.binning.lo, f.binning.hi))
  return {
    columns: inputs.columns,
    run(data, w, batch = BATCH_EVENTS) {
      if ((typeof w === 'number') !== (weights === 'const')) return null
      const n = data.entries
      const C: NumericArray[] = []
      for (const name of inputs.columns) {
        const c = data.column(name)
        if (c.kind !== 'flat' || c.values.length !== n) return null
        C.push(c.values)
      }
      if (typeof w !== 'number' && w.length !== n) return null
      if (!(batch >= 1)) throw new RangeError(`batch must be ≥ 1, got ${batch}`)
      const fn = instantiate(body, C)
      // The same work arrays every run (zeroed here, copied out below): the generated code
      // then always sees the same objects, about 15 % faster than fresh ones per partition.
      for (const r of R) {
        if (!r) continue
        for (const a of [r.raw, r.sumw, r.sumw2, r.counts, r.acc]) a.fill(0)
      }
      for (const h of H) {
        h.sumw.fill(0)
        h.sumw2.fill(0)
        h.entries = 0
        h.nan = 0
      }
      fn(
        C,
        inputs.functions,
        typeof w === 'number' ? null : w,
        typeof w === 'number' ? w : 0,
        n,
        batch,
        R,
        H,
      )
      return {
        tallies: R.map((r) =>
          r ? { raw: r.raw.slice(), sumw: r.sumw.slice(), sumw2: r.sumw2.slice() } : null,
        ),
        hists: H.map((h) => ({ ...h, sumw: h.sumw.slice(), sumw2: h.sumw2.slice() })),
      }
    },
  }
}

/** Generated functions by text and column types (one per shape, for the whole process). */
const FUNCTIONS_BY_SHAPE = new Map<string, GeneratedLoop>()
const MAX_SHAPES = 256

type GeneratedLoop = (
  C: readonly NumericArray[],
  F: readonly ((...a: number[]) => number)[],
  W: Float64Array | null,
  wc: number,
  n: number,
  B: number,
  R: readonly (TallyState | null)[],
  H: readonly Hist1D[],
) => void

interface TallyState extends StageTally {
  readonly counts: Int32Array
  readonly acc: Float64Array
}

/** Array element types by constructor, a fixed table (the key never holds anything else). */
const TYPE_NAMES = new Map<unknown, string>([
  [Float64Array, 'f64'],
  [Float32Array, 'f32'],
  [Int32Array, 'i32'],
  [Uint32Array, 'u32'],
  [Int16Array, 'i16'],
  [Uint16Array, 'u16'],
  [Int8Array, 'i8'],
  [Uint8Array, 'u8'],
])

function instantiate(body: string, C: readonly NumericArray[]): GeneratedLoop {
  const types = C.map((c) => TYPE_NAMES.get(c.constructor) ?? 'any').join(',')
  const key = `${types}\n${body}`
  let fn = FUNCTIONS_BY_SHAPE.get(key)
  if (!fn) {
    // The text is scalar-codegen.ts output and fixed text only (see both headers); the type
    // list is a comment that gives each array-type combination a function of its own.
    // eslint-disable-next-line no-new-func -- generated text only, see this header and scalar-codegen.ts
    fn = new Function(`'use strict';\n// ${types}\n${PRELUDE}return ${body}`)() as GeneratedLoop
    // A long session in the window edits cuts many times: keep the most recent shapes only.
    if (FUNCTIONS_BY_SHAPE.size >= MAX_SHAPES) FUNCTIONS_BY_SHAPE.clear()
    FUNCTIONS_BY_SHAPE.set(key, fn)
  }
  return fn
}

/** The loop's text, or null when some expression cannot be generated. */
function loopText(
  plan: FusedPlan,
  inputs: CodegenInputs,
  names: NameResolver,
  weights: 'array' | 'const',
): string | null {
  const perEvent: string[] = []
  const flush: string[] = []
  const setup: string[] = []
  const after: string[] = []
  for (const [j, sel] of plan.selections.entries()) {
    // Branch-free: every cut is evaluated and `p` stays 1 while all so far passed, so the
    // stage is the sum of p — no data-dependent branch to mispredict at the failing cut.
    const cuts: string[] = []
    for (let k = sel.inherited; k < sel.cuts.length; k++) {
      const t = testCode(sel.cuts[k], inputs, names)
      if (t === null) return null
      cuts.push(k === sel.inherited ? `let p = +${t}; s${j} += p;` : `p &= +${t}; s${j} += p;`)
    }
    if (sel.parent === undefined) {
      if (sel.inherited !== 0) return null
      perEvent.push(`let s${j} = 0;`)
      if (cuts.length) perEvent.push(`{\n${cuts.join('\n')}\n}`)
    } else {
      const p = sel.parent
      if (!(p >= 0 && p < j) || plan.selections[p].cuts.length !== sel.inherited) return null
      perEvent.push(`let s${j} = s${p};`)
      if (cuts.length) perEvent.push(`if (s${p} === ${sel.inherited}) {\n${cuts.join('\n')}\n}`)
    }
    if (!sel.tally) continue
    const m = sel.cuts.length + 1
    setup.push(
      `const r${j} = R[${j}], n${j} = r${j}.counts, a${j} = r${j}.acc, ` +
        `raw${j} = r${j}.raw, sw${j} = r${j}.sumw, sq${j} = r${j}.sumw2;`,
    )
    if (weights === 'array') {
      // stages.ts addToTally: NaN weights count in raw only; two banks, even and odd events.
      perEvent.push(
        `n${j}[s${j}]++;\n` +
          `{ const o = ((i - lo) & 1) * ${2 * m} + 2 * s${j}; a${j}[o] += q; a${j}[o + 1] += q * q; }`,
      )
      flush.push(
        `for (let s = 0; s < ${m}; s++) {\n` +
          `raw${j}[s] += n${j}[s]; sw${j}[s] += a${j}[2 * s] + a${j}[${2 * m} + 2 * s];\n` +
          `sq${j}[s] += a${j}[2 * s + 1] + a${j}[${2 * m} + 2 * s + 1];\n` +
          `}\nn${j}.fill(0); a${j}.fill(0);`,
      )
    } else {
      perEvent.push(`n${j}[s${j}]++;`)
      flush.push(
        `for (let s = 0; s < ${m}; s++) {\n` +
          `raw${j}[s] += n${j}[s];\n` +
          `if (wc === wc) { sw${j}[s] += n${j}[s] * wc; sq${j}[s] += n${j}[s] * wc * wc; }\n` +
          `}\nn${j}.fill(0);`,
      )
    }
  }
  for (const [k, f] of plan.fills.entries()) {
    const x = numberCode(f.value, inputs, names)
    if (x === null) return null
    const { bins, lo, hi } = f.binning
    if (!(Number.isInteger(bins) && bins >= 1 && Number.isFinite(lo) && Number.isFinite(hi)))
      return null
    const scale = bins / (hi - lo)
    setup.push(`const hw${k} = H[${k}].sumw, hq${k} = H[${k}].sumw2; let nan${k} = 0, ent${k} = 0;`)
    const fill =
      `{ const x = ${x};\n` +
      `if (x !== x || w !== w) nan${k}++;\n` +
      `else { let b;\n` +
      `if (x < ${numberText(lo)}) b = 0; else if (x >= ${numberText(hi)}) b = ${bins + 1};\n` +
      `else { b = ((x - ${numberText(lo)}) * ${numberText(scale)}) | 0; b = b < ${bins} ? b + 1 : ${bins}; }\n` +
      `hw${k}[b] += w; hq${k}[b] += w * w; ent${k}++; } }`
    if (f.selection === null) perEvent.push(fill)
    else {
      const sel = plan.selections[f.selection]
      if (!sel) return null
      perEvent.push(`if (s${f.selection} === ${sel.cuts.length}) ${fill}`)
    }
    after.push(`H[${k}].nan += nan${k}; H[${k}].entries += ent${k};`)
  }
  const cols = inputs.columns.map((_, k) => `const c${k} = C[${k}];`).join('\n')
  const fns = inputs.functions.map((_, k) => `const f${k} = F[${k}];`).join('\n')
  const w = weights === 'array' ? 'const w = W[i];\nconst q = w === w ? w : 0;' : 'const w = wc;'
  return (
    `function fused(C, F, W, wc, n, B, R, H) {\n${cols}\n${fns}\n${setup.join('\n')}\n` +
    `for (let lo = 0; lo < n; lo += B) {\nconst hi = lo + B < n ? lo + B : n;\n` +
    `for (let i = lo; i < hi; i++) {\n${w}\n${inputs.loads()}\n${perEvent.join('\n')}\n}\n` +
    `${flush.join('\n')}\n}\n` +
    `${after.join('\n')}\n}`
  )
}

/**
 * `e` for every event of `data` through generated code (one float64 per event), or null when
 * it cannot be generated: what the fused loop computes for a value, for tests and checks
 * against compile.ts.
 */
export function generatedValues(
  e: CheckedExpr,
  data: ColumnProvider,
  names: NameResolver,
): Float64Array | null {
  const inputs = new CodegenInputs()
  const x = numberCode(e, inputs, names)
  if (x === null) return null
  const C = inputs.columns.map((name) => data.column(name).values)
  const body = `function values(C, F, out, n) {\n${inputs.columns.map((_, k) => `const c${k} = C[${k}];`).join('\n')}\n${inputs.functions.map((_, k) => `const f${k} = F[${k}];`).join('\n')}\nfor (let i = 0; i < n; i++) {\n${inputs.loads()}\nout[i] = ${x};\n}\n}`
  const out = new Float64Array(data.entries)
  ;(instantiate(body, C) as unknown as (...a: unknown[]) => void)(
    C,
    inputs.functions,
    out,
    data.entries,
  )
  return out
}
