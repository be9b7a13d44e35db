/**
 * A pyhf workspace with many bins, generated in code, for the scaling benchmarks of the
 * likelihood (`fit-bins-*`): one channel of `nbins` bins, a signal (normfactor mu, a normsys)
 * and two backgrounds (a normsys, a histosys, a shared lumi; optionally a staterror over the
 * channel). Observations are the nominal total rounded to counts, so the fit is well posed.
 */
import type { Workspace } from '../src/main/engine/stats/workspace'

export function manyBinsWorkspace(nbins: number, staterror = false): Workspace {
  const sig: number[] = []
  const bkg: number[] = []
  const bkg2: number[] = []
  const up: number[] = []
  const dn: number[] = []
  const obs: number[] = []
  const err: number[] = []
  for (let b = 0; b < nbins; b++) {
    const t = (b + 0.5) / nbins
    sig.push(2 + 8 * Math.exp(-(((t - 0.6) / 0.05) ** 2)))
    bkg.push(50 * Math.exp(-2 * t) + 5)
    bkg2.push(10 + 3 * Math.sin(12 * t))
    up.push(bkg[b] * (1 + 0.05 * t))
    dn.push(bkg[b] * (1 - 0.04 * t))
    err.push(Math.sqrt(bkg[b]) * 0.3)
    obs.push(Math.round(sig[b] + bkg[b] + bkg2[b] + 2 * Math.sin(7 * b)))
  }
  const stat = staterror ? [{ name: 'staterror_SR', type: 'staterror' as const, data: err }] : []
  return {
    channels: [
      {
        name: 'SR',
        samples: [
          {
            name: 'signal',
            data: sig,
            modifiers: [
              { name: 'mu', type: 'normfactor', data: null },
              { name: 'sig_xs', type: 'normsys', data: { hi: 1.1, lo: 0.9 } },
              { name: 'lumi', type: 'lumi', data: null },
            ],
          },
          {
            name: 'bkg',
            data: bkg,
            modifiers: [
              { name: 'bkg_norm', type: 'normsys', data: { hi: 1.05, lo: 0.95 } },
              { name: 'jes', type: 'histosys', data: { hi_data: up, lo_data: dn } },
              { name: 'lumi', type: 'lumi', data: null },
              ...stat,
            ],
          },
          {
            name: 'bkg2',
            data: bkg2,
            modifiers: [
              { name: 'bkg2_norm', type: 'normsys', data: { hi: 1.2, lo: 0.8 } },
              ...stat,
            ],
          },
        ],
      },
    ],
    observations: [{ name: 'SR', data: obs }],
    measurements: [
      {
        name: 'meas',
        config: {
          poi: 'mu',
          parameters: [{ name: 'lumi', auxdata: [1], sigmas: [0.02], bounds: [[0.5, 1.5]] }],
        },
      },
    ],
    version: '1.0.0',
  }
}
