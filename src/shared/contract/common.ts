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
/**
 * Whether a write may replace an existing file at a user-chosen path. Without it an existing
 * file is refused with the error code 'exists'; the window then asks "X exists. Replace it?"
 * and sends the request again with `overwrite: true` (a native save dialog has already asked).
 */
export const Overwrite = z.boolean().default(false)
export const NoParams = z.object({}).strict()
/** What a job method answers at once; the result follows in the job's `finished` event. */
export const JobStarted = z.object({ jobId: z.string() })
