/**
 * An event source as a description that crosses to a worker thread or a `hepwb worker`
 * (DESIGN.md §10): plain JSON naming an adapter kind and what that adapter needs to open the
 * same source again (a resolved spec; a project's path). Each adapter registers how it rebuilds
 * its kind; the other side rebuilds a source once and keeps it (and the samples it opened) for
 * the following tasks of the same description, so a run of N partitions opens each sample once
 * per worker, not N times.
 */
import { silentContext, type JobContext } from '../jobs/context'
import type { EventSource, OpenedSample } from './source'

/** A source another thread or process can open again. JSON and structured-clone safe. */
export interface SourceDescription {
  /** The adapter kind registered with defineSourceKind ('spec', 'project'). */
  readonly kind: string
  /**
   * One state of the source (a project edited between two runs gets a new stamp): a worker
   * rebuilds the source on a stamp it has not seen and forgets the oldest.
   */
  readonly stamp: string
  /** What the adapter reopens the source from (its own JSON shape). */
  readonly data: unknown
}

/** A rebuilt source and how to free what it holds (a project's SQLite connection). */
export interface RebuiltSource {
  readonly source: EventSource
  close(): void
}

type SourceOpener = (data: unknown, ctx: JobContext) => Promise<RebuiltSource>

const openers = new Map<string, SourceOpener>()

/** Registers how descriptions of `kind` are opened again (once per kind, at module load). */
export function defineSourceKind(kind: string, open: SourceOpener): void {
  if (openers.has(kind)) throw new Error(`source kind '${kind}' is defined twice`)
  openers.set(kind, open)
}

/** A stamp unique to this process and moment (a source's state as a worker caches it). */
export function newStamp(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
}

interface Cached {
  readonly rebuilt: Promise<RebuiltSource>
  readonly samples: Map<number, Promise<OpenedSample>>
  /** Whatever a task kind prepares once per opened sample and request (checked expressions). */
  readonly prepared: Map<string, unknown>
}

/** Sources kept per process: a run's source and the one before it (a run still finishing). */
const KEEP = 2
const cache = new Map<string, Cached>()
/** Sources this process (thread) has opened, by kind: a stamp it had not seen each time. */
const openings = new Map<string, number>()

/** How many sources of `kind` this process (or worker thread) has opened (logs, tests). */
export function describedOpenings(kind: string): number {
  return openings.get(kind) ?? 0
}

function cached(description: SourceDescription, ctx: JobContext): Cached {
  const key = `${description.kind}\0${description.stamp}`
  let c = cache.get(key)
  if (c) {
    cache.delete(key) // re-inserted below: the map's order is least recently used first
    cache.set(key, c)
    return c
  }
  const open = openers.get(description.kind)
  if (!open) throw new Error(`no event source kind '${description.kind}' in this engine`)
  openings.set(description.kind, describedOpenings(description.kind) + 1)
  c = { rebuilt: open(description.data, ctx), samples: new Map(), prepared: new Map() }
  // A failed open is not kept: the next task tries again (a file that appeared, a retry).
  c.rebuilt.catch(() => cache.delete(key))
  cache.set(key, c)
  while (cache.size > KEEP) {
    const [oldest, old] = cache.entries().next().value as [string, Cached]
    cache.delete(oldest)
    void old.rebuilt.then((r) => r.close()).catch(() => {})
  }
  return c
}

/** The source `description` describes, rebuilt once per process and stamp. */
export async function describedSource(
  description: SourceDescription,
  ctx: JobContext = silentContext(),
): Promise<EventSource> {
  return (await cached(description, ctx).rebuilt).source
}

/**
 * Sample `index` of the described source, opened once per process and stamp, with `name`
 * checked (a project whose samples changed under a running job fails instead of mixing them).
 */
export async function describedSample(
  description: SourceDescription,
  index: number,
  name: string,
  ctx: JobContext = silentContext(),
): Promise<{ source: EventSource; sample: OpenedSample }> {
  const c = cached(description, ctx)
  let opened = c.samples.get(index)
  if (!opened) {
    opened = c.rebuilt.then((r) => r.source.open(index, ctx))
    opened.catch(() => c.samples.delete(index))
    c.samples.set(index, opened)
  }
  const sample = await opened
  const { source } = await c.rebuilt
  if (sample.sample.name !== name)
    throw new Error(
      `sample ${index} of ${source.what} is '${sample.sample.name}' here, ` +
        `'${name}' where the work was planned: the source changed while it ran`,
    )
  return { source, sample }
}

/** A value prepared once per described sample and `key` (a task kind and its request). */
export function describedPrepared<T>(
  description: SourceDescription,
  key: string,
  make: () => T,
): T {
  const c = cache.get(`${description.kind}\0${description.stamp}`)
  if (!c) return make()
  if (!c.prepared.has(key)) c.prepared.set(key, make())
  return c.prepared.get(key) as T
}

/** Closes every rebuilt source (a worker shutting down; tests). */
export async function closeDescribedSources(): Promise<void> {
  const all = [...cache.values()]
  cache.clear()
  for (const c of all) await c.rebuilt.then((r) => r.close()).catch(() => {})
}
