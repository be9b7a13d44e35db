/**
 * The synthetic 3D problem of De Castro & Dorigo (Comput. Phys. Commun. 244 (2019) 170, §5),
 * as their public code (paper-inferno, code/synthetic_3D_example.py) defines it:
 *   background  (x₀, x₁) ~ N((2 + r, 0), diag(5, 9)),  x₂ ~ Exp(rate λ)
 *   signal      (x₀, x₁) ~ N((0, 0), I),               x₂ ~ Exp(rate 2)
 * nominal r = 0, λ = 3; expected counts s = 50, b = 1000. The nuisances act on background
 * inputs generated at the nominal point by the differentiable transform
 *   x₀ → x₀ + r,  x₂ → x₂ · λ₀ / λ
 * (an Exp(λ₀) variable times λ₀/λ is Exp(λ)), exactly as the paper's computation graph does.
 */
import { Random } from '../../data/random'

export const NOMINAL = { r: 0, lambda: 3, s: 50, b: 1000 } as const
/** Dimensionality of an event. */
export const DIM = 3

export type Process = 'signal' | 'background'

export interface NuisanceValues {
  /** Shift of the background mean along x₀ (nominal 0). */
  readonly r: number
  /** Rate of the background exponential in x₂ (nominal 3). */
  readonly lambda: number
}

/**
 * `n` events of `process`, row-major n × 3 (float32: what the network reads). Background is
 * generated at `nuisances` (default nominal).
 */
export function simulate(
  process: Process,
  n: number,
  rng: Random,
  nuisances: NuisanceValues = NOMINAL,
): Float32Array {
  const x = new Float32Array(n * DIM)
  const sd0 = process === 'signal' ? 1 : Math.sqrt(5)
  const sd1 = process === 'signal' ? 1 : 3
  const mean0 = process === 'signal' ? 0 : 2 + nuisances.r
  const rate = process === 'signal' ? 2 : nuisances.lambda
  for (let i = 0; i < n; i++) {
    x[i * DIM] = mean0 + sd0 * rng.normal()
    x[i * DIM + 1] = sd1 * rng.normal()
    x[i * DIM + 2] = rng.exponential(rate)
  }
  return x
}

/**
 * Background events generated at the nominal point, moved to nuisances (r, λ) by the paper's
 * transform (a new array; the input is not modified).
 */
export function transformBackground(x: Float32Array, to: NuisanceValues): Float32Array {
  const out = Float32Array.from(x)
  const scale = NOMINAL.lambda / to.lambda
  for (let i = 0; i < out.length; i += DIM) {
    out[i] += to.r
    out[i + 2] *= scale
  }
  return out
}

/** Signal and background events of one part (training, validation or test). */
export interface ProcessSamples {
  readonly signal: Float32Array
  readonly background: Float32Array
}

export interface BenchmarkData {
  readonly train: ProcessSamples
  readonly validation: ProcessSamples
  readonly test: ProcessSamples
}

/**
 * The benchmark's data sets, half signal and half background each: `trainEvents` for training,
 * as many for validation (the paper's equal hold-out), `testEvents` for the final numbers.
 * One seed gives the same events on every machine.
 */
export function benchmarkData(
  seed: number,
  trainEvents: number,
  testEvents: number,
): BenchmarkData {
  const part = (n: number, offset: number): ProcessSamples => ({
    signal: simulate('signal', Math.floor(n / 2), new Random(seed * 7919 + offset)),
    background: simulate('background', n - Math.floor(n / 2), new Random(seed * 7919 + offset + 1)),
  })
  return {
    train: part(trainEvents, 11),
    validation: part(trainEvents, 23),
    test: part(testEvents, 37),
  }
}
