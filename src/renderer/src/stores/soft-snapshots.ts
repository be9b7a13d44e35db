/**
 * INFERNO's soft histograms per epoch, collected from its metric events by the INFERNO store
 * (components/inferno/soft-histogram-option.ts draws them).
 */

/** One epoch's normalised soft histograms (each sums to 1 over the bins). */
export interface SoftSnapshot {
  /** 1-based epoch (over all seeds of a benchmark run). */
  epoch: number
  signal: number[]
  background: number[]
}

const SOFT_METRIC = /^inferno\.soft\.(signal|background)\.(\d+)$/

/** `inferno.soft.signal.3` → { process: 'signal', bin: 3 }; null for any other metric. */
export function softMetric(name: string): { process: 'signal' | 'background'; bin: number } | null {
  const m = SOFT_METRIC.exec(name)
  return m ? { process: m[1] as 'signal' | 'background', bin: Number(m[2]) } : null
}

/**
 * Collects soft-histogram metric events into snapshots by step (0-based epoch → 1-based), in
 * epoch order; a snapshot is listed once both processes have every bin up to the highest seen.
 */
export class SoftSnapshots {
  private readonly byStep = new Map<number, { signal: number[]; background: number[] }>()

  /** Records a metric event; false when it is not a soft-histogram metric. */
  add(name: string, step: number, value: number): boolean {
    const m = softMetric(name)
    if (!m) return false
    let s = this.byStep.get(step)
    if (!s) this.byStep.set(step, (s = { signal: [], background: [] }))
    s[m.process][m.bin] = value
    return true
  }

  /** Complete snapshots, oldest first. */
  list(): SoftSnapshot[] {
    return [...this.byStep.entries()]
      .sort((a, b) => a[0] - b[0])
      .filter(([, s]) => {
        const n = Math.max(s.signal.length, s.background.length)
        const full = (v: number[]) => v.length === n && v.every((x) => Number.isFinite(x))
        return n > 0 && full(s.signal) && full(s.background)
      })
      .map(([step, s]) => ({
        epoch: step + 1,
        signal: [...s.signal],
        background: [...s.background],
      }))
  }
}

/** Total absolute change of the bin fractions between two snapshots (0 … 4). */
export function softChange(a: SoftSnapshot, b: SoftSnapshot): number {
  let d = 0
  a.signal.forEach((v, j) => (d += Math.abs(v - (b.signal[j] ?? 0))))
  a.background.forEach((v, j) => (d += Math.abs(v - (b.background[j] ?? 0))))
  return d
}
