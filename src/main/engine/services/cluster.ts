/**
 * Settings → Cluster: the named cluster (a Redis URL and password), where the window's passes
 * over events run (this machine or the cluster), and a connection test that lists the live
 * workers. `clusterChoice()` is what the event-pass services run their tasks on.
 *
 * The settings are read from the config folder once (at the first request) and then kept in
 * memory, updated by `cluster.set`: a request does not read a file. The cluster's executor is
 * kept too, and replaced (the old one closed) when Settings name another cluster or password.
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
import {
  readClusterSettings,
  writeClusterSettings,
  type StoredClusterSettings,
} from '../store/cluster-settings'
import { configDir } from '../store/recent'
import { appVersion } from '../version'
import type { Handlers } from './env'

/** The settings as last read or written, with the config folder they belong to. */
let kept: { dir: string; settings: StoredClusterSettings } | undefined

/**
 * The stored settings, read from the file once per config folder (a test or a second profile
 * that points HEPWB_CONFIG_DIR elsewhere reads that one's), then from memory.
 */
function settings(): StoredClusterSettings {
  const dir = configDir()
  if (kept?.dir !== dir) kept = { dir, settings: readClusterSettings() }
  return kept.settings
}

function saveSettings(s: StoredClusterSettings): void {
  writeClusterSettings(s)
  kept = { dir: configDir(), settings: s }
}

function state(): ClusterState {
  const s = settings()
  return { place: s.place, url: s.url, hasPassword: Boolean(s.password) }
}

/** $HEPWB_REDIS_CA (a private CA's PEM file for rediss://), as the CLI takes it too. */
function ca(): { ca?: string } {
  return process.env.HEPWB_REDIS_CA ? { ca: process.env.HEPWB_REDIS_CA } : {}
}

/** The named cluster's address, or null. */
function namedAddress(): ClusterAddress | null {
  const s = settings()
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

/** The named cluster's executor, kept between requests, and the address it was made for. */
let chosen: { key: string; executor: TaskExecutor; shared: TaskExecutor } | undefined

/** Closes the kept executor (Settings named another cluster or chose this machine). */
function retire(): void {
  const old = chosen
  chosen = undefined
  void old?.executor.close().catch(() => {})
}

/**
 * The cluster's executor when Settings say the window's work runs there; else undefined. The
 * same executor serves every request until Settings change; its users' close() leaves it open
 * (it belongs to the settings, as the shared pool belongs to the engine).
 */
export function clusterChoice(): TaskExecutor | undefined {
  const s = settings()
  const address = s.place === 'cluster' ? namedAddress() : null
  if (!address) {
    retire()
    return undefined
  }
  const key = JSON.stringify([address.url, address.password ?? null, address.ca ?? null])
  if (chosen?.key !== key) {
    retire()
    const executor = clusterExecutor(address)
    chosen = {
      key,
      executor,
      shared: {
        describe: () => executor.describe(),
        run: (...args) => executor.run(...args),
        close: async () => {},
      },
    }
  }
  return chosen.shared
}

export function clusterHandlers(): Handlers<'cluster.get' | 'cluster.set' | 'cluster.status'> {
  return {
    'cluster.get': () => state(),
    'cluster.set': ({ url, password, place }) => {
      const old = settings()
      const trimmed = url.trim()
      if (trimmed) checkedAddress({ url: trimmed })
      if (place === 'cluster' && !trimmed) {
        throw new Error('name a cluster (its Redis URL) before choosing to run work there')
      }
      // No password given: keep the stored one for the same URL (the window never gets it back).
      const keep = password === undefined && old.url === trimmed ? old.password : undefined
      const pw = password === undefined ? keep : password || undefined
      saveSettings({
        place,
        url: trimmed || null,
        ...(trimmed && pw ? { password: pw } : {}),
      })
      // The next request builds the executor of the new settings; the old one goes now.
      if (place !== 'cluster' || old.url !== trimmed || old.password !== pw) retire()
      return state()
    },
    'cluster.status': async ({ url, password }) => {
      if (url !== undefined && url.trim()) {
        const stored = settings()
        const pw = password ?? (stored.url === url.trim() ? stored.password : undefined)
        return clusterStatus({ url: url.trim(), password: pw || undefined, ...ca() })
      }
      const address = namedAddress()
      if (!address) throw new Error('no cluster is named: give its Redis URL (redis://HOST:PORT)')
      return clusterStatus(address)
    },
  }
}
