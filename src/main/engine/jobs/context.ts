/**
 * What a long-running engine function receives so it can report progress and be cancelled.
 * Engine modules (io, select, ml, stats, tune) take a JobContext instead of knowing about jobs,
 * transports or events; the job runner (jobs/runner.ts) provides the real one, tests and the
 * CLI can pass `silentContext()`.
 */
export interface JobContext {
  /** Aborted when the user cancels; long loops call `throwIfCancelled()` between steps. */
  readonly signal: AbortSignal
  /** Fraction done in [0, 1] and an optional short message ("epoch 3/20"). */
  progress(fraction: number, message?: string): void
  /** A named scalar for live charts (loss, val_loss, …) at a step (epoch, iteration). */
  metric(name: string, step: number, value: number): void
  /** A line for the job's log. */
  log(message: string): void
  /** Throws `CancelledError` when the job was cancelled. */
  throwIfCancelled(): void
}

export class CancelledError extends Error {
  /** What the work had done when it stopped (e.g. a network trained for some epochs), if anything. */
  readonly partial: unknown
  constructor(partial?: unknown) {
    super('cancelled')
    this.name = 'CancelledError'
    this.partial = partial
  }
}

/** A context that reports nowhere; cancellable through the optional signal. */
export function silentContext(signal: AbortSignal = new AbortController().signal): JobContext {
  return {
    signal,
    progress() {},
    metric() {},
    log() {},
    throwIfCancelled() {
      if (signal.aborted) throw new CancelledError()
    },
  }
}
