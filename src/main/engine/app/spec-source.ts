/**
 * The spec adapter of the event source: an analysis spec (SPEC.json, paths already resolved)
 * seen through the EventSource port. A sample's files are listed when it is opened (nothing
 * decoded); each partition reads only its own entries of the columns asked for — ROOT baskets,
 * Parquet rows, HDF5 hyperslabs and CSV bytes (a CSV file cut in pieces is indexed once when
 * its partitions are planned, io/csv-index.ts). Weights are the weight expression of
 * the partition's events × the normalisation (the project's formula, normalisationScale).
 */
import { specSampleToProject, sampleGroup, type AnalysisSpec } from '../../../shared/spec'
import type { CheckedExpr } from '../../../shared/expr'
import type { Column } from '../../../shared/column'
import { markMissing } from '../data/missing-values'
import { ArrayPool, type Lease } from '../io/array-pool'
import { readColumns } from '../io/source'
import { silentContext, type JobContext } from '../jobs/context'
import { bareWeight, normalisationScale, WeightError } from '../samples/weights'
import { compile } from '../select/compile'
import { baseColumns, derivedLayer } from '../select/derived'
import { columnProvider, type ColumnProvider } from '../select/provider'
import { SpecError } from '../select/spec-error'
import {
  checkIn,
  checkWeight,
  openSpecSample,
  type OpenedSample as SpecOpened,
} from '../select/spec-sample'
import { planPartitions, type Partition, type PartitionOptions } from './partition'
import type { EventSource, OpenedSample, PartitionEvents, SourceSample } from './source'
import { defineSourceKind, newStamp } from './source-description'

/** A spec source's description: the resolved spec and its partition size. */
interface SpecDescription {
  readonly spec: AnalysisSpec
  readonly maxEntries?: number
}

// Workers open a spec source from its description; partitions travel with each task, so a
// `split` option (not data) need not cross.
defineSourceKind('spec', async (data) => {
  const d = data as SpecDescription
  const options = d.maxEntries === undefined ? {} : { maxEntries: d.maxEntries }
  return { source: specSource(d.spec, options), close() {} }
})

/** The event source of a spec whose sample paths are resolved (spec-file.ts readSpecFile). */
export function specSource(spec: AnalysisSpec, options: PartitionOptions = {}): EventSource {
  const samples: SourceSample[] = spec.samples.map((s) => {
    const p = specSampleToProject(s, { table: '', colour: '' })
    return {
      name: s.name,
      role: s.role,
      group: sampleGroup(s),
      ...(s.colour === undefined ? {} : { colour: s.colour }),
      weight: p.weight,
      normalisation: p.normalisation,
      missing: s.missing ?? null,
    }
  })
  const description: SpecDescription = {
    spec,
    ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
  }
  return {
    what: 'the spec',
    description: { kind: 'spec', stamp: newStamp(), data: description },
    samples: () => samples,
    variables: () => ({ variables: spec.variables, computed: [] }),
    regions: () => spec.regions,
    open: async (index, ctx) => {
      const opened = await openSpecSample(spec.samples[index], index, spec.variables, ctx)
      return openedSpecSample(opened, samples[index], options, ctx)
    },
  }
}

async function openedSpecSample(
  s: SpecOpened,
  sample: SourceSample,
  options: PartitionOptions,
  ctx: JobContext,
): Promise<OpenedSample> {
  const weight = checkWeight(s)
  const { table } = s
  const files = s.spec.files.map((path, i) => ({
    path,
    table: table.table,
    entries: table.fileEntries[i],
  }))
  let partitions: Promise<Partition[]> | undefined
  const plan = () => (partitions ??= planPartitions(s.index, files, options))
  const derive = s.variables.checked.size ? derivedLayer(s.variables) : undefined
  const weightColumns = weight ? baseColumns(weight.columns, s.variables.checked) : []
  // Arrays of partitions read and given back (PartitionEvents.release), for the next read.
  const pool = new ArrayPool()
  async function readPart(
    p: Partition,
    names: readonly string[],
    c: JobContext,
    lease?: Lease,
  ): Promise<ColumnProvider> {
    const cols = new Map<string, Column>()
    const read = names.length
      ? await readColumns(p.file, table.table, names, c, p.range, lease?.alloc)
      : new Map<string, Column>()
    for (const [n, col] of read) cols.set(n, markMissing(col, table.missing).column)
    return columnProvider(cols, p.range.stop - p.range.start)
  }

  const rawWeights = (data: ColumnProvider, lease?: Lease): Float64Array => {
    const all = derive ? derive(data) : data
    // Copied: the result may share an input column's array, and sums need float64.
    const values = compile(weight as CheckedExpr, all).evaluate(all).values
    if (!lease) return Float64Array.from(values)
    const out = lease.alloc('float64', values.length) as Float64Array
    out.set(values)
    return out
  }

  // The normalisation needs Σ raw weights over every event when no Σ generator weights is
  // given: one pass over the weight columns, summed in event order like the project does.
  let scale = 1
  try {
    const n = sample.normalisation
    let rawSum = table.entries
    if (n.kind === 'xsec' && n.sumGenWeights === null && weight) {
      rawSum = 0
      for (const p of await plan()) {
        const lease = pool.lease()
        const w = rawWeights(await readPart(p, weightColumns, ctx, lease), lease)
        for (let i = 0; i < w.length; i++) if (w[i] === w[i]) rawSum += w[i]
        lease.release() // only the sum is kept
      }
    }
    scale = normalisationScale(n, rawSum)
  } catch (e) {
    if (!(e instanceof WeightError)) throw e
    throw new SpecError(['samples', s.index, 'xsec'], `${e.message}; give "sumw"`, { cause: e })
  }

  return {
    index: s.index,
    sample,
    context: s.context,
    variables: s.variables,
    check: (expr, path, role) => checkIn(s, expr, path, role),
    unreadable: table.skipped,
    partitions: (o) => (o ? planPartitions(s.index, files, o) : plan()),
    // Every read is of the partition's entries alone (nothing kept but the arrays given back),
    // streaming or not.
    async read(p, columns, c = silentContext()): Promise<PartitionEvents> {
      const names = [...new Set([...columns, ...weightColumns])]
      const lease = pool.lease()
      const data = await readPart(p, names, c, lease)
      const { release } = lease
      if (!weight) return { data, weights: scale, release }
      // A weight that is one float64 column, unscaled: that column's array, not a copy.
      const isDerived = (name: string) => s.variables.checked.has(name)
      const bare =
        scale === 1
          ? bareWeight(weight, isDerived, (name) => data.column(name), data.entries)
          : null
      if (bare) return { data, weights: bare, release }
      const w = rawWeights(data, lease)
      if (scale !== 1) for (let i = 0; i < w.length; i++) w[i] *= scale
      return { data, weights: w, release }
    },
    release() {
      table.release()
    },
  }
}
