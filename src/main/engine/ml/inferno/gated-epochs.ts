/**
 * The epoch loop every INFERNO-side network trains in (the paper benchmark's and the project's,
 * INFERNO and its cross-entropy baseline, in memory and streamed): the gate's learning rate
 * offered while it runs, each epoch awaiting the gate first, the best weights kept.
 */
import type { JobContext, TrainingGate } from '../../jobs/context'
import { offerLearningRate } from '../gate-settings'
import { type EpochLoop, type EpochLoopResult, runEpochs } from '../train-loop'
import type { TrainableDense } from '../trainable-dense'

/** What differs between the trainings: the epoch's training and the validation. */
export interface GatedLoop extends Pick<EpochLoop, 'validate' | 'extraMetrics'> {
  /** Trains one epoch: its mean batch loss, NaN when the gate stopped it. */
  trainEpoch(): Promise<number>
}

/**
 * Runs at most `epochs` epochs of `loop` on `net` (early stop after `patience` epochs without a
 * lower validation loss, 0: never); an epoch trains once the gate lets it begin, else it is NaN.
 */
export async function gatedEpochs(
  net: TrainableDense,
  gate: TrainingGate,
  ctx: JobContext,
  epochs: number,
  patience: number,
  loop: GatedLoop,
): Promise<EpochLoopResult> {
  const withdraw = offerLearningRate(gate, net)
  try {
    return await runEpochs({
      epochs,
      patience,
      ctx,
      validate: (epoch) => loop.validate(epoch),
      extraMetrics: loop.extraMetrics && ((epoch) => loop.extraMetrics!(epoch)),
      async trainEpoch() {
        if (!(await gate.beforeEpoch())) return NaN
        return loop.trainEpoch()
      },
      checkpoint: () => net.checkpoint(),
      restore: () => net.restore(),
    })
  } finally {
    withdraw()
  }
}
