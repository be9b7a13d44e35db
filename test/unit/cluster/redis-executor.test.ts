/**
 * The cluster executor against a real redis-server (started here on a free loopback port) and
 * real `hepwb worker` processes: the same results as this process, a worker killed with
 * SIGKILL mid-run, cancel, a stopped Redis, a worker of another version, a password.
 * Tasks are `cluster.probe` (a column summed as partition partials are: NaN, ±Infinity and a
 * Float64Array histogram cross the wire), with a delay so several run at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inlineExecutor, type Task, type TaskExecutor } from '../../../src/main/engine/app/task'
import { encodeTaskValue } from '../../../src/main/engine/app/task-codec'
import { connectChecked } from '../../../src/main/engine/cluster/connection'
import { clusterExecutor } from '../../../src/main/engine/cluster/redis-executor'
import { startWorker } from '../../../src/main/engine/cluster/redis-worker'
import { poolExecutor } from '../../../src/main/engine/cluster/pool'
import { PROBE_KIND } from '../../../src/main/engine/cluster/probe-task'
import { PREFIX, QUEUE } from '../../../src/main/engine/cluster/protocol'
import { CancelledError, silentContext } from '../../../src/main/engine/jobs/context'
import {
  spawnWorker,
  spawnWorkerWith,
  waitForWorkers,
  type WorkerProcess,
} from '../helpers/hepwb-worker'
import { freePort, haveRedisServer, startRedis, type RedisServer } from '../helpers/redis-server'

const skip = !haveRedisServer()
/** Tasks in the worker's own thread: probes need no cores, and threads would only add start-up. */
const IN_PROCESS = ['--threads', '1']
if (skip) console.warn('redis-server is not installed: the cluster tests are skipped')

/** Tasks whose values hold NaN and ±Infinity; `delayMs` each. */
function probeTasks(n: number, delayMs: number): Task[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: PROBE_KIND,
    payload: {
      values: new Float64Array([i * 0.37, NaN, 3.5, -Infinity, i % 4, 1e-300 * i]),
      delayMs,
    },
  }))
}

/** The results in the order handed back, as JSON text (with the codec: NaN and arrays exact). */
async function runJson(
  executor: TaskExecutor,
  tasks: Task[],
  ctx = silentContext(),
): Promise<{ json: string; order: number[]; progress: number[] }> {
  const results: unknown[] = []
  const order: number[] = []
  const progress: number[] = []
  await executor.run(tasks, { ...ctx, progress: (f) => progress.push(f) }, (i, r) => {
    order.push(i)
    results[i] = r
  })
  return { json: encodeTaskValue(results), order, progress }
}

