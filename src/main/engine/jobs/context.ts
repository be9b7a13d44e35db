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
  /**
   * A picture of the work at a step for live views (an autoencoder's reconstructions, a
   * network's maps): plain JSON under `name`, sent to the window and not kept (only the latest
   * per name, for a window that re-attaches). Absent where nobody watches; callers throttle.
   */
  snapshot?(name: string, step: number, data: unknown): void
  /** Throws `CancelledError` when the job was cancelled. */
  throwIfCancelled(): void
  /**
   * The job's pause / step gate, when the job is a training the user can pause (jobs/gate.ts);
   * trainers take it through `gateOf(ctx)`, which is an open gate when there is none.
   */
  readonly gate?: TrainingGate
}

/** A step of a paused training: one mini-batch, or (the rest of) one epoch. */
export type StepUnit = 'epoch' | 'batch'

/** A value a trainer lets the user change while it runs (learning rate, batch size, …). */
export type SettingValue = number | string | boolean

/** A setting a trainer can change mid-run: its value now and how to apply a new one. */
export interface GateSetting {
  /** The value in use now. */
  readonly value: SettingValue
  /** Why `value` is refused (shown to the user), or null when it can be applied. */
  check(value: SettingValue): string | null
  /** Applies a checked value; called by the gate between two batches, never inside one. */
  apply(value: SettingValue): void
}

/**
 * The port a training loop reports its batch and epoch boundaries to (jobs/gate.ts implements
 * it; the job runner gives one to every pausable job). The loop awaits `beforeEpoch()` at the
 * start of each epoch and `beforeBatch()` before each mini-batch: while the job is paused they
 * stay pending until the user steps or resumes, and they resolve false once it is cancelled (the
 * loop then stops and returns what it has). Settings the user changed are applied inside these
 * calls, so they take effect at the next batch.
 */
export interface TrainingGate {
  beforeEpoch(): Promise<boolean> | boolean
  beforeBatch(): Promise<boolean> | boolean
  /** The loss of the batch just run (what a step by one batch shows), when the loop has it. */
  afterBatch(loss: number): void
  /** Whether the user holds the job now (a loop may then read a batch's loss back for afterBatch). */
  readonly paused: boolean
  /**
   * Offers a setting the user may change while this training runs (until the returned function
   * withdraws it, at the end of the training).
   */
  offer(name: string, setting: GateSetting): () => void
}

/**
 * A gate that never holds: it only reports a cancel (false once `signal` is aborted) and yields
 * to the event loop now and then so a cancel is seen. For work run without a pausable job.
 */
export function openGate(signal: AbortSignal): TrainingGate {
  let last = performance.now()
  // The signal is read once per call (after the yield when there is one), so how often a loop
  // looks at it does not depend on how long its batches take.
  const go = (): Promise<boolean> | boolean => {
    if (performance.now() - last < 40) return !signal.aborted
    return new Promise((resolve) =>
      setImmediate(() => {
        last = performance.now()
        resolve(!signal.aborted)
      }),
    )
  }
  return { beforeEpoch: go, beforeBatch: go, afterBatch() {}, paused: false, offer: () => () => {} }
}

/** The job's gate, or an open one (never holds, reports cancel) when the job has none. */
export function gateOf(ctx: JobContext): TrainingGate {
  return ctx.gate ?? openGate(ctx.signal)
}

/** A positive finite number (learning rates, rates), or why not. */
export function positiveNumber(value: SettingValue): string | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? null
    : `must be a positive number, not ${JSON.stringify(value)}`
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
