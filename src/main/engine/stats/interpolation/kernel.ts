/**
 * The two shapes of an interpolation code (HistFactory paper, CERN-OPEN-2012-016, §2.3; pyhf
 * `pyhf.interpolators`): what one code module exports, so the compiled model (model.ts) stores
 * per-modifier data in flat arrays and the likelihood calls the very functions tested here.
 */

/**
 * Numbers a normsys code keeps per modifier (written by `prepare`, read by value/d1/d2 at an
 * offset): [ln lo, ln hi, a₁ … a₆] (code1 uses the first two).
 */
export const NORMSYS_STRIDE = 8

/**
 * A multiplicative code (normsys): the factor on a whole sample at α for the modifier whose
 * data `prepare(lo, hi)` wrote into `p` at offset `o`; lo and hi are factors relative to nominal.
 */
export interface NormsysCode {
  prepare(lo: number, hi: number, p?: Float64Array, o?: number): Float64Array
  /** Factor (dimensionless). */
  value(alpha: number, p: ArrayLike<number>, o?: number): number
  /** d factor / dα. */
  d1(alpha: number, p: ArrayLike<number>, o?: number): number
  /** d² factor / dα². */
  d2(alpha: number, p: ArrayLike<number>, o?: number): number
}

/**
 * An additive code (histosys): the change of one bin at α with U = hi − nom and D = nom − lo
 * (events). Every code is linear in (U, D), so the model evaluates each function at (1, 0) and
 * (0, 1) once per parameter and then needs one multiply-add per bin.
 */
export interface HistosysCode {
  /** Delta (events). */
  value(alpha: number, up: number, down: number): number
  /** d delta / dα. */
  d1(alpha: number, up: number, down: number): number
  /** d² delta / dα². */
  d2(alpha: number, up: number, down: number): number
}
