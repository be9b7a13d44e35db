/** Pieces every group of API methods uses. */
import { z } from 'zod'

/** One method of the contract: params → result; a job's final result in `job`; `host` if the host answers it. */
export interface MethodSpec {
  params: z.ZodType
  result: z.ZodType
  job?: z.ZodType
  host?: true
}

export const FilePath = z.string().min(1, 'a file path is required').max(4096)
export const NoParams = z.object({}).strict()
/** What a job method answers at once; the result follows in the job's `finished` event. */
export const JobStarted = z.object({ jobId: z.string() })
