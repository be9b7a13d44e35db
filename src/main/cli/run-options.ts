/**
 * Where a command's passes over events run and under what memory: the global options
 * `--threads N` (N threads: the command's own and N − 1 worker threads; 1: the command's own
 * thread alone, no pool; default: the machine's cores),
 * `--cluster redis://HOST:PORT` (the `hepwb worker`s of a cluster) and `--memory SIZE` (the budget partitions are sized by, e.g. 2G, 512M; default from the
 * machine's memory). The program reads them before every command (a preAction hook), so every
 * command that opens an event source (event-source.ts) runs with them.
 */
import type { Command } from 'commander'
import type { TaskExecutor } from '../engine/app/task'
import { checkedAddress, type ClusterAddress } from '../engine/cluster/connection'
import { defaultThreads, poolExecutor } from '../engine/cluster/pool'
import { clusterExecutor } from '../engine/cluster/redis-executor'
import { UsageError } from './action'

export interface RunOptions {
  threads?: string
  memory?: string
  /** A cluster's Redis URL: passes run on its `hepwb worker`s instead of here. */
  cluster?: string
}

let current: RunOptions = {}

/** Adds --threads and --memory to the program and remembers them before each command runs. */
export function registerRunOptions(program: Command): void {
  program
    .option('--threads <n>', 'worker threads for passes over events (default: the cores)')
    .option('--memory <size>', 'memory budget for passes over events, e.g. 2G or 512M')
    .option(
      '--cluster <url>',
      'run passes over events on the hepwb workers of this Redis (redis://HOST:PORT, rediss:// for TLS)',
    )
    .hook('preAction', (_program, command) => {
      current = command.optsWithGlobals<RunOptions>()
    })
}

/** The run options of the command running now. */
export function runOptions(): RunOptions {
  return current
}

/** --threads as a number (default: the machine's cores). */
export function threadsOption(options: RunOptions = current): number {
  if (options.threads === undefined) return defaultThreads()
  const n = Number(options.threads)
  if (!(Number.isInteger(n) && n >= 1))
    throw new UsageError(`--threads must be a whole number ≥ 1, got '${options.threads}'`)
  return n
}

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }

/** --memory in bytes, or undefined when not given. Accepts 123, 512M, 2G, 1.5G (binary units). */
export function memoryOption(options: RunOptions = current): number | undefined {
  if (options.memory === undefined) return undefined
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*$/i.exec(options.memory)
  const bytes = m ? Number(m[1]) * UNITS[m[2].toUpperCase()] : NaN
  if (!(bytes >= 2 ** 20))
    throw new UsageError(
      `--memory must be a size of at least 1M (e.g. 512M, 2G), got '${options.memory}'`,
    )
  return Math.floor(bytes)
}

/**
 * A cluster address from a URL option; the password may come from $HEPWB_REDIS_PASSWORD (so it
 * is not on the command line) and, for rediss://, a private CA's PEM file from $HEPWB_REDIS_CA.
 */
export function clusterAddress(url: string): ClusterAddress {
  const password = process.env.HEPWB_REDIS_PASSWORD || undefined
  const ca = process.env.HEPWB_REDIS_CA || undefined
  try {
    return checkedAddress({ url, password, ca })
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
}

/**
 * Runs `fn` with the executor --cluster or --threads asks for (undefined for one thread: this
 * thread), closing its threads after. The command's thread is one of the N (the pool's main
 * lane): it has nothing else to do while the pass runs, and a worker thread of its own would
 * cost its start-up and warm-up (≈ 0.3 CPU-s) for no gain.
 */
export async function withRunExecutor<T>(
  fn: (executor: TaskExecutor | undefined) => Promise<T>,
  options: RunOptions = current,
): Promise<T> {
  const threads = threadsOption(options)
  const executor = options.cluster
    ? clusterExecutor(clusterAddress(options.cluster))
    : threads > 1
      ? poolExecutor(threads, { mainLane: true })
      : undefined
  try {
    return await fn(executor)
  } finally {
    await executor?.close()
  }
}
