/**
 * What an INFERNO job cancelled mid-training ends with (its run keeps it): the training under
 * way (INFERNO or the cross-entropy baseline) with its epochs and loss history so far, beside
 * whatever finished before it.
 */
import { CancelledError } from '../../jobs/context'
import type { EpochLoopResult } from '../train-loop'

export function infernoCancelled(
  training: 'inferno' | 'bce',
  history: EpochLoopResult,
  done: Record<string, unknown> = {},
): CancelledError {
  return new CancelledError({
    ...done,
    stopped: {
      training,
      epochs: history.history.loss.length,
      bestEpoch: history.bestEpoch,
      history: { loss: history.history.loss, val_loss: history.history.val_loss },
    },
  })
}