describe.skipIf(skip)('cluster executor on Redis with hepwb workers', () => {
  let redis: RedisServer
  const workers: WorkerProcess[] = []

  beforeAll(async () => {
    redis = await startRedis()
    for (let i = 0; i < 3; i++)
      workers.push(
        spawnWorker(redis.url, ...IN_PROCESS, '--concurrency', '2', '--lock-seconds', '1'),
      )
    await waitForWorkers(redis.url, (w) => w.length === 3)
  })
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL')
    await redis?.stop()
  })

  it('lists the live workers with host, pid, cores and version', async () => {
    const listed = await waitForWorkers(redis.url, (w) => w.length === 3)
    expect(listed.map((w) => w.pid).sort()).toEqual(workers.map((w) => w.child.pid).sort())
    for (const w of listed) {
      expect(w.cores).toBeGreaterThan(0)
      expect(w.concurrency).toBe(2)
      expect(w.version).toMatch(/^\d+\.\d+\.\d+/)
      expect(w.tasks).toEqual([])
    }
  })

  it('gives the same results as this process, in task order, with progress to 1', async () => {
    const tasks = probeTasks(12, 150)
    const local = await runJson(inlineExecutor, probeTasks(12, 0))
    const t0 = performance.now()
    const remote = await runJson(clusterExecutor({ url: redis.url }), tasks)
    const seconds = (performance.now() - t0) / 1000
    expect(remote.json).toBe(local.json)
    expect(remote.order).toEqual([...Array(12).keys()])
    expect(remote.progress.at(-1)).toBe(1)
    // 12 × 0.15 s on 3 workers × 2: well under the 1.8 s one after the other.
    expect(seconds).toBeLessThan(1.5)
    // The run leaves no jobs behind in Redis.
    const r = await connectChecked({ url: redis.url })
    const jobKeys = (await r.keys(`${PREFIX}:${QUEUE}:*`)).filter((k) => /-\d+$/.test(k))
    expect(jobKeys).toEqual([])
    r.disconnect()
  })

  it('refuses, with a clear error, tasks sent by another engine version', async () => {
    const executor = clusterExecutor({ url: redis.url }, { version: '0.0.0-other' })
    await expect(runJson(executor, probeTasks(3, 0))).rejects.toThrow(
      /runs engine \d+\.\d+\.\d+\S* and refused a task sent by engine 0\.0\.0-other/,
    )
  })

  it("fails with the worker's message when a task fails", async () => {
    const tasks: Task[] = [
      ...probeTasks(2, 0),
      { kind: PROBE_KIND, payload: { values: new Float64Array(1), fail: 'no such branch' } },
    ]
    await expect(runJson(clusterExecutor({ url: redis.url }), tasks)).rejects.toThrow(
      /cluster\.probe task 2 failed on worker .* \(pid \d+\): no such branch/,
    )
  })

  it('cancel removes the queued tasks and stops the running ones', async () => {
    const abort = new AbortController()
    const run = runJson(
      clusterExecutor({ url: redis.url }),
      probeTasks(30, 5000),
      silentContext(abort.signal),
    )
    await waitForWorkers(redis.url, (w) => w.filter((x) => x.tasks.length > 0).length === 3)
    const t0 = performance.now()
    abort.abort()
    await expect(run).rejects.toBeInstanceOf(CancelledError)
    // Running tasks (5 s each) stop at once; nothing is left queued.
    await waitForWorkers(redis.url, (w) => w.every((x) => x.tasks.length === 0), 3000)
    expect(performance.now() - t0).toBeLessThan(3000)
    const r = await connectChecked({ url: redis.url })
    expect(await r.llen(`${PREFIX}:${QUEUE}:wait`)).toBe(0)
    r.disconnect()
  })

  it('loses nothing when a worker is killed with SIGKILL mid-task', async () => {
    // Last in this group: it kills one of the three workers.
    const victim = workers[0]
    const tasks = probeTasks(16, 400)
    const local = await runJson(inlineExecutor, probeTasks(16, 0))
    const run = runJson(clusterExecutor({ url: redis.url }), tasks)
    // Kill it while it holds a task.
    await waitForWorkers(redis.url, (w) =>
      w.some((x) => x.pid === victim.child.pid && x.tasks.length > 0),
    )
    victim.child.kill('SIGKILL')
    expect(await victim.exited).toBe('SIGKILL')
    expect((await run).json).toBe(local.json)
  })

  it('a worker given SIGTERM finishes the task it holds, leaves the list and exits 0', async () => {
    const w = workers[1]
    const run = runJson(clusterExecutor({ url: redis.url }), probeTasks(6, 600))
    await waitForWorkers(redis.url, (list) =>
      list.some((x) => x.pid === w.child.pid && x.tasks.length > 0),
    )
    w.child.kill('SIGTERM')
    expect(await w.exited).toBe(0)
    expect(w.log()).toContain('stopping (finishing the running tasks)')
    expect((await run).json).toBe((await runJson(inlineExecutor, probeTasks(6, 0))).json)
    await waitForWorkers(redis.url, (list) => !list.some((x) => x.pid === w.child.pid), 1000)
  })
})

