/**
 * A job context whose metrics carry a prefix and a step offset, so the INFERNO and cross-entropy
 * trainings of one job (and several seeds) stream distinguishable curves
 * (`inferno.loss`, `bce.val_loss`, …). Everything else passes through.
 */
import type { JobContext } from '../../jobs/context'

export function prefixedContext(ctx: JobContext, prefix: string, stepOffset = 0): JobContext {
  return {
    signal: ctx.signal,
    progress: (f, m) => ctx.progress(f, m),
    metric: (name, step, value) => ctx.metric(`${prefix}.${name}`, step + stepOffset, value),
    log: (m) => ctx.log(m),
    throwIfCancelled: () => ctx.throwIfCancelled(),
    gate: ctx.gate,
  }
}
