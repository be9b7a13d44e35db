/**
 * Cut-flow benchmark (target ≤ 1 s): one region of 10 cuts over 3 samples of 10^7 events each,
 * with per-event float64 weights, columns generated in memory (set-up excluded; mask compilation
 * and every pass over the events included). `node --import tsx bench/run.ts cutflow`.
 */
import type { Column } from '../src/shared/column'
import { CutCompiler } from '../src/main/engine/select/cut-compiler'
import { sampleCutflow, type PreparedSample } from '../src/main/engine/select/cutflow'
import { assembleCutflow, type SampleOutcome } from '../src/main/engine/select/cutflow-result'
import { columnProvider } from '../src/main/engine/select/provider'
import { resolveRegions, type ResolvedRegion } from '../src/main/engine/select/regions'
import { checkExpr, requireScalar } from '../src/shared/expr'
import { runCutflow } from '../src/main/engine/app/cutflow'
import type { Partition } from '../src/main/engine/app/partition'
import type { EventSource } from '../src/main/engine/app/source'
import { sliceProvider } from '../src/main/engine/select/batch'
import { checkVariables } from '../src/main/engine/select/derived'
import { timeMs, type Bench } from './bench'

const EVENTS = 10_000_000

/** Ten cuts of the usual kinds: thresholds, windows, a product, a combination, a function. */
const CUTS = [
  'pt1 > 20',
  'pt2 > 15',
  'abs(eta1) < 2.4',
  'abs(eta2) < 2.4',
  'q1 * q2 < 0',
  'm > 40 && m < 200',
  'pt1 + pt2 > 50',
  'met < 120',
  'm > 60',
  'abs(m - 91) < 30',
]

let samples: PreparedSample[] | undefined
let regions: ResolvedRegion[] | undefined

/** Fixed-seed LCG in [0, 1): reproducible, no dependency. */
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** A sample of EVENTS events: float32 kinematics, int32 charges, float64 weights. */
function makeSample(name: string, role: PreparedSample['role'], seed: number): PreparedSample {
  const next = lcg(seed)
  const f32 = (fn: () => number): Column => {
    const v = new Float32Array(EVENTS)
    for (let i = 0; i < EVENTS; i++) v[i] = fn()
    return { kind: 'flat', type: 'float32', values: v }
  }
  const charge = (): Column => {
    const v = new Int32Array(EVENTS)
    for (let i = 0; i < EVENTS; i++) v[i] = next() < 0.5 ? -1 : 1
    return { kind: 'flat', type: 'int32', values: v }
  }
  const weights = new Float64Array(EVENTS)
  for (let i = 0; i < EVENTS; i++) weights[i] = 0.5 + next()
  const data = columnProvider({
    pt1: f32(() => -40 * Math.log(1 - next())),
    pt2: f32(() => -30 * Math.log(1 - next())),
    eta1: f32(() => 6 * next() - 3),
    eta2: f32(() => 6 * next() - 3),
    q1: charge(),
    q2: charge(),
    m: f32(() => 20 + 180 * next()),
    met: f32(() => -50 * Math.log(1 - next())),
  })
  return { name, role, group: name, data, weights }
}

function makeSamples(): PreparedSample[] {
  return [
    makeSample('signal', 'signal', 1),
    makeSample('background', 'background', 2),
    makeSample('other', 'background', 3),
  ]
}

function run(): number {
  const ss = samples ?? []
  const rs = regions ?? []
  // One compiler per cut-flow, as the CLI does: later samples reuse the first one's buffers.
  const cuts = new CutCompiler()
  const outcomes: SampleOutcome[] = ss.map((s) => ({
    name: s.name,
    role: s.role,
    group: s.group,
    cutflow: sampleCutflow(s, rs, { cuts }),
  }))
  return assembleCutflow(outcomes, rs, 0.1).significance.SR.length
}

/**
 * The same samples as an event source (app/source.ts) whose partitions are views of the
 * in-memory columns, `parts` per sample: what the application layer's cut-flow adds to the
 * selection engine (partition loop, merge) without any reading.
 */
function memorySource(parts: number): EventSource {
  const ss = samples ?? []
  const regions = [{ name: 'SR', blinded: false, cuts: CUTS.map((expr) => ({ expr })) }]
  return {
    what: 'the benchmark',
    samples: () => ss.map(memorySourceSample),
    variables: () => ({ variables: [], computed: [] }),
    regions: () => regions,
    open: async (index) => {
      const s = ss[index]
      const variables = checkVariables([], s.data.symbols, '')
      const size = Math.ceil(EVENTS / parts)
      const partitions: Partition[] = Array.from({ length: parts }, (_, i) => ({
        index: i,
        sample: index,
        file: '',
        fileIndex: 0,
        offset: 0,
        range: { start: i * size, stop: Math.min(EVENTS, (i + 1) * size) },
      }))
      return {
        index,
        sample: memorySourceSample(s),
        context: '',
        variables,
        unreadable: [],
        check(expr) {
          const r = checkExpr(expr, s.data.symbols)
          const c = r.ok ? requireScalar(r.value, 'a cut') : r
          if (!c.ok) throw c.error
          return c.value
        },
        partitions: async () => partitions,
        read: async (p) => ({
          data: sliceProvider(s.data, p.range.start, p.range.stop),
          weights: (s.weights as Float64Array).subarray(p.range.start, p.range.stop),
        }),
        release() {},
      }
    },
  }
}

function memorySourceSample(s: PreparedSample) {
  return {
    name: s.name,
    role: s.role,
    group: s.group,
    weight: 'w',
    normalisation: { kind: 'none' as const },
    missing: null,
  }
}

function appBench(parts: number): Bench {
  return {
    name: `cutflow-app-3x1e7-${parts}part`,
    unit: 'ms',
    n: 5,
    note: `the same through app/cutflow.ts, ${parts} partition(s) per sample`,
    async setup() {
      samples ??= makeSamples()
      await runCutflow(memorySource(parts)) // warm-up
    },
    run: async () => {
      const t0 = performance.now()
      await runCutflow(memorySource(parts))
      return performance.now() - t0
    },
  }
}

export const benches: Bench[] = [
  {
    name: 'cutflow-10cuts-3x1e7',
    unit: 'ms',
    n: 5,
    note: '10 cuts, 3 samples × 1e7 events, float64 weights; target ≤ 1000 ms',
    setup() {
      samples = makeSamples()
      regions = resolveRegions([
        { name: 'SR', blinded: false, cuts: CUTS.map((expr) => ({ expr })) },
      ])
      run() // warm-up: let V8 optimise the loops before timing
    },
    run: () => timeMs(run),
  },
  appBench(1),
  appBench(10),
]
