/**
 * The epoch loop every trained network shares (mlp, INFERNO, autoencoders): train an epoch,
 * validate, report `loss` / `val_loss` metrics and progress, keep the best-epoch checkpoint,
 * stop early after `patience` epochs without improvement, stop on a NaN loss with the best
 * weights restored, and stop on cancel with what was learned so far. Between epochs it yields
 * to the event loop so a cancel request is seen at once.
 */
import type { JobContext } from '../jobs/context'
import { finiteOrNull } from '../../../shared/contract/common'

export type StopReason = 'epochs' | 'early' | 'nan' | 'cancelled'

export interface EpochLoop {
  readonly epochs: number
  /** Epochs without a lower validation loss before stopping; 0: never stop early. */
  readonly patience: number
  readonly ctx: JobContext
  /** Trains one epoch (0-based) and returns its mean training loss. */
  trainEpoch(epoch: number): Promise<number> | number
  /** The validation loss after an epoch. */
  validate(epoch: number): Promise<number> | number
  /** Saves the current weights as the best so far. */
  checkpoint(): void
  /** Puts the best weights back (called once at the end when any checkpoint was taken). */
  restore(): void
  /** Extra per-epoch metrics to report beside loss and val_loss (e.g. KL, reconstruction). */
  extraMetrics?(epoch: number): Record<string, number>
}

export interface EpochHistory {
  /** Training and validation loss per epoch run (null where NaN). */
  readonly loss: (number | null)[]
  readonly val_loss: (number | null)[]
  /** Wall-clock seconds of each epoch (training and validation). */
  readonly seconds: number[]
}

export interface EpochLoopResult {
  /** Epochs run. */
  readonly epochs: number
  /** 0-based epoch whose weights were kept (−1: none, e.g. NaN at the first epoch). */
  readonly bestEpoch: number
  readonly bestValLoss: number
  readonly stopped: StopReason
  readonly history: EpochHistory
  /** Seconds spent in trainEpoch only. */
  readonly trainSeconds: number
}

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export async function runEpochs(loop: EpochLoop): Promise<EpochLoopResult> {
  const { ctx } = loop
  const history: EpochHistory = { loss: [], val_loss: [], seconds: [] }
  let best = Infinity
  let bestEpoch = -1
  let stopped: StopReason = 'epochs'
  let trainSeconds = 0
  let epoch = 0
  for (; epoch < loop.epochs; epoch++) {
    await yieldToEvents()
    if (ctx.signal.aborted) {
      stopped = 'cancelled'
      break
    }
    const t0 = performance.now()
    const loss = await loop.trainEpoch(epoch)
    const t1 = performance.now()
    // Cancelled before the epoch's first batch: no loss to record (this NaN is no divergence).
    if (ctx.signal.aborted && Number.isNaN(loss)) {
      stopped = 'cancelled'
      break
    }
    const val = await loop.validate(epoch)
    trainSeconds += (t1 - t0) / 1000
    history.loss.push(finiteOrNull(loss))
    history.val_loss.push(finiteOrNull(val))
    history.seconds.push((performance.now() - t0) / 1000)
    if (Number.isFinite(loss)) ctx.metric('loss', epoch, loss)
    if (Number.isFinite(val)) ctx.metric('val_loss', epoch, val)
    for (const [k, v] of Object.entries(loop.extraMetrics?.(epoch) ?? {}))
      if (Number.isFinite(v)) ctx.metric(k, epoch, v)
    ctx.progress((epoch + 1) / loop.epochs, `epoch ${epoch + 1}/${loop.epochs}`)
    if (!Number.isFinite(loss) || !Number.isFinite(val)) {
      ctx.log(`epoch ${epoch + 1}: the loss is not a number; stopped, best epoch kept`)
      stopped = 'nan'
      epoch++
      break
    }
    if (val < best) {
      best = val
      bestEpoch = epoch
      loop.checkpoint()
    } else if (loop.patience > 0 && epoch - bestEpoch >= loop.patience) {
      stopped = 'early'
      epoch++
      break
    }
  }
  // A cancel during the last epoch cut it short: say so rather than 'epochs'.
  if (stopped === 'epochs' && ctx.signal.aborted) stopped = 'cancelled'
  if (bestEpoch >= 0) loop.restore()
  return { epochs: epoch, bestEpoch, bestValLoss: best, stopped, history, trainSeconds }
}

/**
 * What the user is told when training stopped on a NaN loss or a cancel, naming the weights
 * kept (the best epoch's, or the initial ones when no epoch was better); empty otherwise.
 */
export function stoppedTrainingWarnings(result: EpochLoopResult): string[] {
  const kept = result.bestEpoch >= 0 ? `epoch ${result.bestEpoch + 1}` : 'the initial weights'
  if (result.stopped === 'nan')
    return [
      `training diverged (the loss became NaN) at epoch ${result.epochs}; the weights of ${kept} are kept — try a lower learning rate`,
    ]
  if (result.stopped === 'cancelled')
    return [`training was cancelled after ${result.epochs} epochs; the weights of ${kept} are kept`]
  return []
}
