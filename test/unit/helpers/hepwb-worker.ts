/**
 * Real `hepwb worker` processes for the cluster tests (from source through tsx, as helpers/cli
 * runs hepwb), and a wait until the cluster's registry lists them.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { connectChecked, type ClusterAddress } from '../../../src/main/engine/cluster/connection'
import { listWorkers } from '../../../src/main/engine/cluster/registry'
import type { WorkerInfo } from '../../../src/shared/contract/cluster'
import { root } from './cli'

export interface WorkerProcess {
  readonly child: ChildProcess
  /** What it wrote to stderr so far (its log). */
  log(): string
  /** Resolves with the exit code (or signal) once it has exited. */
  readonly exited: Promise<number | string>
}

/** `hepwb worker --redis URL ARGS…`; `env` adds variables (HEPWB_REDIS_CA, …). */
export function spawnWorker(url: string, ...args: string[]): WorkerProcess {
  return spawnWorkerWith({}, url, ...args)
}

export function spawnWorkerWith(
  env: Record<string, string>,
  url: string,
  ...args: string[]
): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/main/cli/main.ts'), 'worker', '--redis', url, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HEPWB_BACKEND: undefined, ...env },
    },
  )
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdout?.resume()
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  )
  return { child, log: () => stderr, exited }
}

/** The registry's workers once `predicate` holds for them (polls every 100 ms, up to `ms`). */
export async function waitForWorkers(
  url: string | ClusterAddress,
  predicate: (workers: WorkerInfo[]) => boolean,
  ms = 20_000,
): Promise<WorkerInfo[]> {
  const redis = await connectChecked(typeof url === 'string' ? { url } : url)
  try {
    const deadline = Date.now() + ms
    for (;;) {
      const workers = await listWorkers(redis)
      if (predicate(workers)) return workers
      if (Date.now() > deadline) {
        throw new Error(`workers not as expected after ${ms} ms: ${JSON.stringify(workers)}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    redis.disconnect()
  }
}
