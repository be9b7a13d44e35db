/**
 * The per-task message channel of TaskExecutor.run (`onMessage`): what a task reports through
 * its context while it runs — metrics (NaN and ±Infinity included) and log lines — comes back
 * from a worker thread (a MessagePort per task) and from a `hepwb worker` on a real redis-server
 * (BullMQ job progress), each task's messages in order and before its result, as in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  inlineExecutor,
  type Task,
  type TaskExecutor,
  type TaskMessage,
} from '../../../src/main/engine/app/task'
import { poolExecutor } from '../../../src/main/engine/cluster/pool'
import { PROBE_KIND } from '../../../src/main/engine/cluster/probe-task'
import { clusterExecutor } from '../../../src/main/engine/cluster/redis-executor'
import { startWorker, type RunningWorker } from '../../../src/main/engine/cluster/redis-worker'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { haveRedisServer, startRedis, type RedisServer } from '../helpers/redis-server'

const VALUES = [
  [0.5, NaN, Infinity],
  [-Infinity, 2, -0],
  [3, 1e-300, NaN],
]

const tasks = (report: boolean): Task[] =>
  VALUES.map((v, i) => ({
    kind: PROBE_KIND,
    payload: { values: new Float64Array(v), report, delayMs: 10 * (VALUES.length - i) },
  }))

/** Every message and result as a line, per task in the order they came. */
async function transcript(executor: TaskExecutor, report = true) {
  const lines = VALUES.map(() => [] as string[])
  const all: string[] = []
  await executor.run(
    tasks(report),
    silentContext(),
    (i) => {
      lines[i].push('result')
      all.push(`result ${i}`)
    },
    undefined,
    (i, m: TaskMessage) =>
      lines[i].push(
        m.type === 'metric'
          ? `${m.name} ${m.step} ${Object.is(m.value, -0) ? '-0' : m.value}`
          : `log ${m.message}`,
      ),
  )
  return { lines, all }
}

const EXPECTED = VALUES.map((v) => [
  ...v.map((x, k) => `value ${k} ${Object.is(x, -0) ? '-0' : x}`),
  'log 3 values',
  'result',
])

describe('per-task messages', { timeout: 60_000 }, () => {
  it('in this process', async () => {
    expect((await transcript(inlineExecutor)).lines).toEqual(EXPECTED)
  })

  it('from worker threads, before each result', async () => {
    const pool = poolExecutor(2)
    try {
      const { lines, all } = await transcript(pool)
      expect(lines).toEqual(EXPECTED)
      expect(all).toEqual(['result 0', 'result 1', 'result 2'])
      // Without onMessage nothing crosses but the results (the pool's plain path).
      const results: number[] = []
      await pool.run(tasks(false), silentContext(), (i) => results.push(i))
      expect(results).toEqual([0, 1, 2])
    } finally {
      await pool.close()
    }
  })

  describe.skipIf(!haveRedisServer())('from hepwb workers on Redis', () => {
    let redis: RedisServer
    let workers: RunningWorker[] = []
    beforeAll(async () => {
      redis = await startRedis()
      workers = [
        await startWorker({ url: redis.url }, { concurrency: 2 }),
        // A worker whose tasks run on its own threads passes the channel on to them.
        await startWorker({ url: redis.url }, { concurrency: 1, runner: poolExecutor(1) }),
      ]
    })
    afterAll(async () => {
      for (const w of workers) await w.close()
      await redis?.stop()
    })

    it('as BullMQ job progress, before each result', async () => {
      const executor = clusterExecutor({ url: redis.url }, { pollMs: 60_000 })
      const { lines } = await transcript(executor)
      expect(lines).toEqual(EXPECTED)
      expect(workers.reduce((s, w) => s + w.info().done, 0)).toBe(3)
    })
  })
})
