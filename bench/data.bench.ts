/**
 * Re-binning a 10^6-event variable through the Data service round trip (target ≤ 100 ms): the
 * request validated as the engine validates it, the `data.histogram` handler (weighted fill of
 * every sample, column already decoded), the result serialised to JSON and validated as the
 * renderer validates it. `npm run bench -- data` runs it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Bench } from './bench'
import { methods, parseRequest } from '../src/shared/api'
import { dataHandlers } from '../src/main/engine/services/data'
import { Project } from '../src/main/engine/store/project'
import { serviceEnv } from '../test/unit/helpers/service-env'

const EVENTS = 1_000_000
let handlers: ReturnType<typeof dataHandlers> | undefined
let request = 0

/** A project with one weighted sample of EVENTS events (x ~ falling spectrum, w ~ 0.5–1.5). */
async function setup(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'hepwb-bench-data-'))
  process.once('exit', () => rmSync(tmp, { recursive: true, force: true }))
  const csv = join(tmp, 'events.csv')
  const lines = ['x,w']
  for (let i = 0; i < EVENTS; i++)
    lines.push(
      `${(-30 * Math.log(1 - Math.random())).toFixed(4)},${(0.5 + Math.random()).toFixed(4)}`,
    )
  writeFileSync(csv, lines.join('\n') + '\n')
  const project = Project.create(join(tmp, 'bench.hepwb'))
  const { env, waitForJob } = serviceEnv(project)
  handlers = dataHandlers(env)
  const { jobId } = await handlers['data.addSample']({
    spec: {
      name: 'bench',
      role: 'background',
      group: '',
      colour: '#6baed6',
      files: [csv],
      table: '',
      weight: 'w',
      normalisation: { kind: 'scale', factor: 2 },
      missing: null,
    },
  })
  await waitForJob(jobId)
  await rebin(50) // decodes the column once; what follows is re-binning
}

/** One request → handler → JSON → validated result, as across the process boundary. */
async function rebin(bins: number): Promise<void> {
  const parsed = parseRequest({
    type: 'request',
    id: ++request,
    method: 'data.histogram',
    params: { variable: 'x', bins, lo: 0, hi: 200 },
  })
  if (!parsed.ok || parsed.request.method !== 'data.histogram') throw new Error('bad request')
  const result = await handlers!['data.histogram'](
    parsed.request.params as Parameters<NonNullable<typeof handlers>['data.histogram']>[0],
  )
  methods['data.histogram'].result.parse(JSON.parse(JSON.stringify(result)))
}

let bins = 40

export const benches: Bench[] = [
  {
    name: 'data-rebin-1e6',
    unit: 'ms',
    n: 9,
    note: 'data.histogram round trip, 10^6 weighted events, bins changed each run; target ≤ 100 ms',
    setup,
    run: async () => {
      bins = bins === 40 ? 100 : 40
      const t0 = performance.now()
      await rebin(bins)
      return performance.now() - t0
    },
  },
]
