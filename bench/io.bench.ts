/**
 * Reader and histogram throughput: ROOT read rate per compression on the shared test files,
 * CSV parse rate, and the weighted histogram fill of 10^7 events (target ≤ 60 ms).
 * `node --import tsx bench/run.ts root` (or csv, hist) runs a subset.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Bench } from './bench'
import { createHist, fillHist } from '../src/main/engine/data/histogram'
import { readCsvColumns } from '../src/main/engine/io/csv'
import { decodeBigEndian } from '../src/main/engine/io/root-decode'
import { listRootTables, readRootColumns } from '../src/main/engine/io/root'
import { silentContext } from '../src/main/engine/jobs/context'

const SKHEP = fileURLToPath(new URL('../../shared/data/skhep-testdata/', import.meta.url))
const NANO = fileURLToPath(
  new URL('../../shared/data/coffea-samples/nano_tt_v12.root', import.meta.url),
)
const ctx = silentContext()

/** Every readable branch of the HZZ tree (flat and jagged): values decoded per second. */
function rootBench(compression: string): Bench {
  const file = `${SKHEP}uproot-HZZ-${compression}.root`
  let names: string[] = []
  return {
    name: `root-read-hzz-${compression}`,
    unit: 'Mvalues/s',
    n: 7,
    note: '2421 events, 51 branches, file open included',
    setup: async () => {
      names = (await listRootTables(file))[0].columns.map((c) => c.name)
      await readRootColumns(file, 'events', names, ctx) // warm up JIT and codec modules
    },
    run: async () => {
      const t0 = performance.now()
      const cols = await readRootColumns(file, 'events', names, ctx)
      const ms = performance.now() - t0
      let values = 0
      for (const c of cols.values()) values += c.values.length
      return values / ms / 1e3
    },
  }
}

let csvPath = ''
const CSV_ROWS = 200_000

export const benches: Bench[] = [
  ...['zlib', 'lzma', 'lz4', 'zstd', 'uncompressed'].map(rootBench),
  {
    name: 'root-read-nanoaod-3-branches',
    unit: 'ms',
    n: 7,
    note: 'NanoAOD v12 ttbar: 3 of ~1600 branches, file open included',
    setup: async () => {
      await readRootColumns(NANO, 'Events', ['Jet_pt', 'Muon_pt', 'MET_pt'], ctx)
    },
    run: async () => {
      const t0 = performance.now()
      await readRootColumns(NANO, 'Events', ['Jet_pt', 'Muon_pt', 'MET_pt'], ctx)
      return performance.now() - t0
    },
  },
  (() => {
    // Basket bytes → typed array, the per-value cost once baskets are large (real files).
    const bytes = new Uint8Array(8e7).map((_, i) => (i * 7919) & 0xff)
    return {
      name: 'root-decode-float64-1e7',
      unit: 'Mvalues/s',
      n: 7,
      note: 'big-endian basket bytes to Float64Array (float32: half the bytes)',
      run: () => {
        const t0 = performance.now()
        decodeBigEndian(bytes, 0, 1e7, 'float64')
        return 1e7 / (performance.now() - t0) / 1e3
      },
    } satisfies Bench
  })(),
  {
    name: 'csv-parse',
    unit: 'MB/s',
    n: 5,
    note: `${CSV_ROWS} rows × 10 numeric columns, all columns kept`,
    setup: () => {
      const tmp = mkdtempSync(join(tmpdir(), 'hepwb-bench-'))
      // The runner has no teardown hook: remove the generated file when the process exits.
      process.once('exit', () => rmSync(tmp, { recursive: true, force: true }))
      csvPath = join(tmp, 'events.csv')
      const lines = ['a,b,c,d,e,f,g,h,i,j']
      for (let r = 0; r < CSV_ROWS; r++) {
        const row: string[] = []
        for (let c = 0; c < 10; c++) row.push((Math.random() * 200 - 50).toFixed(5))
        lines.push(row.join(','))
      }
      writeFileSync(csvPath, lines.join('\n') + '\n')
    },
    run: async () => {
      const mb = statSync(csvPath).size / 1e6
      const t0 = performance.now()
      await readCsvColumns(csvPath, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], ctx)
      return mb / ((performance.now() - t0) / 1e3)
    },
  },
  (() => {
    const n = 1e7
    const x = new Float64Array(n)
    const w = new Float64Array(n)
    return {
      name: 'hist-fill-1e7',
      unit: 'ms',
      n: 9,
      note: 'weighted (Σw, Σw²), 100 bins, 1/6 overflow; target ≤ 60 ms',
      setup: () => {
        for (let i = 0; i < n; i++) {
          x[i] = Math.random() * 120
          w[i] = 0.5 + Math.random()
        }
        fillHist(createHist(100, 0, 100), x, w) // warm up
      },
      run: () => {
        const h = createHist(100, 0, 100)
        const t0 = performance.now()
        fillHist(h, x, w)
        return performance.now() - t0
      },
    } satisfies Bench
  })(),
]
