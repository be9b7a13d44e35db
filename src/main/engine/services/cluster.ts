/**
 * Settings → Cluster: the named cluster (a Redis URL and password), where the window's passes
 * over events run (this machine or the cluster), and a connection test that lists the live
 * workers. `executor()` is what the event-pass services run their tasks on.
 */
import type { ClusterState, ClusterStatus } from '../../../shared/contract/cluster'
import type { TaskExecutor } from '../app/task'
import {
  connectChecked,
  maskedUrl,
  checkedAddress,
  type ClusterAddress,
} from '../cluster/connection'
import { clusterExecutor } from '../cluster/redis-executor'
import { listWorkers } from '../cluster/registry'
import { readClusterSettings, writeClusterSettings } from '../store/cluster-settings'
import { appVersion } from '../version'
import type { Handlers } from './env'

function state(): ClusterState {
  const s = readClusterSettings()
  return { place: s.place, url: s.url, hasPassword: Boolean(s.password) }
}

/** $HEPWB_REDIS_CA (a private CA's PEM file for rediss://), as the CLI takes it too. */
function ca(): { ca?: string } {
  return process.env.HEPWB_REDIS_CA ? { ca: process.env.HEPWB_REDIS_CA } : {}
}

/** The named cluster's address, or null. */
function namedAddress(): ClusterAddress | null {
  const s = readClusterSettings()
  return s.url ? { url: s.url, password: s.password, ...ca() } : null
}

/** Connects to `address` and lists its live workers (throws a clear error when unreachable). */
export async function clusterStatus(address: ClusterAddress): Promise<ClusterStatus> {
  const redis = await connectChecked(checkedAddress(address))
  try {
    const t0 = performance.now()
    await redis.ping()
    const latencyMs = Math.round((performance.now() - t0) * 100) / 100
    const server = await redis.info('server')
    const redisVersion = /redis_version:(\S+)/.exec(server)?.[1] ?? 'unknown'
    return {
      url: maskedUrl(address.url),
      redisVersion,
      latencyMs,
      workers: await listWorkers(redis),
      version: appVersion(),
    }
  } finally {
    redis.disconnect()
  }
}

/** The cluster's executor when Settings say the window's work runs there; else undefined. */
export function clusterChoice(): TaskExecutor | undefined {
  const s = readClusterSettings()
  const address = namedAddress()
  return s.place === 'cluster' && address ? clusterExecutor(address) : undefined
}

export function clusterHandlers(): Handlers<'cluster.get' | 'cluster.set' | 'cluster.status'> {
  return {
    'cluster.get': () => state(),
    'cluster.set': ({ url, password, place }) => {
      const old = readClusterSettings()
      const trimmed = url.trim()
      if (trimmed) checkedAddress({ url: trimmed })
      if (place === 'cluster' && !trimmed) {
        throw new Error('name a cluster (its Redis URL) before choosing to run work there')
      }
      // No password given: keep the stored one for the same URL (the window never gets it back).
      const keep = password === undefined && old.url === trimmed ? old.password : undefined
      const pw = password === undefined ? keep : password || undefined
      writeClusterSettings({
        place,
        url: trimmed || null,
        ...(trimmed && pw ? { password: pw } : {}),
      })
      return state()
    },
    'cluster.status': async ({ url, password }) => {
      if (url !== undefined && url.trim()) {
        const stored = readClusterSettings()
        const pw = password ?? (stored.url === url.trim() ? stored.password : undefined)
        return clusterStatus({ url: url.trim(), password: pw || undefined, ...ca() })
      }
      const address = namedAddress()
      if (!address) throw new Error('no cluster is named: give its Redis URL (redis://HOST:PORT)')
      return clusterStatus(address)
    },
  }
}
