/**
 * The Learn view's colour scales and axis ticks (pure, no DOM; paint-canvas.ts paints with
 * them): the network output (background red → white at 0.5 → signal blue, the Train step's
 * colours) and a neuron's activation (a diverging violet / orange scale, as TensorFlow
 * Playground's, scaled to the neuron's largest |value|).
 */

export type Rgb = [number, number, number]

/** The Train step's colours (TMVA's): signal blue, background red. */
export const SIGNAL: Rgb = [31, 95, 168]
export const BACKGROUND: Rgb = [214, 39, 40]
const WHITE: Rgb = [255, 255, 255]
/** Activations and weights: orange positive, violet negative (apart from the class colours). */
export const POSITIVE: Rgb = [230, 145, 56]
export const NEGATIVE: Rgb = [120, 94, 178]

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

/** Output p ∈ [0, 1]: background colour at 0, white at 0.5, signal colour at 1 (softened). */
export function outputColour(p: number): Rgb {
  const t = Math.min(1, Math.max(0, p))
  return t < 0.5 ? mix(BACKGROUND, WHITE, 0.25 + 1.5 * t) : mix(WHITE, SIGNAL, 1.5 * (t - 0.5))
}

/** Activation v on a scale of ±maxAbs: blue below 0, white at 0, orange above. */
export function activationColour(v: number, maxAbs: number): Rgb {
  const t = maxAbs > 0 ? Math.max(-1, Math.min(1, v / maxAbs)) : 0
  return t < 0 ? mix(WHITE, NEGATIVE, -t) : mix(WHITE, POSITIVE, t)
}

/** About five round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number): number[] {
  const span = hi - lo
  if (!(span > 0)) return [lo]
  const raw = span / 5
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step)
    out.push(Number(v.toPrecision(6)))
  return out
}
