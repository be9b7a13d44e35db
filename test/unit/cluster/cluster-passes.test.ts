/**
 * Passes over events on a cluster (issue 13, item 3): a real redis-server and three real
 * `hepwb worker` processes run the cut-flow, histogram and statistics partitions of real files
 * (a ROOT jagged two-file chain, the Kaggle CSV with weights and a missing-value marker), and
 * the answers equal this process's to the last bit; `hepwb cutflow --cluster` prints the same
 * JSON as `hepwb cutflow`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCutflow } from '../../../src/main/engine/app/cutflow'
import { runHistogram } from '../../../src/main/engine/app/histogram'
import { runStatistics } from '../../../src/main/engine/app/statistics'
import { runOn, type EventSource } from '../../../src/main/engine/app/source'
import { specSource } from '../../../src/main/engine/app/spec-source'
import type { EntryRange } from '../../../src/main/engine/io/schema'
import { clusterExecutor } from '../../../src/main/engine/cluster/redis-executor'
import { parseSpec, type AnalysisSpec } from '../../../src/shared/spec'
import { hepwb } from '../helpers/cli'
import { spawnWorker, waitForWorkers, type WorkerProcess } from '../helpers/hepwb-worker'
import { haveRedisServer, startRedis, type RedisServer } from '../helpers/redis-server'
import { SKHEP } from '../io/shared-data'
import { KAGGLE_BACKGROUND_SPEC } from '../ml/kaggle-higgs'

/** Ranges of 211 entries: many partitions, so every worker gets some. */
function small(entries: number): EntryRange[] {
  const out: EntryRange[] = []
  for (let s = 0; s < entries; s += 211) out.push({ start: s, stop: Math.min(entries, s + 211) })
  return out
}

const CASES = [
  {
    name: 'ROOT jagged, two-file chain',
    spec: {
      samples: [
        {
          name: 'dy',
          files: [
            SKHEP + 'uproot-small-dy-withoffsets.root',
            SKHEP + 'uproot-small-dy-nooffsets.root',
          ],
          tree: 'tree',
          role: 'background',
        },
      ],
      variables: [{ name: 'ptlead', expr: 'Max(Muon_pt)' }],
      regions: [
        { name: 'mu', cuts: [{ expr: 'nMuon >= 1' }, { expr: 'Count(Muon_pt > 5) >= 1' }] },
        { name: 'jet', parent: 'mu', cuts: [{ expr: 'Sum(Jet_pt[Jet_pt > 20]) > 30' }] },
      ],
    },
    hist: { expr: 'ptlead', bins: 20, lo: 0, hi: 60, region: 'mu' },
  },
  {
    name: 'CSV with weights and a missing-value marker',
    spec: KAGGLE_BACKGROUND_SPEC,
    hist: { expr: 'DER_mass_jet_jet', bins: 30, lo: 0, hi: 1500, region: 'SR' },
  },
]

function spec(json: unknown): AnalysisSpec {
  const r = parseSpec(json)
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.spec
}

async function answers(source: EventSource, hist: (typeof CASES)[number]['hist']) {
  const { expr, bins, lo, hi, region } = hist
  return {
    cutflow: (await runCutflow(source)).result,
    hist: await runHistogram(source, { expr, binning: { bins, lo, hi }, region }),
    stats: await runStatistics(source, { expr, region }),
  }
}

describe.skipIf(!haveRedisServer())('passes over events on a cluster of hepwb workers', () => {
  let redis: RedisServer
  const workers: WorkerProcess[] = []
  let dir = ''

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hepwb-cluster-passes-'))
    redis = await startRedis()
    // Tasks in each worker's own thread: worker threads would only add start-up here
    // (redis-executor.test.ts runs a worker on a thread pool).
    for (let i = 0; i < 3; i++) {
      workers.push(spawnWorker(redis.url, '--concurrency', '2', '--threads', '1'))
    }
    await waitForWorkers(redis.url, (w) => w.length === 3)
  })
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL')
    await redis?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Tasks the workers have finished, all together. */
  async function doneByWorkers(): Promise<number> {
    const listed = await waitForWorkers(redis.url, (w) => w.length === 3)
    return listed.reduce((n, w) => n + w.done, 0)
  }

  for (const c of CASES) {
    it(`${c.name}: the same cut-flow, histogram and statistics as here`, async () => {
      const source = specSource(spec(c.spec), { split: small })
      const inline = await answers(source, c.hist)
      expect(Object.values(inline.hist.samples)[0].entries).toBeGreaterThan(0)
      const cluster = clusterExecutor({ url: redis.url })
      expect(await answers(runOn(source, cluster), c.hist)).toStrictEqual(inline)
      // Every worker took part (many partitions, three workers).
      const listed = await waitForWorkers(redis.url, (w) => w.length === 3)
      expect(listed.every((w) => w.done > 0)).toBe(true)
    })
  }

  it('hepwb cutflow --cluster prints the same JSON as hepwb cutflow', async () => {
    const file = join(dir, 'spec.json')
    // A chain of two files: two partitions, so the pass is shared out as tasks.
    writeFileSync(file, JSON.stringify(CASES[0].spec))
    const local = hepwb('cutflow', file, '--json', '--threads', '1')
    expect(local.code, local.stderr).toBe(0)
    const before = await doneByWorkers()
    const remote = hepwb('cutflow', file, '--json', '--cluster', redis.url)
    expect(remote.code, remote.stderr).toBe(0)
    expect(remote.stdout).toBe(local.stdout)
    // The workers ran it (a --cluster that ran here would leave their counts as they were).
    expect(await doneByWorkers()).toBeGreaterThan(before)
    const bad = hepwb('cutflow', file, '--json', '--cluster', 'http://127.0.0.1:1')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('must start with redis:// or rediss://')
  })
})
