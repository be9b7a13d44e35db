/**
 * A benchmark: `run` does the measured work once and returns the measured quantity (usually a
 * duration in ms measured inside, so set-up is excluded). The runner repeats it `n` times and
 * reports the median. Benchmarks print; they never fail on a slow machine.
 */
export interface Bench {
  /** Stable id, e.g. "hist-fill-1e7"; `npm run bench -- NAME` runs the ones whose id starts with NAME. */
  name: string
  unit: string
  /** Repetitions (median reported). */
  n?: number
  /** Optional set-up run once before the repetitions (not measured). */
  setup?: () => Promise<void> | void
  run: () => Promise<number> | number
  /** A short comparison printed beside the result, e.g. "target ≤ 60 ms". */
  note?: string
  backend?: string
}

/** Wall-clock milliseconds of `fn`. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}
