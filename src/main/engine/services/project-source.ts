/**
 * The project adapter of the event source (app/source.ts): the open project's samples, derived
 * variables, applied models and regions from the store. Events come from the samples the
 * engine holds (samples/registry.ts): a partition is a view of the sample's decoded columns
 * and final weights, which stay in memory (and in the column cache on disk) between requests,
 * so the window's next cut-flow while a cut is edited reads nothing again.
 *
 * The description's stamp is a digest of what a worker rebuilds the source from (the project's
 * samples with the facts of the files opened here, derived variables, regions, applied models,
 * memory budget, the options): a worker thread keeps the project it opened between requests
 * while nothing of that changes, and opens it again as soon as something does.
 */
import { createHash } from 'node:crypto'
import { checkExpr, requireScalar } from '../../../shared/expr'
import type { SpecVariable } from '../../../shared/spec'
import { planPartitions, type Partition, type PartitionOptions } from '../app/partition'
import type { EventSource, OpenedSample, SourceSample } from '../app/source'
import { defineSourceKind } from '../app/source-description'
import { readEntryRange } from '../data/entry-range'
import { ArrayPool } from '../io/array-pool'
import { silentContext, type JobContext } from '../jobs/context'
import type { LoadedSample } from '../samples/loaded-sample'
import { sampleVariables } from '../samples/prepare'
import { sliceProvider } from '../select/batch'
import type { CheckedVariables, ComputedVariable } from '../select/derived'
import { SpecError } from '../select/spec-error'
import type { SampleRole } from '../select/cutflow'
import { columnProvider } from '../select/provider'
import { SampleRegistry } from '../samples/registry'
import { Project, ProjectError } from '../store/project'
import { listRegions, listVariables } from '../store/regions'
import { listSamples } from '../store/samples'
import { appliedModels } from '../store/models'
import type { TaskExecutor } from '../app/task'
import { projectAppliedModels } from './applied-models'
import { memorySetting, settingExecutor } from './compute-settings'
import type { ProjectScope } from './scope'

/** A project source's description: the project file and how its samples are opened. */
interface ProjectDescription {
  readonly path: string
  readonly maxEntries?: number
  readonly requireAll?: boolean
  readonly fileColumnsFirst?: boolean
}

// A worker opens the project read-only (its own SQLite connection, the samples' column cache
// beside the project), with the applied models' outputs like `hepwb cutflow PROJECT` has.
defineSourceKind('project', async (data, ctx) => {
  const d = data as ProjectDescription
  const project = Project.openReadOnly(d.path)
  try {
    const registry = new SampleRegistry(project, { readOnly: true })
    // The models' code (TensorFlow.js) is loaded only when the project applies a model: a
    // worker thread serving cut-flows does not carry it.
    const models = projectAppliedModels(project)
    const computed = models.length
      ? await (await import('../ml/applied')).appliedVariables(models, (m) => ctx.log(m))
      : []
    const { path: _path, ...options } = d
    return {
      source: await projectSource(registry, computed, options, ctx),
      close: () => project.close(),
    }
  } catch (e) {
    project.close()
    throw e
  }
})

/**
 * The event source of the registry's project: every sample that can be opened now, in display
 * order (one that cannot — a file moved — is left out, as the window's lists do, unless
 * `requireAll`: then it is an error). `computed`: the applied models' outputs
 * (ServiceEnv.computedVariables). `fileColumnsFirst`: a sample with a column named like a
 * derived variable opens without derived variables and model outputs (the explorer still shows
 * its file columns) instead of failing with the clash, which the Cuts view reports.
 * `executor`: where passes run; absent: the project's `compute.threads` setting (a key given
 * as undefined: in this process).
 */
export async function projectSource(
  registry: SampleRegistry,
  computed: readonly ComputedVariable[],
  options: PartitionOptions & {
    requireAll?: boolean
    fileColumnsFirst?: boolean
    executor?: TaskExecutor
  } = {},
  ctx: JobContext = silentContext(),
): Promise<EventSource> {
  const project = registry.project
  const loaded = await registry.all(ctx)
  if (options.requireAll) {
    // A script must not silently leave a sample out: say which and why.
    for (const s of listSamples(project))
      if (!loaded.some((l) => l.stored.id === s.id))
        throw new ProjectError(
          `sample '${s.spec.name}' cannot be read: ${registry.problem(s.id) ?? 'unknown reason'}`,
        )
  }
  const variables = listVariables(project)
  const regions = listRegions(project)
  const samples: SourceSample[] = loaded.map(({ stored: { spec } }) => ({
    name: spec.name,
    role: spec.role as SampleRole,
    group: spec.group || spec.name,
    colour: spec.colour,
    weight: spec.weight.trim(),
    normalisation: spec.normalisation,
    missing: spec.missing ?? null,
  }))
  const memory = options.split || options.maxEntries ? undefined : memorySetting(project)
  const description: ProjectDescription = {
    path: project.path,
    ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
    ...(options.requireAll ? { requireAll: true } : {}),
    ...(options.fileColumnsFirst ? { fileColumnsFirst: true } : {}),
  }
  return {
    what: 'the project',
    description: {
      kind: 'project',
      stamp: projectStamp(project, description, loaded, { variables, regions, memory }),
      data: description,
    },
    executor: 'executor' in options ? options.executor : settingExecutor(project),
    // A plan the caller chose (tests, a training's chunks) is kept; otherwise the budget cuts.
    memory,
    samples: () => samples,
    variables: () => ({ variables, computed }),
    regions: () => regions,
    open: async (index) =>
      openedProjectSample(index, samples[index], loaded[index].sample, options, memory, {
        variables,
        computed,
      }),
  }
}

