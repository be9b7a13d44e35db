/**
 * The live workers of a cluster: each `hepwb worker` keeps a key of its own in Redis (its host,
 * pid, cores, engine version and current tasks as JSON) with a time-to-live that its heartbeat
 * renews. A worker that stops (or is killed) vanishes from the list within TTL_MS.
 */
import type { Redis } from 'ioredis'
import { WorkerInfo } from '../../../shared/contract/cluster'
import { WORKER_KEY_PATTERN, workerKey } from './protocol'

/** Heartbeat period and key lifetime (ms): a dead worker is gone from the list within 6 s. */
export const HEARTBEAT_MS = 2000
export const TTL_MS = 6000

/** Writes (or renews) `info`'s registry entry. */
export async function announceWorker(redis: Redis, info: WorkerInfo): Promise<void> {
  await redis.set(workerKey(info.id), JSON.stringify(info), 'PX', TTL_MS)
}

/** Removes `id`'s entry (a worker that stops gracefully). */
export async function withdrawWorker(redis: Redis, id: string): Promise<void> {
  await redis.del(workerKey(id))
}

/** The live workers, by host then pid; entries that do not parse are skipped. */
export async function listWorkers(redis: Redis): Promise<WorkerInfo[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', WORKER_KEY_PATTERN, 'COUNT', 500)
    keys.push(...batch)
    cursor = next
  } while (cursor !== '0')
  if (!keys.length) return []
  const values = await redis.mget(...keys)
  const workers: WorkerInfo[] = []
  for (const v of values) {
    if (v === null) continue // expired between SCAN and MGET
    try {
      const parsed = WorkerInfo.safeParse(JSON.parse(v))
      if (parsed.success) workers.push(parsed.data)
    } catch {
      // not JSON: not one of ours
    }
  }
  return workers.sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid)
}
