/**
 * staterror: one factor γ_b per bin of every channel that carries it, shared by all samples
 * there (init 1, bounds [1e−10, 10]), Gaussian-constrained N(1 | γ_b, σ_b) with
 * σ_b = √(Σ_s δ_sb²) / Σ_s nom_sb over the samples carrying it; σ_b = 0 → held fixed.
 * Optionally Poisson (ROOT's StatErrorConfig ConstraintType="Poisson"): τ_b = 1/σ_b².
 */
import type { Modifier } from '../workspace'
import { draft, filled, type ModifierType } from './modifier'

type Staterror = Extract<Modifier, { type: 'staterror' }>

export const staterror: ModifierType<Staterror> = {
  kind: 'staterror',
  declare: (m, use) => ({
    ...draft(m.name, 'staterror', use.where, 1, {
      init: 1,
      lower: 1e-10,
      upper: 10,
      constraint: 'normal',
    }),
    channels: [use.channel],
  }),
  share: (set, _m, use) => {
    if (!set.channels!.includes(use.channel)) set.channels!.push(use.channel)
  },
  finish: (set, { ws, channels, settings, warnings }) => {
    set.channels = channels.filter((c) => set.channels!.includes(c.name)).map((c) => c.name)
    const sigma: number[] = []
    for (const { name, nbins: nb } of channels) {
      if (!set.channels.includes(name)) continue
      const ch = ws.channels.find((c) => c.name === name)!
      const nomSum = filled(nb, 0)
      const unc2 = filled(nb, 0)
      for (const s of ch.samples) {
        const m = s.modifiers.find((x) => x.type === 'staterror' && x.name === set.name)
        if (!m || m.type !== 'staterror') continue
        for (let k = 0; k < nb; k++) {
          nomSum[k] += s.data[k]
          unc2[k] += m.data[k] * m.data[k]
        }
      }
      for (let k = 0; k < nb; k++) sigma.push(nomSum[k] > 0 ? Math.sqrt(unc2[k]) / nomSum[k] : 0)
    }
    const n = sigma.length
    set.size = n
    set.init = filled(n, 1)
    set.lower = filled(n, 1e-10)
    set.upper = filled(n, 10)
    set.fixed = sigma.map((x) => x === 0)
    set.sigma = sigma.map((x) => (x === 0 ? 1 : x))
    if (settings.staterrorConstraint === 'poisson') {
      set.constraint = 'poisson'
      set.factor = set.sigma.map((x, k) => (sigma[k] === 0 ? 1 : 1 / (x * x)))
      set.aux = [...set.factor]
    } else {
      set.constraint = 'normal'
      set.aux = filled(n, 1)
      set.factor = filled(n, 1)
    }
    const nFixed = set.fixed.filter(Boolean).length
    if (nFixed)
      warnings.push(`staterror '${set.name}': ${nFixed} bin(s) without uncertainty held fixed`)
  },
  binTerm: (_m, k, at, t) => {
    // The set runs over its channels in model order; this channel's bins start at `pos`.
    let pos = 0
    for (const name of at.set.channels!) {
      if (name === at.channel) break
      pos += at.channelBins(name)
    }
    t.pbPar.push(at.offset + pos + k)
  },
}
