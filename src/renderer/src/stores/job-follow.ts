/**
 * How a step store (Train, Anomaly, INFERNO) waits for the one job it shows, whether it started
 * the job or re-attached to it after a reload (running-job.ts): the job's end is shown only
 * while the window still has the job's project open, and the store's job slot is cleared only
 * when it still holds this job.
 */
import type { Ref } from 'vue'
import { ApiError } from '../api/client'
import { errorMessage } from './guard'

/** A store's job slot and the project the window has open now (its path, if any). */
export interface JobSlot {
  readonly job: Ref<unknown>
  readonly projectPath: () => string | undefined
}

export interface JobEnd<T> {
  /** The result, while the job's project is still open. */
  readonly show: (result: T) => void
  /** The failure (cancellation included), while the job's project is still open. */
  readonly fail: (e: unknown) => void
  /** After the slot is cleared, while the job's project is still open (e.g. reload models). */
  readonly settle?: () => Promise<void>
}

/** Waits for `outcome`, the job now in `slot`, and hands its end to `end`. */
export async function followJob<T>(
  slot: JobSlot,
  outcome: Promise<T>,
  end: JobEnd<T>,
): Promise<void> {
  const mine = slot.job.value
  const path = slot.projectPath()
  try {
    const r = await outcome
    if (slot.projectPath() === path) end.show(r)
  } catch (e) {
    if (slot.projectPath() === path) end.fail(e)
  } finally {
    if (slot.job.value === mine) slot.job.value = null
    if (end.settle && slot.projectPath() === path) await end.settle()
  }
}

/** What a training that ended without a result says: cancelled (the set-up kept) or failed. */
export function trainingFailure(e: unknown): string {
  return e instanceof ApiError && e.info.code === 'cancelled'
    ? 'Training cancelled; the set-up is kept.'
    : `Training failed: ${errorMessage(e)}`
}
