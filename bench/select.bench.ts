/**
 * Selection benchmarks: compiled cuts over 10^7 events of two float64 columns (set-up and
 * compilation excluded; each run evaluates the mask once over all events).
 */
import { compile } from '../src/main/engine/select/compile'
import { compileMask, type CompiledMask } from '../src/main/engine/select/mask'
import { columnProvider, type ColumnProvider } from '../src/main/engine/select/provider'
import { timeMs, type Bench } from './bench'

const N = 10_000_000

let data: ColumnProvider | undefined

/** Two flat columns, uniform in [0, 3) from a fixed-seed LCG (reproducible, no dependency). */
function makeData(): ColumnProvider {
  if (data) return data
  const a = new Float64Array(N)
  const b = new Float64Array(N)
  let s = 12345
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return (3 * s) / 2 ** 32
  }
  for (let i = 0; i < N; i++) {
    a[i] = next()
    b[i] = next()
  }
  data = columnProvider({
    a: { kind: 'flat', type: 'float64', values: a },
    b: { kind: 'flat', type: 'float64', values: b },
  })
  return data
}

/**
 * Times one evaluation of a compiled cut. With `reuse`, the mask goes into the same buffer each
 * time, as an engine looping over batches does; without, every run allocates a fresh 10 MB
 * mask (first-touch page faults included).
 */
function maskBench(name: string, expr: string, reuse: boolean, note: string): Bench {
  let cut: CompiledMask | undefined
  const out = reuse ? new Uint8Array(N) : undefined
  return {
    name,
    unit: 'ms',
    n: 9,
    note,
    setup() {
      cut = compileMask(expr, makeData())
      cut.evaluate(undefined, out) // warm-up: let V8 optimise the loops before timing
    },
    run: () => timeMs(() => cut?.evaluate(undefined, out)),
  }
}

/** 10^6 events with 0–7 jets each (mean 3.5), pt in [0, 100) GeV, eta in [-3, 3). */
function makeJets(): ColumnProvider {
  const n = 1_000_000
  const offsets = new Int32Array(n + 1)
  let s = 777
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + Math.floor(8 * next())
  const m = offsets[n]
  const pt = new Float32Array(m)
  const eta = new Float32Array(m)
  for (let j = 0; j < m; j++) {
    pt[j] = 100 * next()
    eta[j] = 6 * next() - 3
  }
  const ht = new Float64Array(n)
  for (let i = 0; i < n; i++) ht[i] = 400 * next()
  return columnProvider({
    Jet_pt: { kind: 'jagged', type: 'float32', offsets, values: pt },
    Jet_eta: { kind: 'jagged', type: 'float32', offsets, values: eta },
    HT: { kind: 'flat', type: 'float64', values: ht },
  })
}

export const benches: Bench[] = [
  maskBench(
    'select-cut2-1e7',
    'a > 1 && b < 2',
    true,
    "'a > 1 && b < 2', 1e7 events; target ≤ 50 ms",
  ),
  maskBench('select-cut2-fresh-1e7', 'a > 1 && b < 2', false, 'same, new mask array per run'),
  maskBench('select-cut4-1e7', 'a > 1 && b < 2 || a * b > 4 && !(b == 0)', true, '1e7 events'),
  (() => {
    const expr = 'Sum(Jet_pt[Jet_pt > 30 && abs(Jet_eta) < 2.4]) > 0.5 * HT'
    let cut: CompiledMask | undefined
    const out = new Uint8Array(1_000_000)
    return {
      name: 'select-jagged-1e6',
      unit: 'ms',
      n: 7,
      note: `'${expr}', 1e6 events, 3.5 jets/event`,
      setup() {
        cut = compileMask(expr, makeJets())
        cut.evaluate(undefined, out)
      },
      run: () => timeMs(() => cut?.evaluate(undefined, out)),
    }
  })(),
  (() => {
    const expr = 'sqrt(a * a + b * b) / (a + 1)'
    let run: (() => unknown) | undefined
    return {
      name: 'select-arith-1e7',
      unit: 'ms',
      n: 5,
      note: `'${expr}' as float64 column, 1e7 events`,
      setup() {
        const c = compile(expr, makeData())
        run = () => c.evaluate()
        run()
      },
      run: () => timeMs(() => run?.()),
    }
  })(),
]
