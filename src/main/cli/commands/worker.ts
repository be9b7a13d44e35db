/**
 * `hepwb worker --redis URL [--concurrency N]`: a cluster worker (engine/cluster/redis-worker.ts).
 * Tasks run on a pool of min(--concurrency, --threads) worker threads (one thread: in the
 * worker's own). Runs until SIGTERM or SIGINT, then finishes the tasks it holds, leaves the
 * workers list and exits 0. Log lines go to stderr; with --json the last line on stdout is a summary.
 */
import type { Command } from 'commander'
import { availableParallelism } from 'node:os'
import { startWorker } from '../../engine/cluster/redis-worker'
import { UsageError, action, type GlobalOptions } from '../action'
import { poolExecutor } from '../../engine/cluster/pool'
import { clusterAddress, threadsOption } from '../run-options'

interface WorkerOptions extends GlobalOptions {
  redis: string
  concurrency?: string
  lockSeconds?: string
}

interface WorkerSummary {
  worker: string
  host: string
  tasks: number
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!(Number.isFinite(n) && n > 0))
    throw new UsageError(`${name} must be a number > 0, got '${value}'`)
  return n
}

async function worker(options: WorkerOptions): Promise<WorkerSummary> {
  const concurrency = Math.floor(
    positive('--concurrency', options.concurrency, availableParallelism()),
  )
  const lockMs = positive('--lock-seconds', options.lockSeconds, 30) * 1000
  // Tasks on threads (as many as run at once, at most --threads): a CPU-bound partition each.
  const threads = Math.min(concurrency, threadsOption())
  const running = await startWorker(clusterAddress(options.redis), {
    concurrency,
    lockMs,
    runner: threads > 1 ? poolExecutor(threads) : undefined,
    log: (line) => process.stderr.write(`hepwb worker: ${line}\n`),
  })
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  })
  process.stderr.write('hepwb worker: stopping (finishing the running tasks)\n')
  await running.close()
  const info = running.info()
  return { worker: info.id, host: info.host, tasks: info.done }
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('a cluster worker: takes tasks (partitions, signal points, trials) from Redis')
    .requiredOption(
      '--redis <url>',
      'redis://HOST:PORT or rediss://HOST:PORT (TLS); password: in the URL or $HEPWB_REDIS_PASSWORD',
    )
    .option('--concurrency <n>', 'tasks run at once (default: the number of cores)')
    .option(
      '--lock-seconds <s>',
      "a dead worker's tasks are retried elsewhere after about twice this (default 30)",
    )
    .action(
      action<WorkerOptions, WorkerSummary>(
        (_args, options) => worker(options),
        (r) => `worker ${r.worker} stopped after ${r.tasks} tasks`,
      ),
    )
}
