/**
 * Pause / step / resume of a training job, the one gate every pausable job gets from the job
 * runner (issue 7's INFERNO gate, generalised in issue 14). The training loops await
 * `beforeEpoch()` at the start of each epoch and `beforeBatch()` before each mini-batch (the
 * TrainingGate port, jobs/context.ts); while paused those promises stay pending until the user
 * resumes or steps, and resolve `false` once the job is cancelled (cancel must work while
 * paused). While running, `beforeBatch()` yields to the event loop every YIELD_MS so a pause
 * request is seen within a batch or two instead of at the end of an epoch.
 *
 * Settings: a trainer offers what it can change mid-run (`offer`: learning rate, …); `set`
 * checks a new value at once and queues it, and the gate applies it when the loop next passes
 * a boundary — so a value set while paused takes effect at the next step.
 *
 * Step semantics: 'batch' runs exactly one more mini-batch; 'epoch' runs to the end of the
 * current epoch when paused inside one, or one whole epoch (training and validation) when
 * paused at an epoch boundary.
 */

import type { GateState } from '../../../shared/contract/gate'
import type { GateSetting, SettingValue, StepUnit, TrainingGate } from './context'

export type { GateState } from '../../../shared/contract/gate'
export type { StepUnit } from './context'

/** How long a running loop may go without yielding to the event loop (ms). */
const YIELD_MS = 40

type Budget = { kind: 'none' } | { kind: 'batch' } | { kind: 'epoch'; boundaries: number }

export class JobGate implements TrainingGate {
  private pausedFlag = false
  /** What the running trainer offers to change, by name. */
  private readonly offered = new Map<string, GateSetting>()
  /** Values set and not yet applied, by name (applied at the next boundary). */
  private readonly pending = new Map<string, SettingValue>()
  /** Called after each change the user can see (pause, resume, a step taken, a setting). */
  onChange: (() => void) | null = null
  private budget: Budget = { kind: 'none' }
  /** A batch of the current epoch has run (a step 'epoch' then finishes this epoch). */
  private midEpoch = false
  private epochs = 0
  private batches = 0
  private lastYield = performance.now()
  private batchLoss: number | null = null
  private wake: (() => void) | null = null
  /** Steps waiting for their batch or epoch to have run (resolved when the loop holds again). */
  private stepped: (() => void)[] = []
  private signal: AbortSignal | null = null

  /** `signal`: the job's cancel signal (or later through `cancelOn`). */
  constructor(signal?: AbortSignal) {
    if (signal) this.cancelOn(signal)
  }

  /** Binds the job's cancel signal: once aborted, every wait resolves false. */
  cancelOn(signal: AbortSignal): this {
    this.signal = signal
    signal.addEventListener('abort', () => this.release(), { once: true })
    return this
  }

  private get aborted(): boolean {
    return this.signal?.aborted ?? false
  }

  get paused(): boolean {
    return this.pausedFlag
  }

  get state(): GateState {
    return {
      paused: this.pausedFlag,
      epochs: this.epochs,
      batches: this.batches,
      batchLoss: this.batchLoss,
      settings: [...this.offered].map(([name, s]) => {
        const pending = this.pending.has(name)
        return { name, value: pending ? this.pending.get(name)! : s.value, pending }
      }),
    }
  }

  offer(name: string, setting: GateSetting): () => void {
    this.offered.set(name, setting)
    this.changed()
    return () => {
      if (this.offered.get(name) !== setting) return
      this.offered.delete(name)
      this.pending.delete(name)
      this.changed()
    }
  }

  /**
   * Queues a new value of an offered setting, applied at the next batch or epoch boundary;
   * throws (saying what can be changed) when the training does not offer it or refuses the value.
   */
  set(name: string, value: SettingValue): void {
    const s = this.offered.get(name)
    if (!s) {
      const names = [...this.offered.keys()]
      throw new Error(
        names.length
          ? `'${name}' cannot be changed while this job runs; it can change ${names.map((n) => `'${n}'`).join(', ')}`
          : `'${name}' cannot be changed: this job offers no setting to change now`,
      )
    }
    const why = s.check(value)
    if (why) throw new Error(`${name} ${why}`)
    this.pending.set(name, value)
    this.changed()
  }

