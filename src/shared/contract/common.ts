/** Pieces every group of API methods uses. */
import { z } from 'zod'
import { nameRecord } from '../name-record'

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

/**
 * A number that may be undefined (an error without a covariance, a failed MINOS side, an empty
 * bin's ratio): null on the wire, never NaN or ±∞, which JSON cannot carry (JSON.stringify
 * writes them as null) and zod's numbers refuse.
 */
export const FiniteOrNull = z.number().nullable()
export type FiniteOrNull = z.infer<typeof FiniteOrNull>

/** The value for a FiniteOrNull field: NaN and ±∞ become null. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null
}

/**
 * A record keyed by user-chosen names (samples, groups, variables, channels), validated value by
 * value into a null-prototype object (name-record.ts). zod's own `z.record` drops a `__proto__`
 * key on purpose, which would make a sample of that name vanish from a result.
 */
export function byName<V extends z.ZodType>(value: V, key: z.ZodType<string> = z.string()) {
  return z
    .custom<Record<string, z.input<V>>>(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      'expected an object',
    )
    .transform((input, ctx) => {
      const out = nameRecord<z.output<V>>()
      for (const [k, v] of Object.entries(input)) {
        const name = key.safeParse(k)
        const parsed = value.safeParse(v)
        for (const issue of [
          ...(name.success ? [] : name.error.issues),
          ...(parsed.success ? [] : parsed.error.issues),
        ])
          ctx.issues.push({
            code: 'custom',
            message: issue.message,
            input: v,
            path: [k, ...issue.path],
          })
        if (name.success && parsed.success) out[name.data] = parsed.data
      }
      return out
    })
}
