/**
 * The signal grid (app/signal-grid.ts) on the full ATLAS 1Lbb patchset: 125 points, each patched,
 * compiled and tested in this process (the inline executor). Issue 13's limit: CLs observed and
 * expected for all 125 points in ≤ 30 s on this machine. The first run also reads and parses the
 * two files (kept per process after it).
 */
import { runSignalGrid } from '../src/main/engine/app/signal-grid'
import { silentContext } from '../src/main/engine/jobs/context'
import { timeMs, type Bench } from './bench'

const DATA = `${import.meta.dirname ?? __dirname}/../../shared/data/hepdata-pyhf-extractor_1Lbb/`
const request = { workspace: `${DATA}1Lbb_BkgOnly.json`, patchset: `${DATA}patchsets_v1.json.gz` }

/** CPU seconds (user + system) of this process spent in `fn`: less sensitive than wall time to a machine shared by many. */
async function cpuSeconds(fn: () => Promise<unknown>): Promise<number> {
  const c0 = process.cpuUsage()
  await fn()
  const c = process.cpuUsage(c0)
  return (c.user + c.system) / 1e6
}

export const benches: Bench[] = [
  {
    name: 'grid-1Lbb-125-hypotest-cpu',
    unit: 'cpu-s',
    n: 1,
    note: 'the same grid, CPU seconds of this process (wall time on a loaded machine overstates)',
    run: () =>
      cpuSeconds(() =>
        runSignalGrid({ ...request, settings: { hypotest: true } }, silentContext()),
      ),
  },
  {
    name: 'grid-1Lbb-125-hypotest',
    unit: 's',
    n: 3,
    note: 'CLs at μ = 1, observed and expected ±1σ ±2σ, 125 points, one core; limit ≤ 30 s',
    run: async () =>
      (await timeMs(() =>
        runSignalGrid({ ...request, settings: { hypotest: true } }, silentContext()),
      )) / 1000,
  },
  {
    name: 'grid-1Lbb-125-limit',
    unit: 's',
    n: 1,
    note: 'CLs upper limits (observed, expected ±1σ ±2σ) by root finding, 125 points, one core',
    run: async () =>
      (await timeMs(() =>
        runSignalGrid({ ...request, settings: { hypotest: false, limit: true } }, silentContext()),
      )) / 1000,
  },
]
