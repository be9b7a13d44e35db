/** How the stores turn a failed engine call into the message a view shows. */
import type { Ref } from 'vue'

/** A failure as the user reads it (an ApiError's message, or the thrown value). */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/**
 * Runs a call; a failure is shown in `error` and gives undefined. `clear`: a user action starts
 * by clearing the last error; background reloads (models after a failed run) keep it in sight.
 */
export function guardWith(
  error: Ref<string | null>,
): <T>(f: () => Promise<T>, clear?: boolean) => Promise<T | undefined> {
  return async (f, clear = true) => {
    try {
      if (clear) error.value = null
      return await f()
    } catch (e) {
      error.value = errorMessage(e)
      return undefined
    }
  }
}
