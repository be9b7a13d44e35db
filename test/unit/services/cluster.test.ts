/**
 * Settings → Cluster through the real engine service: naming a cluster (kept in the config
 * folder, the password never sent back), the connection test with its live workers (a real
 * redis-server and an in-process worker), and clear errors for a bad URL or a stopped Redis.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorker, type RunningWorker } from '../../../src/main/engine/cluster/redis-worker'
import { inProcessEngine } from '../helpers/engine'
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
})
