/**
 * The partition task of out-of-core classifier training (app/classifier-training.ts): one pass
 * of ml/classifier-passes.ts over one partition of a training sample, its request plain data
 * (the selection, the row rules, where each partition's rows start, the trained model for the
 * evaluation). A module of its own so that a worker registering it loads the passes, Fisher and
 * the cuts, not the trainers (the network's code).
 */
import type { Classifier } from '../ml/classifier'
import {
  mapPass,
  type PassPart,
  type PassSpec,
  type PassState,
  type RowStart,
} from '../ml/classifier-passes'
import { ldaFromJSON } from '../ml/lda'
import { cutsFromJSON } from '../ml/rect-cuts'
import type { ResolvedCut } from '../select/regions'
import { definePartitionTask } from './partition-task'
import { rowsTask, selectPartition } from './training-set'

/** A pass as a partition task carries it (plain data). */
export interface PassRequest {
  readonly role: 'signal' | 'background'
  readonly inputs: readonly string[]
  readonly cuts: readonly ResolvedCut[]
  readonly stream: boolean
  readonly state: PassState
  /** Per partition index of this sample, where its rows start (null in the count pass). */
  readonly starts: Record<number, RowStart> | null
  readonly pass: PassSpec
  /** The trained classifier's stored form (evaluate). */
  readonly model: { readonly kind: 'lda' | 'cuts'; readonly method: unknown } | null
}

interface PassPrep {
  readonly columns: readonly string[]
  readonly rows: ReturnType<typeof rowsTask.prepare>
  readonly request: PassRequest
  readonly classifier: Classifier | null
}

/** One pass over one partition of a training sample. */
export const classifierPassTask = definePartitionTask<PassRequest, PassPrep, PassPart>({
  kind: 'classifier.pass',
  prepare(opened, source, request) {
    const rows = rowsTask.prepare(opened, source, request)
    const { model } = request
    const classifier = !model
      ? null
      : model.kind === 'lda'
        ? ldaFromJSON(model.method)
        : cutsFromJSON(model.method)
    return { columns: rows.columns, rows, request, classifier }
  },
  async map(_opened, prep, partition, ctx) {
    const { rows, request } = prep
    const events = await selectPartition(
      rows.sample,
      partition,
      rows.cuts,
      rows.compiler,
      ctx,
      rows.stream,
    )
    const start = request.starts?.[partition.index] ?? null
    return mapPass(events, request.pass, request.state, start, prep.classifier, ctx)
  },
})
