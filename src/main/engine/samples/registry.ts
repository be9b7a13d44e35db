/**
 * The samples of the open project as the engine holds them: one LoadedSample per sample, opened
 * on first use and kept until the sample changes or the project closes. Decoded columns are
 * cached on disk beside the project, in `<project>-cache/` (e.g. `ana.hepwb-cache/`).
 */
import type { SampleSpec } from '../../../shared/contract/data'
import { ColumnCache } from '../data/column-cache'
import type { JobContext } from '../jobs/context'
import type { Project } from '../store/project'
import { listVariables } from '../store/regions'
import { type StoredSample, getSample, listSamples, updateSample } from '../store/samples'
import {
  type CheckedSample,
  LoadedSample,
  checkSample,
  loadSample,
  openSample,
} from './loaded-sample'
import { variablesReadByExpr } from './derived-columns'

/** Folder of a project's column cache. */
export function cacheDirOf(projectPath: string): string {
  return `${projectPath}-cache`
}

interface Entry {
  /** The spec the sample was opened with; a different spec reopens it. */
  key: string
  sample: Promise<LoadedSample>
}

export class SampleRegistry {
  readonly cache: ColumnCache
  private readonly open = new Map<string, Entry>()
  /** Samples whose opening finished, by id (for memory figures without waiting). */
  private readonly ready = new Map<string, LoadedSample>()
  /** Why the last attempt to open a sample failed, by id (cleared when it opens). */
  private readonly failures = new Map<string, string>()

  /**
   * `readOnly`: never write to the project (a command that only reads it): facts found out of
   * date are used, not stored.
   */
  constructor(
    readonly project: Project,
    private readonly options: { readOnly?: boolean } = {},
  ) {
    this.cache = new ColumnCache(cacheDirOf(project.path))
  }

  /**
   * The quick checks of a spec (nothing is stored): files, table, weight expression (which may
   * read the project's derived variables).
   */
  check(spec: SampleSpec, ctx?: JobContext): Promise<CheckedSample> {
    return checkSample(spec, this.cache, ctx, listVariables(this.project))
  }

  /**
   * What an opened sample depends on: its spec and the derived variables its weight reads, so
   * editing such a variable reopens the sample and its weights are computed again.
   */
  private keyOf(spec: SampleSpec): string {
    const used = variablesReadByExpr(spec.weight, listVariables(this.project))
    return JSON.stringify(used.length ? [spec, used] : spec)
  }

  /** The long part of opening a checked spec: hashes, weights, normalisation. */
  load(checked: CheckedSample, ctx?: JobContext): Promise<LoadedSample> {
    return loadSample(checked, this.cache, ctx)
  }

  /** Keeps an already opened sample for `id` (after add or update). */
  adopt(id: string, sample: LoadedSample): void {
    this.open.set(id, { key: this.keyOf(sample.spec), sample: Promise.resolve(sample) })
    this.ready.set(id, sample)
    this.failures.delete(id)
  }

  forget(id: string): void {
    this.open.delete(id)
    this.ready.delete(id)
    this.failures.delete(id)
  }

  /** Why sample `id` could not be opened last time, or null. */
  problem(id: string): string | null {
    return this.failures.get(id) ?? null
  }

  /** The sample `id` if it is open now (no waiting, no opening). */
  openedNow(id: string): LoadedSample | undefined {
    return this.ready.get(id)
  }

  /**
   * The opened sample `id`. When its files' content changed since it was added, the facts
   * stored in the project (entries, Σ weights, hashes) are brought up to date.
   */
  get(id: string, ctx?: JobContext): Promise<LoadedSample> {
    return this.getStored(getSample(this.project, id), ctx)
  }

  getStored(stored: StoredSample, ctx?: JobContext): Promise<LoadedSample> {
    const key = this.keyOf(stored.spec)
    const known = this.open.get(stored.id)
    if (known && known.key === key) return known.sample
    this.ready.delete(stored.id)
    const variables = listVariables(this.project)
    const sample = openSample(stored.spec, this.cache, ctx, variables).then((s) => {
      // Σ weights changes too when a derived variable the weight reads was edited.
      const changed =
        s.facts.hashes.join() !== stored.hashes.join() ||
        s.facts.entries !== stored.entries ||
        !Object.is(s.facts.rawSumWeights, stored.rawSumWeights)
      if (changed && !this.options.readOnly)
        updateSample(this.project, stored.id, stored.spec, s.facts)
      if (this.open.get(stored.id)?.sample === sample) this.ready.set(stored.id, s)
      this.failures.delete(stored.id)
      return s
    })
    // A failed open is not kept: the next call tries again (the file may be back).
    sample.catch((e: unknown) => {
      if (this.open.get(stored.id)?.sample !== sample) return
      this.open.delete(stored.id)
      if ((e as Error).name !== 'CancelledError') this.failures.set(stored.id, (e as Error).message)
    })
    this.open.set(stored.id, { key, sample })
    return sample
  }

  /**
   * Every sample of the project that can be opened, in display order; those that cannot (a file
   * moved) are left out — `problem(id)` says why — so one broken sample does not hide the rest.
   */
  async all(ctx?: JobContext): Promise<{ stored: StoredSample; sample: LoadedSample }[]> {
    const out: { stored: StoredSample; sample: LoadedSample }[] = []
    for (const stored of listSamples(this.project)) {
      try {
        out.push({ stored, sample: await this.getStored(stored, ctx) })
      } catch (e) {
        if ((e as Error).name === 'CancelledError') throw e
      }
    }
    return out
  }
}
