/**
 * Training on background data larger than memory ("megasets"): the events live in chunks read
 * one at a time (EventChunks), and the trainer holds at most one window of training events
 * within a memory budget. Shuffling is across chunks: each epoch's order is one seeded
 * permutation of all training events, and a window is a run of that order gathered by reading
 * the chunks in turn — the same batches in the same order as training in memory, so where both
 * fit the result is the same model. The price is reading the data once per window per epoch,
 * and 4 bytes per event for the epoch's order.
 */
import { Random } from '../../data/random'
import { PART, type TrainingData } from '../dataset'
import { bytesPerEvent } from '../streaming'
import type { RawRows, TrainingFeed } from './feed'
import { streamInputTransform } from './input-transform'

/** One chunk of background events. Rows of other parts than train / validation are ignored. */
export interface EventChunk {
  /** Raw inputs, row-major n × d, missing values already handled. */
  readonly x: Float64Array
  /** Training weights. */
  readonly w: Float64Array
  /** PART.train or PART.validation per row. */
  readonly part: Uint8Array
  readonly n: number
  /** Physical weights, for scoring (file chunks). */
  readonly weight?: Float64Array
  /** Index of the sample the chunk's events come from (file chunks). */
  readonly sample?: number
}

/** Background events in chunks (e.g. entry ranges of the sample files), read one at a time. */
export interface EventChunks {
  readonly inputs: readonly string[]
  readonly count: number
  read(k: number): Promise<EventChunk>
}

export interface MegasetOptions {
  /** Bytes of event data held at once (a window: raw rows, preprocessed copies, tensors). */
  readonly budgetBytes: number
  /** The trainer's batch size: a window holds a whole number of batches. */
  readonly batchSize: number
  /** Most training events the preprocessing is fitted on (a seeded uniform subsample beyond; default: a window's worth). */
  readonly fitEvents?: number
  /** Seed of that subsample. */
  readonly seed?: number
  /**
   * Fit the preprocessing on every training event in streaming passes over the chunks (the
   * same transform as in memory) rather than on the subsample; fitRows() then only feeds the
   * early check of the likelihood families.
   */
  readonly streamFit?: boolean
}

/**
 * A TrainingFeed over `chunks` holding at most `budgetBytes` of events: one pass over the
 * chunks here to count events and sum weights. Throws when the budget holds less than a batch.
 */
