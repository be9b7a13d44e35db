/**
 * Training-set extraction, written once for the window and the command line (classifiers,
 * INFERNO, autoencoders; in memory or streamed): the chosen signal and background samples, only
 * events passing a region's cuts, each input evaluated per event with its physical weight (the
 * sample's missing-value marker read as NaN by the source). map: one partition's selected rows
 * (ml/build-dataset.ts selectEvents); merge: concatenation in partition order. The rows are
 * therefore those of one pass over the whole chain whatever the partitions, and so is every
 * split drawn over them afterwards (assembleTrainingData's seeded stream over the rows,
 * anomalyTrainingData's hash of the global index, INFERNO's projectEvents).
 */
import { ExprError, requiredColumns, type CheckedExpr } from '../../../shared/expr'
import { concatTyped } from '../../../shared/column'
import type { JobContext } from '../jobs/context'
import { selectEvents, type SelectedEvents } from '../ml/build-dataset'
import { chunkEntries, type SelectedChunks } from '../ml/streaming'
import { CutCompiler } from '../select/cut-compiler'
import { resolveRegions, withAncestors, type ResolvedCut } from '../select/regions'
import { SpecError } from '../select/spec-error'
import { mapMerge, scaledContext } from './executor'
import { definePartitionTask, mapSample } from './partition-task'
import type { Partition, PartitionOptions } from './partition'
import { fileColumns, preparePartition, type EventSource, type OpenedSample } from './source'

/** What to train on (the selection part of a training, INFERNO or anomaly config). */
export interface TrainingRequest {
  /** Sample names; empty: every sample with that role. */
  readonly signal: readonly string[]
  readonly background: readonly string[]
  /** Region whose cuts (its parents' first) events must pass; null: all events. */
  readonly region: string | null
  /** Input expressions, one value per event. */
  readonly inputs: readonly string[]
  /**
   * Samples read after the chosen ones, in this order, with the same region and inputs, but
   * never taken as signal or background (INFERNO's up / down variation samples).
   */
  readonly extra?: readonly string[]
}

/** One chosen sample opened, with its inputs and the region's cuts checked against it. */
export interface TrainingSample {
  readonly opened: OpenedSample
  readonly role: 'signal' | 'background'
  readonly inputs: readonly CheckedExpr[]
  /** File columns the inputs and cuts read (through derived variables and model outputs). */
  readonly columns: readonly string[]
  /** How many file columns a partition's read decodes: `columns` and the weight's. */
  readonly readColumns: number
}

export interface TrainingSamples {
  /** Signal samples first, then background, then the `extra` ones. */
  readonly samples: readonly TrainingSample[]
  /** The region's cuts, parents' first ([] for no region). */
  readonly cuts: readonly ResolvedCut[]
}

/**
 * Opens the chosen samples and checks everything before anything is decoded. Throws a
 * SpecError (or the adapter's) naming the sample, input or cut that is wrong.
 */
export async function openTrainingSamples(
  source: EventSource,
  request: TrainingRequest,
  ctx: JobContext,
): Promise<TrainingSamples> {
  const all = source.samples()
  const extra = request.extra ?? []
  const named = (names: readonly string[], what: string) =>
    names.map((n) => {
      const i = all.findIndex((s) => s.name === n)
      if (i < 0)
        throw new SpecError(
          [],
          `no ${what}sample named '${n}' in ${source.what} (or it cannot be opened)`,
        )
      return i
    })
  const pick = (role: 'signal' | 'background', names: readonly string[]) =>
    (names.length
      ? named(names, `${role} `)
      : all.flatMap((s, i) => (s.role === role ? [i] : []))
    ).filter((i) => !extra.includes(all[i].name))
  const signal = pick('signal', request.signal)
  const background = pick('background', request.background)
  for (const [role, list] of [
    ['signal', signal],
    ['background', background],
  ] as const)
    if (!list.length)
      throw new SpecError([], `no ${role} samples: mark a sample as ${role} or choose one`)
  const clash = background.find((i) => signal.includes(i))
  if (clash !== undefined)
    throw new SpecError([], `sample '${all[clash].name}' is chosen as signal and as background`)
  let cuts: readonly ResolvedCut[] = []
  if (request.region !== null) {
    const regions = resolveRegions(source.regions())
    if (!regions.some((r) => r.name === request.region))
      throw new SpecError([], `no region named '${request.region}' in ${source.what}`)
    cuts = withAncestors(regions, request.region).at(-1)?.cuts ?? []
  }
  const chosen = [
    ...signal.map((index) => ({ index, role: 'signal' as const })),
    ...background.map((index) => ({ index, role: 'background' as const })),
    ...named(extra, '').map((index) => ({ index, role: 'background' as const })),
  ]
  const out: TrainingSample[] = []
  for (const { index, role } of chosen) {
    ctx.throwIfCancelled()
    out.push(trainingSample(await source.open(index, ctx), role, request.inputs, cuts))
  }
  return { samples: out, cuts }
}

