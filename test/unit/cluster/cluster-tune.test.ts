/**
 * `hepwb tune … --cluster redis://…` as a user runs it: a real redis-server (free loopback
 * port) and two real `hepwb worker`s started here; the trials are `tune.trial` tasks the
 * workers run. A seeded random study on the cluster gives the serial run's trials and values,
 * and a worker killed with SIGKILL mid-trial leaves the study complete with that trial run again
 * by the other worker (the same values). The spec names its samples by paths relative to itself
 * (in a temporary folder, not the workers' working directory), so the trial payload must carry
 * what a worker needs.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tuneStudy } from '../../../src/main/engine/app/tune-study'
import { readTuneConfig } from '../../../src/main/cli/commands/tune'
import { clusterExecutor } from '../../../src/main/engine/cluster/redis-executor'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { hepwb, root } from '../helpers/cli'
import { spawnWorker, waitForWorkers, type WorkerProcess } from '../helpers/hepwb-worker'
import { haveRedisServer, startRedis, type RedisServer } from '../helpers/redis-server'
import { KAGGLE } from '../ml/kaggle-higgs'

const skip = !haveRedisServer()
if (skip) console.warn('redis-server is not installed: the cluster tune tests are skipped')

let dir = ''
let config = ''

/** `hepwb tune CONFIG --json ARGS…` as a child process, without blocking this one. */
function tuneAsync(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'src/main/cli/main.ts'), 'tune', config, '--json', ...args],
      { env: { ...process.env, HEPWB_BACKEND: undefined } },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.once('exit', (code) => resolve({ code, out, err }))
  })
}

type Trial = { number: number; params: object; value: number; state: string; epochs: number }
const strip = (r: { trials: (Trial & { seconds?: number })[] }) =>
  r.trials.map(({ seconds: _s, ...t }) => t)

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hepwb-cluster-tune-'))
  const rel = (f: string) => relative(dir, KAGGLE + f)
  writeFileSync(
    join(dir, 'spec.json'),
    JSON.stringify({
      samples: [
        { name: 'sig', role: 'signal', files: [rel('train_sml_sig.csv')], tree: '', missing: -999 },
        { name: 'bkg', role: 'background', files: [rel('train_sml_bg.csv')], tree: '' },
      ],
      variables: [],
      regions: [],
    }),
  )
  config = join(dir, 'study.json')
  writeFileSync(
    config,
    JSON.stringify({
      train: {
        kind: 'mlp',
        spec: 'spec.json',
        inputs: ['DER_mass_MMC', 'DER_mass_vis', 'DER_pt_h', 'PRI_met'],
        split: { test: 0.4, seed: 1 },
        options: { epochs: 3, patience: 0 },
      },
      space: {
        'options.layers': { choice: [[16], [32, 16]] },
        'options.learningRate': { float: [1e-3, 1e-2], log: true },
      },
      objective: { metric: 'auc_test', direction: 'maximize' },
      algorithm: 'random',
      pruner: 'none',
      trials: 4,
      parallel: 2,
      seed: 3,
    }),
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.skipIf(skip)('hepwb tune on a cluster of hepwb workers', { timeout: 180_000 }, () => {
  let redis: RedisServer
  const workers: WorkerProcess[] = []
  let serial: { trials: Trial[] }

  beforeAll(async () => {
    redis = await startRedis()
    for (let i = 0; i < 2; i++)
      workers.push(
        spawnWorker(redis.url, '--threads', '1', '--concurrency', '1', '--lock-seconds', '1'),
      )
    const r = hepwb('tune', config, '--json')
    expect(r.code, r.stderr).toBe(0)
    serial = JSON.parse(r.stdout)
    await waitForWorkers(redis.url, (w) => w.length === 2)
  }, 120_000)
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL')
    await redis?.stop()
  })

  it('a seeded random study gives the serial run’s trials and values', async () => {
    const r = await tuneAsync('--cluster', redis.url)
    expect(r.code, r.err).toBe(0)
    const out = JSON.parse(r.out)
    expect(out.executor).toBe(`cluster ${redis.url}`)
    expect(serial.trials.map((t) => t.state)).toEqual(Array(4).fill('complete'))
    expect(strip(out)).toEqual(strip(serial as never))
  })

  it("the workers' trials send their per-epoch values back live, as the Tune view draws them", async () => {
    const request = await readTuneConfig(config)
    const live = new Map<number, number[]>()
    const result = await tuneStudy(
      { ...request, parallel: 2 },
      clusterExecutor({ url: redis.url }),
      {
        ...silentContext(),
        metric(name, step, value) {
          const trial = /^trial (\d+)\/val_loss$/.exec(name)
          if (!trial) return
          const epochs = live.get(Number(trial[1])) ?? []
          epochs[step] = value
          live.set(Number(trial[1]), epochs)
        },
      },
    )
    expect(result.trials.map((t) => t.state)).toEqual(Array(4).fill('complete'))
    for (const t of result.trials) {
      expect(live.get(t.number)).toHaveLength(3)
      expect(live.get(t.number)).toEqual(t.intermediate)
    }
  })

  it('a worker killed with SIGKILL mid-trial: the trial runs again elsewhere, same values', async () => {
    const victim = workers[0]
    const run = tuneAsync('--cluster', redis.url)
    await waitForWorkers(
      redis.url,
      (w) => w.some((x) => x.pid === victim.child.pid && x.tasks.length > 0),
      60_000,
    )
    victim.child.kill('SIGKILL')
    expect(await victim.exited).toBe('SIGKILL')
    const r = await run
    expect(r.code, r.err).toBe(0)
    const out = JSON.parse(r.out)
    expect(strip(out)).toEqual(strip(serial as never))
    // The other worker ran every trial to the end, the killed one's included.
    expect(workers[1].log()).toMatch(/done tune\.trial task 0/)
  })
})
