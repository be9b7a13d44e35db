/**
 * The live soft histograms of INFERNO while it trains (issue 7: "students should see the bins
 * reorganise"): per epoch, the fraction of signal and of background validation events softly
 * assigned to each bin, side by side as bars, with the previous epoch as pale bars beside them so
 * the change from one epoch to the next is visible even on a still frame.
 */
import type { EChartsOption } from '../charts/option'
import { BACKGROUND, SIGNAL, valueAxis } from '../train/chart-style'

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

export function softHistogramOption(
  now: SoftSnapshot,
  previous: SoftSnapshot | null,
  tau: number | null,
): EChartsOption {
  const bins = now.signal.map((_, j) => String(j + 1))
  const bar = (name: string, data: number[], colour: string, pale: boolean) => ({
    type: 'bar',
    name,
    data,
    barGap: '5%',
    barCategoryGap: '20%',
    itemStyle: pale
      ? { color: colour, opacity: 0.25, borderColor: colour, borderType: 'dashed', borderWidth: 1 }
      : { color: colour, opacity: 0.85 },
  })
  // The previous epoch as pale bars beside each process's bars: the change reads bin by bin.
  const before = previous && previous.signal.length === now.signal.length ? previous : null
  const series: unknown[] = before
    ? [
        bar(`signal, epoch ${before.epoch}`, before.signal, SIGNAL, true),
        bar('signal', now.signal, SIGNAL, false),
        bar(`background, epoch ${before.epoch}`, before.background, BACKGROUND, true),
        bar('background', now.background, BACKGROUND, false),
      ]
    : [
        bar('signal', now.signal, SIGNAL, false),
        bar('background', now.background, BACKGROUND, false),
      ]
  const temp = tau === null ? '' : `, τ = ${tau}`
  return {
    animation: true,
    animationDurationUpdate: 300,
    backgroundColor: '#fff',
    title: {
      text: `Soft histograms on validation events, epoch ${now.epoch}${temp}`,
      left: 'center',
      textStyle: { fontSize: 13 },
    },
    legend: { top: 24, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 64, right: 24, top: 60, bottom: 44 },
    xAxis: { type: 'category', data: bins, name: 'bin', nameLocation: 'middle', nameGap: 26 },
    yAxis: valueAxis('fraction of events', { nameGap: 44, min: 0 }),
    series,
  } as EChartsOption
}