/** One opened sample with the inputs and cuts checked against it. */
function trainingSample(
  opened: OpenedSample,
  role: 'signal' | 'background',
  inputTexts: readonly string[],
  cuts: readonly ResolvedCut[],
): TrainingSample {
  const inputs = inputTexts.map((input, i) =>
    checked(opened, input, ['inputs', i], 'a training input', `input ${i + 1} '${input}'`),
  )
  const cutExprs = cuts.map((c) => checked(opened, c.expr, c.path, 'a cut', `cut '${c.label}'`))
  const weight = opened.sample.weight
    ? [checked(opened, opened.sample.weight, [], 'a weight', 'the weight')]
    : []
  const columns = fileColumns(opened, [...inputs, ...cutExprs])
  const readColumns = fileColumns(opened, [...inputs, ...cutExprs, ...weight]).length
  return { opened, role, inputs, columns, readColumns }
}

/**
 * `expr` checked for one value per event; an error names `what` and the sample, and says when
 * the expression reads a column the files hold but not as numbers.
 */
function checked(
  opened: OpenedSample,
  expr: string,
  path: readonly (string | number)[],
  role: string,
  what: string,
): CheckedExpr {
  try {
    return opened.check(expr, path, role)
  } catch (e) {
    if (!(e instanceof ExprError || e instanceof SpecError)) throw e
    const names = requiredColumns(expr)
    const bad = names.ok ? opened.unreadable.find((u) => names.value.includes(u.name)) : undefined
    if (bad)
      throw new SpecError(
        [],
        `${what} ${opened.context}: '${bad.name}' is not numeric: ${bad.reason}; ${role === 'a cut' ? 'a cut' : 'an input'} must be a number per event`,
        { cause: e },
      )
    // A SpecError already says where; an ExprError (the project's) says only what.
    if (e instanceof SpecError) throw e
    throw new SpecError([], `${what} ${opened.context}: ${e.message}`, { cause: e })
  }
}

/** map: the selected rows of one partition of a chosen sample. */
export async function selectPartition(
  sample: TrainingSample,
  partition: Partition,
  cuts: readonly ResolvedCut[],
  compiler: CutCompiler,
  ctx: JobContext,
  stream = false,
): Promise<SelectedEvents> {
  ctx.throwIfCancelled()
  const events = await sample.opened.read(partition, sample.columns, ctx, { stream })
  return selectEvents(
    preparePartition(sample.opened, events),
    sample.role,
    sample.inputs,
    cuts,
    compiler,
  )
}

/** merge: the rows of `parts` one after the other (a copy). */
export function concatSelected(parts: readonly SelectedEvents[]): SelectedEvents {
  const [first] = parts
  if (parts.length === 1) return first
  const concat = (arrays: readonly Float64Array[]) =>
    concatTyped(arrays, (n) => new Float64Array(n))
  return {
    name: first.name,
    role: first.role,
    columns: first.columns.map((_, j) => concat(parts.map((p) => p.columns[j]))),
    weight: concat(parts.map((p) => p.weight)),
  }
}

/** How a sample's partitions are cut and read. */
export interface SelectOptions {
  /** Cut the sample this way instead of the source's own plan. */
  readonly partitions?: PartitionOptions
  /** Read each partition alone from the files, keeping nothing (ReadOptions.stream). */
  readonly stream?: boolean
  /** The source the samples were opened from, whose executor runs the partitions. */
  readonly source?: EventSource
}

/** A training selection as a partition task sends it. */
interface RowsRequest {
  readonly role: 'signal' | 'background'
  readonly inputs: readonly string[]
  readonly cuts: readonly ResolvedCut[]
  readonly stream: boolean
}

interface RowsPrep {
  readonly sample: TrainingSample
  readonly cuts: readonly ResolvedCut[]
  readonly columns: readonly string[]
  readonly compiler: CutCompiler
  readonly stream: boolean
}

/** One partition's selected rows (inputs and weights of the events passing the cuts). */
export const rowsTask = definePartitionTask<RowsRequest, RowsPrep, SelectedEvents[]>({
  kind: 'training-rows',
  prepare(opened, _source, request) {
    const sample = trainingSample(opened, request.role, request.inputs, request.cuts)
    const { columns } = sample
    return {
      sample,
      cuts: request.cuts,
      columns,
      compiler: new CutCompiler(),
      stream: request.stream,
    }
  },
  map: async (_opened, prep, p, c) => [
    await selectPartition(prep.sample, p, prep.cuts, prep.compiler, c, prep.stream),
  ],
})

/** Every selected row of one chosen sample: map over its partitions, concatenated in order. */
export async function selectedRows(
  sample: TrainingSample,
  cuts: readonly ResolvedCut[],
  ctx: JobContext,
  options: SelectOptions = {},
): Promise<SelectedEvents> {
  const compiler = new CutCompiler()
  const partitions = await sample.opened.partitions(options.partitions)
  const stream = options.stream ?? false
  const prep: RowsPrep = { sample, cuts, columns: sample.columns, compiler, stream }
  const merge = (a: SelectedEvents[], b: SelectedEvents[]) => (a.push(...b), a)
  const request: RowsRequest = {
    role: sample.role,
    inputs: sample.inputs.map((e) => e.source),
    cuts,
    stream,
  }
  const parts = options.source
    ? await mapSample(
        options.source,
        sample.opened,
        rowsTask,
        request,
        prep,
        merge,
        ctx,
        partitions,
      )
    : await mapMerge<SelectedEvents[]>(
        partitions,
        { map: (p, c) => rowsTask.map(sample.opened, prep, p, c), merge },
        ctx,
      )
  if (!parts) throw new Error(`sample '${sample.opened.sample.name}' has no partitions`)
  return concatSelected(parts)
}

