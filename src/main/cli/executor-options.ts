/**
 * Where a command's passes over events run: this process (default) or a cluster of
 * `hepwb worker`s (`--cluster redis://HOST:PORT`). Every event-pass command takes these options
 * through `executorOptions(command)` and turns them into a TaskExecutor with `executorFrom`.
 */
import type { Command } from 'commander'
import { inlineExecutor, type TaskExecutor } from '../engine/app/task'
import { checkedAddress, type ClusterAddress } from '../engine/cluster/connection'
import { clusterExecutor } from '../engine/cluster/redis-executor'
import { UsageError } from './action'

export interface ExecutorOptions {
  cluster?: string
}

/**
 * A cluster address from a URL option; the password may come from $HEPWB_REDIS_PASSWORD and,
 * for rediss://, the certificate authority's PEM file from $HEPWB_REDIS_CA.
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

/** Adds --cluster to `command`. */
export function executorOptions(command: Command): Command {
  return command.option(
    '--cluster <url>',
    'run on the hepwb workers of this Redis (redis://HOST:PORT, rediss:// for TLS); password: in the URL or $HEPWB_REDIS_PASSWORD',
  )
}

/** The executor the options name. */
export function executorFrom(options: ExecutorOptions): TaskExecutor {
  return options.cluster ? clusterExecutor(clusterAddress(options.cluster)) : inlineExecutor
}
