/**
 * The profile likelihood of a summary histogram's HistFactory workspace on its Asimov data, for
 * display: MINOS width of the POI, a profile scan of the POI (all nuisances profiled) and the
 * HESSE covariance / correlation of the free parameters. `scale` converts POI units to the
 * reported ones (the benchmark's s = 50 μ; 1 for a signal strength).
 */
import type { PoiProfile } from '../../../../shared/contract/inferno'
import { fitLikelihood } from '../../stats/fit'
import type { InterpolationCodes } from '../../stats/interpolation'
import { Likelihood, asimovData } from '../../stats/likelihood'
import { minos } from '../../stats/minos'
import { compileModel } from '../../stats/model'
import { linspace, profileScan } from '../../stats/scan'
import type { Workspace } from '../../stats/workspace'
import { finiteOrNull } from '../../../../shared/contract/common'

export function profilePoi(
  ws: Workspace,
  codes: InterpolationCodes,
  scale = 1,
  scanPoints = 25,
): PoiProfile {
  const model = compileModel(ws, { codes })
  const p = model.poi
  const lik = new Likelihood(model, asimovData(model, model.init))
  const best = fitLikelihood(lik, { hesse: true })
  const me = minos(lik, best, p)
  const hesse = best.hesse
  const err = hesse?.errors[p] ?? NaN
  const width = Number.isFinite(me.upper - me.lower) ? (me.upper - me.lower) / 2 : err
  const half = 3 * (Number.isFinite(width) && width > 0 ? width : 0.5)
  const lo = Math.max(model.lower[p], best.x[p] - half)
  const hi = Math.min(model.upper[p], best.x[p] + half)
  const scan = profileScan(lik, best, p, linspace(lo, hi, scanPoints))
  const free = hesse?.free ?? []
  const n = model.parNames.length
  const m = free.length
  // POI first, the others in the model's order.
  const order = [...free.filter((i) => i === p), ...free.filter((i) => i !== p)]
  const pos = order.map((i) => free.indexOf(i))
  const scaleOf = (i: number): number => (i === p ? scale : 1)
  return {
    poi: model.parNames[p],
    sigma: finiteOrNull(scale * width),
    lower: finiteOrNull(scale * me.lower),
    upper: finiteOrNull(scale * me.upper),
    valid: me.valid && best.converged,
    scan: {
      values: scan.values.map((v) => v * scale),
      delta: scan.deltaTwiceNll.map(finiteOrNull),
    },
    names: order.map((i) => model.parNames[i]),
    covariance: order.map((i) =>
      order.map((j) =>
        hesse ? finiteOrNull(hesse.covariance[i * n + j] * scaleOf(i) * scaleOf(j)) : null,
      ),
    ),
    correlation: pos.map((a) =>
      pos.map((c) => (hesse && m ? finiteOrNull(hesse.correlation[a * m + c]) : null)),
    ),
  }
}
