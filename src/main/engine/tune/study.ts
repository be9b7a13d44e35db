/**
 * A study: suggest parameters, run trials (N at a time), record how each ended, pick the best.
 * Where a trial runs is the caller's `runTrial` (app/tune-study.ts makes each a Task of any
 * executor); the study only orders the work. Trial numbers are handed out in order and random
 * and grid suggestions depend on the number only, so a seeded random or grid study gives the
 * same trials serially and in parallel. A failed trial (an error, a NaN) is recorded with its
 * reason and the study goes on; a StudyError (the trials cannot run at all) stops it once the
 * running trials end; cancel stops starting trials and keeps the finished ones.
 */
import { CancelledError } from '../jobs/context'
import type { PrunerConfig } from './pruner'
import { type Algorithm, type Sampler, gridSampler, randomSampler } from './sampler'
import type { Params, SearchSpace } from './space'
import { tpeSampler } from './tpe'
import { type Direction, type TrialRecord, bestTrial } from './trial'

export interface StudySettings {
  readonly space: SearchSpace
  readonly algorithm: Algorithm
  readonly direction: Direction
  /** Trials in all (a grid study runs at most its grid's size). */
  readonly trials: number
  /** Trials run at the same time. */
  readonly parallel: number
  readonly seed: number
  readonly pruner: PrunerConfig
  /** Seconds after which no new trial starts (Optuna's `timeout`); running ones finish. */
  readonly timeout?: number | null
}

/** A trial the study has run: its record, the steps (epochs) it trained and its wall time. */
export interface StudyTrial extends TrialRecord {
  readonly epochs: number
  readonly seconds: number
  /**
   * The share of the training events its (last) model trained on, where the training-data
   * fraction is Hyperband's resource.
   */
  readonly fraction?: number
}

/** What a trial's runner is given: its number, parameters and the trials finished before it. */
export interface TrialRequest {
  readonly number: number
  readonly params: Params
  /** The finished trials when it started (what its pruner compares with). */
  readonly peers: readonly StudyTrial[]
}

/** How a trial ended (a thrown error other than a cancel becomes a failed trial). */
export type TrialOutcome = Omit<StudyTrial, 'number' | 'params'>

export interface StudyHooks {
  /** Aborted: no new trial starts; running ones are the runner's to stop. */
  readonly signal?: AbortSignal
  /** Trials already finished (a resumed study); they count towards the budget. */
  readonly finished?: readonly StudyTrial[]
  /** Trials started but not finished before (a resumed study): run again first, same parameters. */
  readonly pending?: readonly { number: number; params: Params }[]
  /** A trial starts (for the store and the live table). */
  onStart?(number: number, params: Params): void
  /** A trial finished. */
  onTrial?(trial: StudyTrial): void
}

/**
 * Thrown by a trial runner when trials cannot run at all (where they run failed, not the
 * trial): the study stops with it instead of recording a failed trial and going on.
 */
export class StudyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StudyError'
  }
}

export function makeSampler(s: StudySettings): Sampler {
  switch (s.algorithm) {
    case 'grid':
      return gridSampler(s.space, s.seed)
    case 'random':
      return randomSampler(s.space, s.seed)
    case 'tpe':
      return tpeSampler(s.space, { seed: s.seed, direction: s.direction })
  }
}

export interface StudyResult {
  /** Every finished trial, by number. */
  readonly trials: StudyTrial[]
  readonly best: StudyTrial | null
  /** True when the study stopped on a cancel before its budget. */
  readonly cancelled: boolean
  /** True when the time budget stopped it before its trials. */
  readonly timedOut: boolean
}

export async function runStudy(
  settings: StudySettings,
  runTrial: (request: TrialRequest) => Promise<TrialOutcome>,
  hooks: StudyHooks = {},
): Promise<StudyResult> {
  const sampler = makeSampler(settings)
  const budget = Math.min(settings.trials, sampler.size)
  const finished: StudyTrial[] = [...(hooks.finished ?? [])]
  const queue = [...(hooks.pending ?? [])]
  const taken = new Set([...finished.map((t) => t.number), ...queue.map((t) => t.number)])
  let next = 0
  let cancelled = false
  let timedOut = false
  const started = performance.now()
  const limit = settings.timeout ?? null
  const nextRequest = (): { number: number; params: Params } | null => {
    if (queue.length) return queue.shift()!
    while (taken.has(next)) next++
    if (next >= budget) return null
    const number = next++
    taken.add(number)
    return { number, params: sampler.suggest(number, finished) }
  }
  let broken: StudyError | null = null
  const worker = async (): Promise<void> => {
    for (;;) {
      if (broken) return
      if (hooks.signal?.aborted) {
        cancelled = true
        return
      }
      if (limit !== null && (performance.now() - started) / 1000 >= limit && !queue.length) {
        timedOut = true
        return
      }
      const request = nextRequest()
      if (!request) return
      hooks.onStart?.(request.number, request.params)
      const t0 = performance.now()
      let outcome: TrialOutcome
      try {
        outcome = await runTrial({ ...request, peers: [...finished] })
      } catch (e) {
        if (e instanceof CancelledError || hooks.signal?.aborted) {
          cancelled = true
          return
        }
        if (e instanceof StudyError) {
          broken ??= e
          return
        }
        outcome = {
          state: 'failed',
          value: null,
          intermediate: [],
          reason: e instanceof Error ? e.message : String(e),
          epochs: 0,
          seconds: (performance.now() - t0) / 1000,
        }
      }
      const trial: StudyTrial = { number: request.number, params: request.params, ...outcome }
      finished.push(trial)
      hooks.onTrial?.(trial)
    }
  }
  const n = Math.max(1, Math.floor(settings.parallel))
  await Promise.all(Array.from({ length: n }, worker))
  if (broken) throw broken
  const trials = finished.sort((a, b) => a.number - b.number)
  return { trials, best: bestTrial(trials, settings.direction), cancelled, timedOut }
}
