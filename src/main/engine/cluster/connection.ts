/**
 * Reaching the cluster's Redis: `redis://[:PASSWORD@]HOST:PORT[/DB]` or `rediss://…` (TLS),
 * with an optional password given apart from the URL (the window's password field, or
 * `HEPWB_REDIS_PASSWORD`). ioredis parses the URL and speaks TLS for rediss://. Every
 * connection has bounded timeouts, so an unreachable or stopped Redis is an error with the
 * address in it, never a hang; messages show the URL with its password masked.
 */
import { readFileSync } from 'node:fs'
import { Redis, type RedisOptions } from 'ioredis'

/** Where the cluster is. */
export interface ClusterAddress {
  /** redis://HOST:PORT or rediss://HOST:PORT (a password in it is allowed). */
  readonly url: string
  /** Overrides a password in the URL when given. */
  readonly password?: string
  /**
   * For rediss://: a PEM file of the certificate authority that signed the server's certificate
   * (an institute's own CA; the system's CAs are trusted anyway).
   */
  readonly ca?: string
}

/** What every connection to `address` takes besides its URL: password, the CA for TLS. */
function addressOptions(address: ClusterAddress): RedisOptions {
  const tls = address.ca && address.url.startsWith('rediss:')
  return {
    ...(address.password ? { password: address.password } : {}),
    ...(tls ? { tls: { ca: readCa(address.ca as string) } } : {}),
  }
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file)
  } catch (e) {
    throw new Error(`cannot read the CA certificate ${file}: ${(e as Error).message}`)
  }
}

/** Connect timeout per attempt (ms): a host that does not answer SYN fails this fast. */
const CONNECT_TIMEOUT_MS = 5000

/** The URL checked: redis:// or rediss:// with a host; a usage error otherwise. */
export function checkedAddress(address: ClusterAddress): ClusterAddress {
  let parsed: URL
  try {
    parsed = new URL(address.url)
  } catch {
    throw new Error(`'${maskedUrl(address.url)}' is not a Redis URL (redis://HOST:PORT)`)
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(
      `'${maskedUrl(address.url)}' is not a Redis URL: it must start with redis:// or rediss:// (TLS)`,
    )
  }
  if (!parsed.hostname) throw new Error(`'${maskedUrl(address.url)}' names no host`)
  return address
}

/** The URL with its password (if any) replaced by ***, for messages and the window. */
export function maskedUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@')
}

/**
 * A Redis connection for `address`. `blocking` connections (BullMQ workers and event readers)
 * retry commands across reconnects for ever, as BullMQ requires; the others give up on a
 * command after two reconnect attempts, so a stopped Redis surfaces as an error.
 */
export function openRedis(
  address: ClusterAddress,
  options: { blocking?: boolean; lazy?: boolean } = {},
): Redis {
  const extra: RedisOptions = {
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: options.blocking ? null : 2,
    // Back off up to 2 s between attempts; the executor's watchdog decides when to give up.
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
    lazyConnect: options.lazy ?? false,
    ...addressOptions(address),
  }
  const redis = new Redis(checkedAddress(address).url, extra)
  // Without a listener ioredis prints every failed reconnect; the watchdogs report instead.
  redis.on('error', () => {})
  return redis
}

/** A message for a failed connection or command, with the masked address. */
export function redisProblem(address: ClusterAddress, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e)
  const code = (e as { code?: string }).code
  const where = `Redis at ${maskedUrl(address.url)}`
  if (code === 'ECONNREFUSED')
    return `cannot reach ${where}: connection refused (is redis-server running there?)`
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot reach ${where}: unknown host`
  if (code === 'ETIMEDOUT' || /timeout/i.test(message))
    return `cannot reach ${where}: no answer (timed out)`
  if (/WRONGPASS|invalid password|invalid username-password/i.test(message))
    return `${where} refused the password`
  if (
    /certificate|self[- ]signed|SSL|TLS/i.test(message) ||
    /^(CERT_|DEPTH_|ERR_TLS|ERR_SSL)/.test(code ?? '')
  )
    return `${where}: TLS: ${message} (for a private certificate authority set HEPWB_REDIS_CA to its PEM file)`
  if (/NOAUTH/i.test(message))
    return `${where} requires a password (give it in the URL or the password field)`
  return `${where}: ${message}`
}

/**
 * Connects once, without retrying, and checks the server answers (PING): the clear error of
 * an unreachable Redis before any work is queued. Returns the open connection (non-blocking).
 */
export async function connectChecked(address: ClusterAddress): Promise<Redis> {
  const redis = new Redis(checkedAddress(address).url, {
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    lazyConnect: true,
    enableOfflineQueue: false,
    ...addressOptions(address),
  })
  // connect() rejects with "Connection is closed."; the cause is in the error event before it.
  let cause: unknown
  redis.on('error', (e) => (cause ??= e))
  try {
    await redis.connect()
    await redis.ping()
  } catch (e) {
    redis.disconnect()
    throw new Error(redisProblem(address, cause ?? e), { cause: cause ?? e })
  }
  return redis
}

/** `promise`, or `fallback()` after `ms` (closing connections must not hang on a dead Redis). */
export async function within<T>(promise: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(fallback())
      } catch (e) {
        reject(e)
      }
    }, ms)
  })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}
