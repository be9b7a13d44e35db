/**
 * Pause / step / resume of any training job (issue 14): the classifier network, autoencoders,
 * VAEs, INFERNO and tuning trials. A job the runner started as pausable (JobInfo.gate is set)
 * can be held between two mini-batches, stepped by one batch or one epoch, resumed, and have
 * the settings its trainer offers changed (applied at the next batch). Cancel (jobs.cancel)
 * works while paused and ends the job as cancelled with what it had learned. Each change is
 * also sent as a `gate` job event so a status bar follows it.
 */
import { z } from 'zod'
import type { MethodSpec } from './common'

export const StepUnit = z.enum(['epoch', 'batch'])
export type StepUnit = z.infer<typeof StepUnit>

export const SettingValue = z.union([z.number(), z.string().max(200), z.boolean()])
export type SettingValue = z.infer<typeof SettingValue>

/** A setting the running trainer can change mid-run, with its value (the new one if pending). */
export const GateSettingState = z.object({
  name: z.string(),
  value: SettingValue,
  /** Set by the user and not yet applied (it applies at the next batch or epoch). */
  pending: z.boolean(),
})
export type GateSettingState = z.infer<typeof GateSettingState>

/** Where a pausable job stands. */
export const GateState = z.object({
  paused: z.boolean(),
  /** Epochs started and batches run so far (all trainings of the job together). */
  epochs: z.number().int(),
  batches: z.number().int(),
  /** Training loss of the last batch run, so a step by one batch shows what it did. */
  batchLoss: z.number().nullable(),
  /** What the trainer running now lets the user change (empty between trainings). */
  settings: z.array(GateSettingState),
})
export type GateState = z.infer<typeof GateState>

/** A job's gate state, as the control methods answer it. */
export const JobGateState = GateState.extend({ jobId: z.string() })
export type JobGateState = z.infer<typeof JobGateState>

const JobRef = z.object({ jobId: z.string() }).strict()

export const gateMethods = {
  /** Holds a running pausable job at its next batch (between two batches or epochs). */
  'jobs.pause': { params: JobRef, result: JobGateState },
  'jobs.resume': { params: JobRef, result: JobGateState },
  /**
   * While paused: run one more batch, or to the end of the epoch (one whole epoch at an epoch
   * boundary); answers once that step has run, with the counts and batch loss after it.
   */
  'jobs.step': {
    params: z.object({ jobId: z.string(), unit: StepUnit }).strict(),
    result: JobGateState,
  },
  /**
   * Changes a setting the job's trainer offers (GateState.settings; e.g. `learningRate`),
   * applied at the next batch or epoch — while paused, at the next step. Refused, saying what
   * can be changed, for a setting the trainer does not offer or a value it cannot take.
   */
  'jobs.set': {
    params: z
      .object({ jobId: z.string(), name: z.string().max(100), value: SettingValue })
      .strict(),
    result: JobGateState,
  },
  /** A pausable job's state now (re-attaching a window). */
  'jobs.gate': { params: JobRef, result: JobGateState },
} as const satisfies Record<string, MethodSpec>

export type GateMethodName = keyof typeof gateMethods
