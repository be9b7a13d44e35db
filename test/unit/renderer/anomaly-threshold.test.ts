/**
 * The Anomaly view's numbers at a score threshold, the bump-search split and the form: each
 * checked against a plain recomputation from made-up per-event scores.
 */
import { describe, expect, it } from 'vitest'
import type { AnomalyDisplay, ScoreHistograms } from '../../../src/shared/contract/anomaly'
import { bumpSplit } from '../../../src/renderer/src/components/anomaly/bump'
import {
  buildConfig,
  defaultForm,
  parseLayers,
  restoreForm,
} from '../../../src/renderer/src/stores/anomaly-form'
import {
  initialThreshold,
  nearestEdge,
  thresholdStats,
} from '../../../src/renderer/src/stores/threshold-stats'

// Events: [score, weight] per sample, scores on [0, 10) with 10 unit bins.
const EVENTS: Record<string, { role: 'signal' | 'background'; ev: [number, number][] }> = {
  ttbar: {
    role: 'background',
    ev: [
      [0.5, 2],
      [1.5, 2],
      [2.5, 1],
      [7.2, 0.5],
      [9.9, 0.25],
    ],
  },
  wjets: {
    role: 'background',
    ev: [
      [0.1, 1],
      [0.2, 1],
      [3.3, 3],
      [6.6, 1],
    ],
  },
  zprime: {
    role: 'signal',
    ev: [
      [2.2, 0.1],
      [6.1, 0.2],
      [8.8, 0.3],
      [9.5, 0.4],
    ],
  },
}
const edges = Array.from({ length: 11 }, (_, k) => k)

function histograms(): ScoreHistograms {
  return {
    edges,
    samples: Object.entries(EVENTS).map(([name, { role, ev }]) => {
      const sumw = new Array<number>(10).fill(0)
      const sumw2 = new Array<number>(10).fill(0)
      for (const [s, w] of ev) {
        sumw[Math.floor(s)] += w
        sumw2[Math.floor(s)] += w * w
      }
      return { name, role, colour: null, sumw, sumw2 }
    }),
  }
}

/** Plain sums over the events with score ≥ cut. */
function plain(cut: number) {
  const above = (role: string, all = false) =>
    Object.values(EVENTS)
      .filter((x) => x.role === role)
      .flatMap((x) => x.ev)
      .filter(([s]) => all || s >= cut)
      .reduce((a, [, w]) => a + w, 0)
  return {
    b: above('background'),
    s: above('signal'),
    bAll: above('background', true),
    sAll: above('signal', true),
  }
}

describe('threshold statistics', () => {
  it('matches plain sums over the events above each edge', () => {
    const h = histograms()
    for (let k = 0; k <= 10; k++) {
      const t = thresholdStats(h, k)
      const p = plain(k)
      expect(t.cut).toBe(k)
      expect(t.b).toBeCloseTo(p.b, 12)
      expect(t.s).toBeCloseTo(p.s, 12)
      expect(t.effB).toBeCloseTo(p.b / p.bAll, 12)
      expect(t.effS).toBeCloseTo(p.s / p.sAll, 12)
      if (p.b > 0) {
        expect(t.sOverSqrtB).toBeCloseTo(p.s / Math.sqrt(p.b), 12)
        expect(t.purity).toBeCloseTo(p.s / (p.s + p.b), 12)
      } else expect(t.sOverSqrtB).toBeNull()
    }
  })

  it('at score ≥ 6: B = 0.5 + 0.25 + 1, S = 0.9 (written out)', () => {
    const t = thresholdStats(histograms(), 6)
    expect(t.b).toBeCloseTo(1.75, 12)
    expect(t.s).toBeCloseTo(0.9, 12)
    expect(t.sOverSqrtB).toBeCloseTo(0.9 / Math.sqrt(1.75), 12)
    expect(t.signals).toEqual([
      { name: 'zprime', s: expect.closeTo(0.9, 12), eff: expect.closeTo(0.9, 12) },
    ])
  })

  it('snaps a dragged value to the nearest edge', () => {
    expect(nearestEdge(edges, 3.4)).toBe(3)
    expect(nearestEdge(edges, 3.6)).toBe(4)
    expect(nearestEdge(edges, -5)).toBe(0)
    expect(nearestEdge(edges, 99)).toBe(10)
  })

  it('starts the threshold at the first edge keeping at most 1% of the background', () => {
    const h = histograms()
    const k = initialThreshold(h)
    // Background weight 11.75 in total; above 9: 0.25 (2.1%) > 1%, above 10: 0.
    expect(k).toBe(10)
    const total = plain(0).bAll
    expect(plain(k).b).toBeLessThanOrEqual(0.01 * total)
    expect(plain(k - 1).b).toBeGreaterThan(0.01 * total)
  })
})

describe('bump search split', () => {
  it('sums the input × score cells below and above the threshold edge', () => {
    // 2 input bins × 3 score bins; rows are input bins.
    const b: AnomalyDisplay['bump'][number] = {
      input: 'mjj',
      lo: 0,
      hi: 100,
      bins: 2,
      background: [1, 2, 3, 4, 5, 6],
      signal: [0, 0, 1, 0, 1, 1],
    }
    const s = bumpSplit(b, 3, 2)
    expect(s.edges).toEqual([0, 50, 100])
    expect(s.below.background).toEqual([1 + 2, 4 + 5])
    expect(s.above.background).toEqual([3, 6])
    expect(s.above.signal).toEqual([1, 1])
    expect(s.below.signal).toEqual([0, 1])
  })
})

describe('anomaly set-up form', () => {
  it('parses layer sizes and refuses non-integers', () => {
    expect(parseLayers('32, 16 8')).toEqual([32, 16, 8])
    expect(parseLayers('')).toEqual([])
    expect(parseLayers('32, x')).toBeNull()
    expect(parseLayers('2.5')).toBeNull()
  })

  it('builds a VAE config with only the non-Gaussian families of chosen inputs', () => {
    const f = {
      ...defaultForm(),
      kind: 'vae' as const,
      inputs: ['met', 'njet'],
      beta: 0.5,
      likelihood: {
        njet: 'discrete_gaussian' as const,
        met: 'gaussian' as const,
        old: 'poisson' as const,
      },
    }
    const b = buildConfig(f)
    if (!b.ok) throw new Error(b.errors.join())
    expect(b.config.kind).toBe('vae')
    if (b.config.kind !== 'vae') return
    expect(b.config.options.likelihood).toEqual({ njet: 'discrete_gaussian' })
    expect(b.config.options.beta).toBe(0.5)
    expect(b.config.options.encoder).toEqual([32, 16])
  })

  it('says what is wrong: no inputs, a bad layer list', () => {
    const none = buildConfig(defaultForm())
    expect(none.ok).toBe(false)
    if (!none.ok) expect(none.errors.join()).toMatch(/at least one input/)
    const bad = buildConfig({ ...defaultForm(), inputs: ['x'], encoder: '3,a' })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.errors.join()).toMatch(/encoder layers '3,a'/)
  })

  it('restores a stored form, keeping defaults for mistyped fields', () => {
    const f = restoreForm({ kind: 'vae', latent: 'big', inputs: ['a', 'b'], region: 'SR', beta: 2 })
    expect(f.kind).toBe('vae')
    expect(f.latent).toBe(defaultForm().latent)
    expect(f.inputs).toEqual(['a', 'b'])
    expect(f.region).toBe('SR')
    expect(f.beta).toBe(2)
    expect(restoreForm({ kind: 'nope' }).kind).toBe('ae')
  })
})