describe.skipIf(skip)('cluster executor without Redis', () => {
  it('an unreachable Redis is a clear error at once, not a hang', async () => {
    const port = await freePort() // nothing listens there
    const t0 = performance.now()
    await expect(
      runJson(clusterExecutor({ url: `redis://127.0.0.1:${port}` }), probeTasks(2, 0)),
    ).rejects.toThrow(`cannot reach Redis at redis://127.0.0.1:${port}: connection refused`)
    expect(performance.now() - t0).toBeLessThan(2000)
  })

  it('a Redis stopped during the run fails it within the time allowed', async () => {
    const redis = await startRedis()
    const run = runJson(
      clusterExecutor({ url: redis.url }, { unreachableMs: 1000 }),
      probeTasks(2, 0),
    )
    run.catch(() => {})
    await new Promise((r) => setTimeout(r, 300)) // queued; no worker takes them
    await redis.stop()
    const t0 = performance.now()
    await expect(run).rejects.toThrow(/lost the cluster's Redis for 1 s during the run/)
    expect(performance.now() - t0).toBeLessThan(4000)
  })

  it('hepwb worker exits 1 naming the address when Redis cannot be reached', async () => {
    const port = await freePort()
    const w = spawnWorker(`redis://127.0.0.1:${port}`)
    expect(await w.exited).toBe(1)
    expect(w.log()).toContain(`cannot reach Redis at redis://127.0.0.1:${port}: connection refused`)
  })

  it('takes a password (in the URL) and says when it is wrong, masked', async () => {
    const redis = await startRedis({ requirePass: 's3cret' })
    try {
      const w = spawnWorker(redis.url, '--concurrency', '1')
      await waitForWorkers(redis.url, (list) => list.length === 1)
      const local = await runJson(inlineExecutor, probeTasks(2, 0))
      expect((await runJson(clusterExecutor({ url: redis.url }), probeTasks(2, 0))).json).toBe(
        local.json,
      )
      const wrong = `redis://:nope@127.0.0.1:${redis.port}`
      await expect(runJson(clusterExecutor({ url: wrong }), probeTasks(1, 0))).rejects.toThrow(
        `Redis at redis://:***@127.0.0.1:${redis.port} refused the password`,
      )
      await expect(
        runJson(clusterExecutor({ url: `redis://127.0.0.1:${redis.port}` }), probeTasks(1, 0)),
      ).rejects.toThrow('requires a password')
      w.child.kill('SIGTERM')
      expect(await w.exited).toBe(0)
    } finally {
      await redis.stop()
    }
  })

  it('speaks TLS (rediss://), trusting a private CA named by HEPWB_REDIS_CA', async () => {
    const redis = await startRedis({ tls: true })
    try {
      const ca = redis.ca as string
      const w = spawnWorkerWith({ HEPWB_REDIS_CA: ca }, redis.url, '--concurrency', '1')
      await waitForWorkers({ url: redis.url, ca }, (list) => list.length === 1)
      const local = await runJson(inlineExecutor, probeTasks(2, 0))
      const remote = await runJson(clusterExecutor({ url: redis.url, ca }), probeTasks(2, 0))
      expect(remote.json).toBe(local.json)
      // Without the CA the self-signed certificate is refused, and the message says what to do.
      await expect(runJson(clusterExecutor({ url: redis.url }), probeTasks(1, 0))).rejects.toThrow(
        /TLS: .*certificate.*HEPWB_REDIS_CA/,
      )
      w.child.kill('SIGTERM')
      expect(await w.exited).toBe(0)
    } finally {
      await redis.stop()
    }
  })

  it('a worker runs its tasks on a pool of threads when given one', async () => {
    const redis = await startRedis()
    const worker = await startWorker(
      { url: redis.url },
      { concurrency: 2, runner: poolExecutor(1) },
    )
    try {
      const tasks = [
        ...probeTasks(3, 0),
        { kind: PROBE_KIND, payload: { values: new Float64Array(1), fail: 'in a thread' } },
      ]
      const local = await runJson(inlineExecutor, tasks.slice(0, 3))
      expect((await runJson(clusterExecutor({ url: redis.url }), tasks.slice(0, 3))).json).toBe(
        local.json,
      )
      // The pool names where the task failed: proof it ran on a thread.
      await expect(runJson(clusterExecutor({ url: redis.url }), tasks)).rejects.toThrow(
        /task 3 failed on worker .*: in a thread \(task 'cluster\.probe' 1 of 1, in a worker thread\)/,
      )
    } finally {
      await worker.close()
      await redis.stop()
    }
  })
})
