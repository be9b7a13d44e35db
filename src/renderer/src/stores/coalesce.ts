/**
 * Coalesces bursts of updates into one redraw every `ms` milliseconds: a small network trains
 * hundreds of epochs a second, and redrawing its live chart per metric event makes the window
 * fall behind the training it shows (Cancel then waits behind the backlog).
 */
export function coalesce(flush: () => void, ms = 250): { request(): void; now(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null
  const run = (): void => {
    if (timer) clearTimeout(timer)
    timer = null
    flush()
  }
  return {
    /** Flushes within `ms` (once, however many requests arrive meanwhile). */
    request: () => {
      timer ??= setTimeout(run, ms)
    },
    /** Flushes at once (e.g. when the job ends). */
    now: run,
  }
}
