/**
 * How large a model the fit machinery takes. MIGRAD's metric, the Fisher information, the
 * Hessian and the HESSE covariance are dense npar × npar matrices, and inverting them costs
 * npar³: a per-bin modifier (staterror, shapesys, shapefactor) on 10⁵ bins makes 10⁵ parameters,
 * 80 GB per matrix. Such a model is refused up front with the cause, instead of failing deep in a
 * typed-array allocation ("Invalid typed array length") or running for hours.
 */
import type { Model } from './model'

/**
 * Most parameters a fit accepts: 4096² float64 is 128 MiB per matrix, and an inversion of that
 * size takes about a minute in this engine (1000 parameters take ≈ 2 s of CPU).
 */
export const MAX_FIT_PARAMETERS = 4096

/** A model too large for the dense fit: the message names the parameter sets that make it so. */
export class FitSizeError extends Error {
  override name = 'FitSizeError'
}

/** Throws FitSizeError when `model` has more than MAX_FIT_PARAMETERS parameters. */
export function checkFitSize(model: Model): void {
  const n = model.npar
  if (n <= MAX_FIT_PARAMETERS) return
  const big = [...model.paramSets]
    .filter((s) => s.size > 1)
    .sort((a, b) => b.size - a.size)
    .slice(0, 3)
    .map((s) => `${s.size} from ${s.kind} '${s.name}' (one per bin)`)
  const gb = (n * n * 8) / 2 ** 30
  throw new FitSizeError(
    `the model has ${n} parameters${big.length ? `, ${big.join(', ')}` : ''}: a fit holds dense ` +
      `${n} × ${n} matrices (${gb < 10 ? gb.toFixed(1) : Math.round(gb)} GiB each) and supports at ` +
      `most ${MAX_FIT_PARAMETERS} parameters; merge bins or drop per-bin modifiers`,
  )
}