  /** Applies the queued settings (at a boundary the loop passes). */
  private applyPending(): void {
    if (this.pending.size === 0) return
    for (const [name, value] of this.pending) this.offered.get(name)?.apply(value)
    this.pending.clear()
    this.changed()
  }

  private changed(): void {
    this.onChange?.()
  }

  /** The training loops report each batch's loss here (shown after a step). */
  afterBatch(loss: number): void {
    this.batchLoss = Number.isFinite(loss) ? loss : null
  }

  /**
   * Resolves once a step has been taken: the loop holds again (paused after its batch or
   * epoch), or the job ended (`close`) or was cancelled.
   */
  settled(): Promise<void> {
    if (!this.pausedFlag || this.aborted || this.closed) return Promise.resolve()
    return new Promise((resolve) => this.stepped.push(resolve))
  }

  /** The job ended: nothing will hold any more. */
  close(): void {
    this.closed = true
    this.settle()
  }

  private closed = false

  private settle(): void {
    const s = this.stepped
    this.stepped = []
    for (const f of s) f()
  }

  pause(): void {
    this.pausedFlag = true
    this.budget = { kind: 'none' }
    this.changed()
  }

  resume(): void {
    this.pausedFlag = false
    this.budget = { kind: 'none' }
    this.release()
    this.changed()
  }

  /** Lets a paused job run one batch or (the rest of) one epoch; throws when not paused. */
  step(unit: StepUnit): void {
    if (!this.pausedFlag) throw new Error('the job is not paused: pause it before stepping')
    this.budget =
      unit === 'batch' ? { kind: 'batch' } : { kind: 'epoch', boundaries: this.midEpoch ? 0 : 1 }
    this.release()
  }

  /** Awaited at the start of each epoch; false: the job was cancelled. */
  beforeEpoch(): Promise<boolean> | boolean {
    this.midEpoch = false
    const pass = (): boolean => {
      if (!this.pausedFlag) return true
      const b = this.budget
      if (b.kind === 'batch') return true // the stepped batch is the next epoch's first
      if (b.kind === 'epoch' && b.boundaries > 0) {
        this.budget = { kind: 'epoch', boundaries: b.boundaries - 1 }
        return true
      }
      if (b.kind === 'epoch') this.budget = { kind: 'none' }
      return false
    }
    const go = this.hold(pass)
    const count = (ok: boolean): boolean => {
      if (ok) {
        this.epochs++
        this.applyPending()
      }
      return ok
    }
    return typeof go === 'boolean' ? count(go) : go.then(count)
  }

  /** Awaited before each mini-batch; false: the job was cancelled. */
  beforeBatch(): Promise<boolean> | boolean {
    const pass = (): boolean => {
      if (!this.pausedFlag) return true
      const b = this.budget
      if (b.kind === 'epoch') return true
      if (b.kind === 'batch') {
        this.budget = { kind: 'none' }
        return true
      }
      return false
    }
    const count = (ok: boolean): boolean => {
      if (ok) {
        this.batches++
        this.midEpoch = true
        this.applyPending()
      }
      return ok
    }
    const go = this.hold(pass)
    if (typeof go !== 'boolean') return go.then(count)
    if (!count(go)) return false
    if (performance.now() - this.lastYield < YIELD_MS) return true
    return new Promise((resolve) =>
      setImmediate(() => {
        this.lastYield = performance.now()
        resolve(!this.aborted)
      }),
    )
  }

  /** `pass()` now, or after each wake-up until it holds; false once cancelled. */
  private hold(pass: () => boolean): Promise<boolean> | boolean {
    if (this.aborted) return false
    if (pass()) return true
    // Held: a step that was taken is done.
    this.settle()
    this.changed()
    return (async () => {
      for (;;) {
        await new Promise<void>((resolve) => (this.wake = resolve))
        this.lastYield = performance.now()
        if (this.aborted) return false
        if (pass()) return true
      }
    })()
  }

  private release(): void {
    if (this.aborted) this.settle()
    const w = this.wake
    this.wake = null
    w?.()
  }
}