export async function megasetFeed(
  chunks: EventChunks,
  options: MegasetOptions,
): Promise<TrainingFeed> {
  const d = chunks.inputs.length
  const perWindow = Math.floor(options.budgetBytes / bytesPerEvent(d))
  if (perWindow < options.batchSize)
    throw new Error(
      `a memory budget of ${options.budgetBytes} bytes holds ${perWindow} events of ${d} inputs, fewer than one batch (${options.batchSize})`,
    )
  // Training events before chunk c (global training index = trainStart[c] + local one).
  const trainStart = new Float64Array(chunks.count + 1)
  let validationCount = 0
  let sum = 0
  let abs = 0
  for (let c = 0; c < chunks.count; c++) {
    const chunk = await chunks.read(c)
    let t = 0
    for (let i = 0; i < chunk.n; i++) {
      if (chunk.part[i] === PART.train) {
        t++
        sum += chunk.w[i]
        abs += Math.abs(chunk.w[i])
      } else if (chunk.part[i] === PART.validation) validationCount++
    }
    trainStart[c + 1] = trainStart[c] + t
  }
  const trainCount = trainStart[chunks.count]
  const windowSize =
    trainCount <= perWindow
      ? Math.max(trainCount, 1)
      : Math.floor(perWindow / options.batchSize) * options.batchSize

  /** Rows of `part` in chunk `chunk` (local order). */
  const partRows = (chunk: EventChunk, part: number): number[] => {
    const out: number[] = []
    for (let i = 0; i < chunk.n; i++) if (chunk.part[i] === part) out.push(i)
    return out
  }

  /**
   * The training rows with global indices `wanted` (any order), placed at out position k for
   * wanted[k]: the chunks are read in turn and each contributes its rows.
   */
  async function gather(wanted: ArrayLike<number>): Promise<RawRows> {
    const m = wanted.length
    const x = new Float64Array(m * d)
    const w = new Float64Array(m)
    const byIndex = Uint32Array.from({ length: m }, (_, k) => k).sort(
      (a, b) => wanted[a] - wanted[b],
    )
    let p = 0
    for (let c = 0; c < chunks.count && p < m; c++) {
      if (wanted[byIndex[p]] >= trainStart[c + 1]) continue
      const chunk = await chunks.read(c)
      const rows = partRows(chunk, PART.train)
      for (; p < m && wanted[byIndex[p]] < trainStart[c + 1]; p++) {
        const k = byIndex[p]
        const i = rows[wanted[k] - trainStart[c]]
        x.set(chunk.x.subarray(i * d, (i + 1) * d), k * d)
        w[k] = chunk.w[i]
      }
    }
    return { x, w, n: m }
  }

  /** The training rows chunk by chunk, in event order. */
  async function* trainRows(): AsyncGenerator<RawRows> {
    for (let c = 0; c < chunks.count; c++) {
      if (trainStart[c + 1] === trainStart[c]) continue
      const chunk = await chunks.read(c)
      const rows = partRows(chunk, PART.train)
      const x = new Float64Array(rows.length * d)
      rows.forEach((i, r) => x.set(chunk.x.subarray(i * d, (i + 1) * d), r * d))
      yield { x, w: Float64Array.from(rows, (i) => chunk.w[i]), n: rows.length }
    }
  }

  return {
    inputs: chunks.inputs,
    ...(options.streamFit
      ? { fitTransform: (pre) => streamInputTransform(trainRows, chunks.inputs, pre) }
      : {}),
    trainCount,
    validationCount,
    weightSums: { sum, abs },
    windowSize,
    fitRows() {
      const most = Math.max(1, Math.floor(options.fitEvents ?? windowSize))
      if (trainCount <= most) return gather(Uint32Array.from({ length: trainCount }, (_, i) => i))
      // Reservoir sampling (Algorithm R), then event order so sums run as in memory.
      const rng = new Random(options.seed ?? 1)
      const pick = Uint32Array.from({ length: most }, (_, i) => i)
      for (let i = most; i < trainCount; i++) {
        const j = rng.int(i + 1)
        if (j < most) pick[j] = i
      }
      return gather(pick.sort())
    },
    window: (order, start, end) => gather(order.subarray(start, end)),
    async *validation() {
      for (let c = 0; c < chunks.count; c++) {
        const chunk = await chunks.read(c)
        const rows = partRows(chunk, PART.validation)
        if (!rows.length) continue
        const x = new Float64Array(rows.length * d)
        rows.forEach((i, r) => x.set(chunk.x.subarray(i * d, (i + 1) * d), r * d))
        yield { x, w: Float64Array.from(rows, (i) => chunk.w[i]), n: rows.length }
      }
    },
  }
}

/**
 * The background training and validation events of a TrainingData as chunks of `rows` events
 * (in event order): for data already in memory, and for testing the streamed path against it.
 */
export function chunksOfData(data: TrainingData, rows: number): EventChunks {
  const background: number[] = []
  for (let i = 0; i < data.n; i++)
    if (!data.y[i] && (data.part[i] === PART.train || data.part[i] === PART.validation))
      background.push(i)
  const count = Math.ceil(background.length / rows)
  return {
    inputs: data.inputs,
    count,
    async read(k) {
      const ids = background.slice(k * rows, (k + 1) * rows)
      const x = new Float64Array(ids.length * data.d)
      ids.forEach((i, r) => x.set(data.x.subarray(i * data.d, (i + 1) * data.d), r * data.d))
      return {
        x,
        w: Float64Array.from(ids, (i) => data.w[i]),
        part: Uint8Array.from(ids, (i) => data.part[i]),
        n: ids.length,
      }
    },
  }
}