/**
 * The state of `project` that a worker's rebuilt source depends on, as a digest: the stored
 * samples and the facts (entries, Σ weights, file hashes) of those opened here, the derived
 * variables, regions and applied models (a model's id names immutable weights), the memory
 * budget and the description's options. Equal digests: the worker's opened project serves.
 */
function projectStamp(
  project: Project,
  description: ProjectDescription,
  loaded: readonly { stored: { id: string }; sample: LoadedSample }[],
  read: { variables: unknown; regions: unknown; memory: number | undefined },
): string {
  const state = {
    description,
    samples: listSamples(project),
    opened: loaded.map(({ stored, sample }) => [stored.id, sample.spec, sample.facts]),
    variables: read.variables,
    regions: read.regions,
    models: appliedModels(project),
    memory: read.memory ?? null,
  }
  return createHash('sha256').update(JSON.stringify(state)).digest('base64url')
}

/** The event source of a job's project (its applied models' outputs included). */
export async function scopeSource(scope: ProjectScope, ctx: JobContext): Promise<EventSource> {
  return projectSource(scope.samples(), await scope.computedVariables(), {}, ctx)
}

function openedProjectSample(
  index: number,
  sample: SourceSample,
  loaded: LoadedSample,
  options: PartitionOptions & { fileColumnsFirst?: boolean },
  memory: number | undefined,
  defs: { variables: readonly SpecVariable[]; computed: readonly ComputedVariable[] },
): OpenedSample {
  const checked = checkedVariables(loaded, defs, options.fileColumnsFirst)
  const { table } = loaded
  const files = loaded.spec.files.map((path, i) => ({
    path,
    table: table.table,
    entries: table.fileEntries[i],
  }))
  let partitions: Promise<Partition[]> | undefined
  const pool = new ArrayPool()
  return {
    index,
    sample,
    context: `in sample '${sample.name}'`,
    variables: checked,
    check(expr, _path, role) {
      const r = checkExpr(expr, checked.symbols)
      // One value per event, named as what it is ('a cut', 'a training input').
      const s = r.ok && role !== undefined ? requireScalar(r.value, role) : r
      if (!s.ok) throw s.error
      return s.value
    },
    unreadable: table.skipped,
    partitions: (o) =>
      o ? planPartitions(index, files, o) : (partitions ??= planPartitions(index, files, options)),
    async read(p, columns, ctx, o = {}) {
      const lo = p.offset + p.range.start
      const hi = p.offset + p.range.stop
      // Out of core, the weights too are the partition's only (8 bytes per event otherwise).
      const outOfCore =
        o.stream || (memory !== undefined && table.entries * 8 * (columns.length + 1) > memory / 4)
      // Out of core, arrays come from the sample's pool; a pass that keeps nothing of the
      // partition gives them back (PartitionEvents.release) for the next read.
      const lease = outOfCore && !o.stream ? pool.lease() : null
      const release = lease ? () => lease.release() : undefined
      try {
        const weights =
          sample.weight === ''
            ? loaded.scale
            : outOfCore
              ? await loaded.rangeWeights(p.fileIndex, p.range, ctx, lease)
              : (await loaded.weights(ctx)).subarray(lo, hi)
        if (o.stream) {
          // Only this range, from the file, nothing kept: the sample may not fit in memory.
          const read = await readEntryRange(
            p.file,
            table.table,
            columns,
            table.missing,
            p.range,
            ctx,
          )
          return { data: columnProvider(read, p.range.stop - p.range.start), weights }
        }
        if (memory !== undefined && table.entries * 8 * columns.length > memory / 4) {
          // Columns larger than the budget allows: this partition's range only, from memory,
          // the decoded-column cache or the file, nothing kept.
          const read = await table.loadRange(columns, p.fileIndex, p.range, ctx, lease)
          return { data: columnProvider(read, p.range.stop - p.range.start), weights, release }
        }
        // The whole chain's columns stay decoded in the sample (its cache); a partition is a view.
        const all = columnProvider(await table.load(columns, ctx), table.entries)
        return { data: sliceProvider(all, lo, hi), weights, release }
      } catch (e) {
        release?.()
        throw e
      }
    },
    // Decoded columns stay with the sample for the next request (data.releaseMemory frees them).
    release() {},
  }
}

/** The derived variables checked for a sample (see projectSource's `fileColumnsFirst`). */
function checkedVariables(
  loaded: LoadedSample,
  defs: { variables: readonly SpecVariable[]; computed: readonly ComputedVariable[] },
  fileColumnsFirst = false,
): CheckedVariables {
  try {
    return sampleVariables(loaded, defs.variables, defs.computed)
  } catch (e) {
    if (!fileColumnsFirst || !(e instanceof SpecError)) throw e
    return sampleVariables(loaded, [], [])
  }
}
