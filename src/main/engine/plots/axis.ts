/**
 * Axis scales and ticks: linear (steps 1, 2, 2.5, 5 × 10ᵏ with minor ticks between) and
 * logarithmic (decades with 2…9 minors), and tick labels as markup (10^{3} on log axes).
 */

export interface Scale {
  lo: number
  hi: number
  log: boolean
  /** Pixel (pt) positions of lo and hi. */
  p0: number
  p1: number
}

/** Position in pt of a value on the scale (log: values ≤ 0 go below the axis). */
export function pos(s: Scale, v: number): number {
  if (s.log) {
    const lv = v > 0 ? Math.log10(v) : Math.log10(s.lo) - 10
    const a = Math.log10(s.lo)
    const b = Math.log10(s.hi)
    return s.p0 + ((lv - a) / (b - a)) * (s.p1 - s.p0)
  }
  return s.p0 + ((v - s.lo) / (s.hi - s.lo)) * (s.p1 - s.p0)
}

export interface Ticks {
  major: { value: number; label: string }[]
  minor: number[]
}

/** A tick value as text: no float noise, '−' for minus. */
export function tickText(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9)))
  const fixed = Math.abs(v) < step * 1e-6 ? '0' : v.toFixed(decimals)
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed
  return trimmed.replace(/^-/, '−')
}

/** Linear ticks over [lo, hi] with about `target` major ticks. */
export function linearTicks(lo: number, hi: number, target: number, wholeOnly = false): Ticks {
  const raw = (hi - lo) / Math.max(2, target)
  const mag = Math.pow(10, Math.floor(Math.log10(raw)))
  let step = mag
  let minorPer = 5
  for (const [m, per] of [
    [1, 5],
    [2, 4],
    [2.5, 5],
    [5, 5],
    [10, 5],
  ] as const) {
    if (m * mag >= raw * 0.999) {
      step = m * mag
      minorPer = per
      break
    }
  }
  if (wholeOnly && step < 1) {
    step = 1
    minorPer = 1
  }
  const major: Ticks['major'] = []
  const minor: number[] = []
  const first = Math.ceil(lo / step - 1e-9)
  const last = Math.floor(hi / step + 1e-9)
  for (let k = first; k <= last; k++)
    major.push({ value: k * step, label: tickText(k * step, step) })
  const mstep = step / minorPer
  for (let k = Math.ceil(lo / mstep - 1e-9); k <= Math.floor(hi / mstep + 1e-9); k++) {
    if (k % minorPer !== 0) minor.push(k * mstep)
  }
  return { major, minor }
}

/** Log ticks: a major tick per decade (every few decades on long axes), minors at 2…9. */
export function logTicks(lo: number, hi: number): Ticks {
  const a = Math.floor(Math.log10(lo) + 1e-9)
  const b = Math.ceil(Math.log10(hi) - 1e-9)
  const every = Math.max(1, Math.ceil((b - a) / 8))
  const major: Ticks['major'] = []
  const minor: number[] = []
  for (let e = a; e <= b; e++) {
    const v = Math.pow(10, e)
    if (v >= lo * 0.999 && v <= hi * 1.001 && (e - a) % every === 0)
      major.push({
        value: v,
        label: e === 0 ? '1' : e === 1 ? '10' : `10^{${e < 0 ? '−' : ''}${Math.abs(e)}}`,
      })
    if (every === 1)
      for (let m = 2; m <= 9; m++) {
        const mv = m * v
        if (mv > lo && mv < hi) minor.push(mv)
      }
  }
  return { major, minor }
}

export function ticksFor(s: Scale, target: number, wholeOnly = false): Ticks {
  return s.log ? logTicks(s.lo, s.hi) : linearTicks(s.lo, s.hi, target, wholeOnly)
}

/** A "nice" upper limit ≥ v for a linear axis starting at 0. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1
  const mag = Math.pow(10, Math.floor(Math.log10(v)))
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * mag >= v) return m * mag
  return 10 * mag
}
