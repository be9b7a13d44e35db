/**
 * Settings → Cluster through the real engine service: naming a cluster (kept in the config
 * folder, the password never sent back), the connection test with its live workers (a real
 * redis-server and an in-process worker), and clear errors for a bad URL or a stopped Redis.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorker, type RunningWorker } from '../../../src/main/engine/cluster/redis-worker'
import { PROBE_KIND } from '../../../src/main/engine/cluster/probe-task'
import { clusterChoice } from '../../../src/main/engine/services/cluster'
import { cutsHandlers } from '../../../src/main/engine/services/cuts'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { dataHandlers } from '../../../src/main/engine/services/data'
import { Project } from '../../../src/main/engine/store/project'
import { SampleSpec } from '../../../src/shared/contract/data'
import { inProcessEngine } from '../helpers/engine'
import { serviceEnv } from '../helpers/service-env'
import { SKHEP } from '../io/shared-data'
import { freePort, haveRedisServer, startRedis, type RedisServer } from '../helpers/redis-server'

describe.skipIf(!haveRedisServer())('cluster settings and connection test', () => {
  let dir = ''
  let redis: RedisServer
  let worker: RunningWorker
  const before = process.env.HEPWB_CONFIG_DIR

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hepwb-cluster-settings-'))
    process.env.HEPWB_CONFIG_DIR = dir
    redis = await startRedis({ requirePass: 'pw' })
    worker = await startWorker({ url: redis.url }, { concurrency: 3 })
  })
  afterAll(async () => {
    await worker?.close()
    await redis?.stop()
    if (before === undefined) delete process.env.HEPWB_CONFIG_DIR
    else process.env.HEPWB_CONFIG_DIR = before
    rmSync(dir, { recursive: true, force: true })
  })

  it('names a cluster, keeps the password to itself, and lists the live workers', async () => {
    const engine = inProcessEngine()
    expect(await engine.call('cluster.get', {})).toEqual({
      place: 'local',
      url: null,
      hasPassword: false,
    })
    const url = `redis://127.0.0.1:${redis.port}`
    expect(await engine.call('cluster.set', { url, password: 'pw', place: 'cluster' })).toEqual({
      place: 'cluster',
      url,
      hasPassword: true,
    })
    const file = join(dir, 'cluster.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8')).password).toBe('pw')
    // Choosing again without a password keeps the stored one.
    await engine.call('cluster.set', { url, place: 'cluster' })
    const status = await engine.call('cluster.status', {})
    expect(status.url).toBe(url)
    expect(status.redisVersion).toMatch(/^\d+\.\d+/)
    expect(status.workers).toHaveLength(1)
    expect(status.workers[0]).toMatchObject({ pid: process.pid, concurrency: 3, tasks: [] })
    expect(status.workers[0].cores).toBeGreaterThan(0)
  })

  it('tests a URL before it is saved, and says why it cannot connect', async () => {
    const engine = inProcessEngine()
    await expect(
      engine.call('cluster.status', { url: `redis://:wrong@127.0.0.1:${redis.port}` }),
    ).rejects.toThrow(`Redis at redis://:***@127.0.0.1:${redis.port} refused the password`)
    const port = await freePort()
    await expect(
      engine.call('cluster.status', { url: `redis://127.0.0.1:${port}` }),
    ).rejects.toThrow(`cannot reach Redis at redis://127.0.0.1:${port}: connection refused`)
    await expect(engine.call('cluster.set', { url: 'http://x', place: 'local' })).rejects.toThrow(
      'must start with redis:// or rediss:// (TLS)',
    )
    await expect(engine.call('cluster.set', { url: '', place: 'cluster' })).rejects.toThrow(
      'name a cluster',
    )
  })

  it("runs the Cuts view's cut-flow there when chosen, and shows a refusing worker's error", async () => {
    const engine = inProcessEngine()
    const url = `redis://127.0.0.1:${redis.port}`
    const project = Project.create(join(dir, 'cuts.hepwb'))
    try {
      const { env, waitForJob } = serviceEnv(project)
      const data = dataHandlers(env)
      const cuts = cutsHandlers(env)
      // Two files: two partitions, so the pass is shared out as tasks.
      const files = [SKHEP + 'uproot-Zmumu.root', SKHEP + 'uproot-Zmumu-zstd.root']
      const spec = SampleSpec.parse({
        name: 'Z',
        role: 'background',
        colour: '#1f77b4',
        files,
        table: 'events',
      })
      await waitForJob((await data['data.addSample']({ spec })).jobId)
      await cuts['cuts.saveRegion']({
        region: { name: 'SR', blinded: false, cuts: [{ expr: 'Q1 * Q2 < 0' }, { expr: 'M > 80' }] },
      })
      await engine.call('cluster.set', { url, place: 'local' })
      const here = await cuts['cuts.cutflow']({ region: 'SR', sigmaB: 0 })
      await engine.call('cluster.set', { url, place: 'cluster' })
      const done = worker.info().done
      expect(await cuts['cuts.cutflow']({ region: 'SR', sigmaB: 0 })).toEqual(here)
      expect(worker.info().done).toBeGreaterThan(done)

      // A worker of another engine version takes the tasks: the error says so.
      await worker.close()
      worker = await startWorker({ url, password: 'pw' }, { version: '9.9.9' })
      await expect(cuts['cuts.cutflow']({ region: 'SR', sigmaB: 0 })).rejects.toThrow(
        /runs engine 9\.9\.9 and refused a task sent by engine \d+\.\d+\.\d+/,
      )
    } finally {
      project.close()
    }
  })
})

describe.skipIf(!haveRedisServer())('the cluster choice follows Settings, from memory', () => {
  let dir = ''
  const servers: RedisServer[] = []
  const workers: RunningWorker[] = []
  const before = process.env.HEPWB_CONFIG_DIR

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hepwb-cluster-choice-'))
    process.env.HEPWB_CONFIG_DIR = dir
    for (let i = 0; i < 2; i++) {
      servers.push(await startRedis())
      workers.push(await startWorker({ url: servers[i].url }, { concurrency: 1 }))
    }
  })
  afterAll(async () => {
    for (const w of workers) await w.close()
    for (const r of servers) await r.stop()
    if (before === undefined) delete process.env.HEPWB_CONFIG_DIR
    else process.env.HEPWB_CONFIG_DIR = before
    rmSync(dir, { recursive: true, force: true })
  })

  /** Runs one probe task on the chosen cluster; which worker took it tells where it ran. */
  async function probe(): Promise<number[]> {
    const executor = clusterChoice()
    if (!executor) throw new Error('no cluster chosen')
    const done = workers.map((w) => w.info().done)
    await executor.run(
      [{ kind: PROBE_KIND, payload: { values: new Float64Array([1, 2]) } }],
      silentContext(),
      () => {},
    )
    return workers.map((w, i) => w.info().done - done[i])
  }

  it('keeps one executor per named cluster, rebuilt when Settings change, without reading the file per request', async () => {
    const engine = inProcessEngine()
    const [a, b] = servers.map((r) => `redis://127.0.0.1:${r.port}`)
    await engine.call('cluster.set', { url: a, place: 'cluster' })
    const first = clusterChoice()
    expect(first?.describe()).toBe(`cluster ${a}`)
    // Every request gets the same executor.
    expect(clusterChoice()).toBe(first)
    // The file is read once: what changes it behind the engine's back is not seen per request.
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify({ place: 'local', url: null }))
    expect(clusterChoice()).toBe(first)
    expect(await probe()).toEqual([1, 0])
    // A user's close() (a tuning study ending) leaves the kept executor usable.
    await first?.close()
    expect(await probe()).toEqual([1, 0])

    // Settings name another cluster: a new executor there, the old one retired.
    await engine.call('cluster.set', { url: b, place: 'cluster' })
    const second = clusterChoice()
    expect(second).not.toBe(first)
    expect(second?.describe()).toBe(`cluster ${b}`)
    expect(await probe()).toEqual([0, 1])
    expect(JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8'))).toEqual({
      place: 'cluster',
      url: b,
    })

    // This machine again: no cluster executor; choosing the same cluster builds a fresh one.
    await engine.call('cluster.set', { url: b, place: 'local' })
    expect(clusterChoice()).toBeUndefined()
    expect(await engine.call('cluster.get', {})).toEqual({
      place: 'local',
      url: b,
      hasPassword: false,
    })
    await engine.call('cluster.set', { url: b, place: 'cluster' })
    expect(clusterChoice()).not.toBe(second)
    expect(await probe()).toEqual([0, 1])
  })
})