/**
 * The selected events of every chosen sample, signal samples first, then the `extra` ones:
 * what ml/build-dataset.ts assembleTrainingData, anomalyTrainingData and INFERNO's
 * projectEvents take. Each sample's columns are released once its rows are kept.
 */
export async function trainingEvents(
  source: EventSource,
  request: TrainingRequest,
  ctx: JobContext,
  options: SelectOptions = {},
): Promise<SelectedEvents[]> {
  return eventsOfSamples(source, await openTrainingSamples(source, request, ctx), ctx, options)
}

/**
 * trainingEvents of samples already opened (openTrainingSamples): each one's rows read, then
 * the sample released.
 */
export async function eventsOfSamples(
  source: EventSource,
  { samples, cuts }: TrainingSamples,
  ctx: JobContext,
  options: SelectOptions = {},
): Promise<SelectedEvents[]> {
  const out: SelectedEvents[] = []
  for (const [k, s] of samples.entries()) {
    const message = `reading ${s.opened.sample.name} (${k + 1}/${samples.length})`
    ctx.progress(k / samples.length, message)
    try {
      out.push(
        await selectedRows(
          s,
          cuts,
          scaledContext(ctx, k / samples.length, 1 / samples.length, message),
          { source, ...options },
        ),
      )
    } finally {
      s.opened.release()
    }
  }
  return out
}

/**
 * Partitions of a sample streamed under `budget` bytes with `d` inputs: the one rule for the
 * window and the command line, counting every file column a partition's read decodes.
 */
export function streamPartitions(
  sample: TrainingSample,
  budget: number,
  d: number,
): PartitionOptions {
  return { maxEntries: chunkEntries(budget, sample.readColumns, d) }
}

/** Every selected row of `sample`, streamed from its files partition by partition. */
export function streamedRows(
  sample: TrainingSample,
  cuts: readonly ResolvedCut[],
  budget: number,
  ctx: JobContext,
): Promise<SelectedEvents> {
  const d = sample.inputs.length
  return selectedRows(sample, cuts, ctx, {
    partitions: streamPartitions(sample, budget, d),
    stream: true,
  })
}

/**
 * The rows of `samples` as chunks a streaming trainer reads one at a time (ml/streaming.ts):
 * each sample cut under `budget` (streamPartitions), its partitions in order. With `source`,
 * the one the samples were opened from, reading several chunks at once (`each`) maps them on
 * its executor (worker threads, a cluster) and hands them back in chunk order.
 */
export async function streamedChunks(
  samples: readonly TrainingSample[],
  cuts: readonly ResolvedCut[],
  budget: number,
  source?: EventSource,
): Promise<SelectedChunks> {
  const places: { sample: number; partition: Partition }[] = []
  for (const [i, s] of samples.entries())
    for (const partition of await s.opened.partitions(streamPartitions(s, budget, s.inputs.length)))
      places.push({ sample: i, partition })
  const compiler = new CutCompiler()
  const chunks: SelectedChunks = {
    samples: samples.map((s) => s.opened.sample.name),
    count: places.length,
    sampleOf: (k) => places[k].sample,
    select: (k, ctx) =>
      selectPartition(samples[places[k].sample], places[k].partition, cuts, compiler, ctx, true),
  }
  if (!source) return chunks
  return {
    ...chunks,
    async each(ks, visit, ctx) {
      const sorted = [...ks].sort((a, b) => a - b)
      for (let start = 0; start < sorted.length;) {
        // A run of chunks of one sample: one map over its partitions, results in order.
        const sample = places[sorted[start]].sample
        let end = start
        while (end < sorted.length && places[sorted[end]].sample === sample) end++
        const run = sorted.slice(start, end)
        start = end
        const s = samples[sample]
        const request: RowsRequest = {
          role: s.role,
          inputs: s.inputs.map((e) => e.source),
          cuts,
          stream: true,
        }
        const prep: RowsPrep = { sample: s, cuts, columns: s.columns, compiler, stream: true }
        let next = 0
        const take = (rows: SelectedEvents[]) => {
          for (const r of rows) visit(run[next++], r)
        }
        const rest = await mapSample(
          source,
          s.opened,
          rowsTask,
          request,
          prep,
          (a, b) => (take(a), take(b), []),
          ctx,
          run.map((k) => places[k].partition),
        )
        if (rest) take(rest)
      }
    },
  }
}

/** Σ file entries of `samples` (what decides whether to stream), nothing read. */
export async function entriesOf(samples: readonly TrainingSample[]): Promise<number> {
  let n = 0
  for (const s of samples)
    for (const p of await s.opened.partitions({ maxEntries: Infinity }))
      n += p.range.stop - p.range.start
  return n
}
