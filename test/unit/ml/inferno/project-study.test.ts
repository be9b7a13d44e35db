/**
 * The training-fraction study's subset of project events: about `fraction` of the training part
 * kept, validation and test untouched, and each sample's training Σw unchanged (the kept events
 * stand for the dropped ones) — sums written out here.
 */
import { describe, expect, it } from 'vitest'
import { PARTS, type ProjectEvents } from '../../../../src/main/engine/ml/inferno/project-data'
import { withTrainingFraction } from '../../../../src/main/engine/ml/inferno/project-study'

function events(n: number): ProjectEvents {
  const sample = Int32Array.from({ length: n }, (_, i) => i % 2)
  return {
    dim: 1,
    inputs: ['x'],
    samples: [
      { name: 'sig', role: 'signal' },
      { name: 'bkg', role: 'background' },
    ],
    x: Float32Array.from({ length: n }, (_, i) => i),
    sample,
    signal: Uint8Array.from(sample, (s) => (s === 0 ? 1 : 0)),
    part: Uint8Array.from({ length: n }, (_, i) =>
      i % 10 < 6 ? PARTS.train : i % 10 < 8 ? PARTS.validation : PARTS.test,
    ),
    weight: Float64Array.from({ length: n }, (_, i) => 0.5 + (i % 7) * 0.1),
    variation: new Int16Array(n),
    nuisances: [],
    yields: { signal: 1, background: 1 },
    warnings: [],
  }
}

const sumW = (ev: ProjectEvents, part: number, s: number) => {
  let w = 0
  for (let i = 0; i < ev.part.length; i++)
    if (ev.part[i] === part && ev.sample[i] === s) w += ev.weight[i]
  return w
}
const count = (ev: ProjectEvents, part: number) => ev.part.filter((p) => p === part).length

describe('withTrainingFraction', () => {
  it('keeps ~fraction of the training part with its per-sample Σw; other parts untouched', () => {
    const ev = events(20_000)
    const sub = withTrainingFraction(ev, 0.3, 1)
    // 12 000 training events, binomial(12 000, 0.3): 3600 ± 50 (±4σ here).
    expect(Math.abs(count(sub, PARTS.train) - 3600)).toBeLessThan(200)
    for (const s of [0, 1]) {
      expect(sumW(sub, PARTS.train, s)).toBeCloseTo(sumW(ev, PARTS.train, s), 8)
      for (const p of [PARTS.validation, PARTS.test]) expect(sumW(sub, p, s)).toBe(sumW(ev, p, s))
    }
    expect(count(sub, PARTS.validation)).toBe(count(ev, PARTS.validation))
    expect(count(sub, PARTS.test)).toBe(count(ev, PARTS.test))
    // The input is not modified; the same seed gives the same subset.
    expect(count(ev, PARTS.train)).toBe(12_000)
    expect(withTrainingFraction(ev, 0.3, 1).part).toEqual(sub.part)
  })
})
