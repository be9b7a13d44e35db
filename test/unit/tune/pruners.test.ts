/**
 * Pruners on hand-made learning curves: the median rule as Optuna's MedianPruner, and
 * Hyperband's successive halving cutting a study's total steps while keeping the best trial.
 */
import { describe, expect, it } from 'vitest'
import {
  bracketOf,
  hyperbandBrackets,
  hyperbandPruner,
  medianPruner,
} from '../../../src/main/engine/tune/pruner'
import { parseSpace } from '../../../src/main/engine/tune/space'
import { runStudy } from '../../../src/main/engine/tune/study'
import type { TrialRecord } from '../../../src/main/engine/tune/trial'

const done = (number: number, curve: number[]): TrialRecord => ({
  number,
  params: {},
  state: 'complete',
  value: curve[curve.length - 1],
  intermediate: curve,
})

describe('median pruner', () => {
  it('prunes a trial whose best value is above the median of complete trials at that step', () => {
    const p = medianPruner()
    const others = [1, 2, 3, 4, 5].map((k) => done(k, [k, k - 0.5]))
    expect(p.shouldPrune({ number: 9, intermediate: [3.5] }, 0, others)).toBe(true)
    expect(p.shouldPrune({ number: 9, intermediate: [2.5] }, 0, others)).toBe(false)
    // Its best so far counts, not its last value.
    expect(p.shouldPrune({ number: 9, intermediate: [2, 9] }, 1, others)).toBe(false)
    // Fewer than 5 complete trials: never.
    expect(p.shouldPrune({ number: 9, intermediate: [99] }, 0, others.slice(1))).toBe(false)
  })
})

describe('hyperband', () => {
  it('has Optuna’s brackets and spreads trials over them', () => {
    expect(hyperbandBrackets({ maxResource: 27 })).toBe(4)
    expect(hyperbandBrackets({ maxResource: 30 })).toBe(4)
    expect(hyperbandBrackets({ maxResource: 8, eta: 2 })).toBe(4)
    const counts = [0, 0, 0, 0]
    for (let n = 0; n < 1000; n++) counts[bracketOf(n, { maxResource: 27 })]++
    // Budgets ⌈4·3^(3−s)/(4−s)⌉ = 27, 12, 6, 4: the aggressive bracket gets most trials.
    expect(counts[0]).toBeGreaterThan(counts[1])
    expect(counts[1]).toBeGreaterThan(counts[3])
    expect(counts[3]).toBeGreaterThan(0)
  })

  it('prunes at rungs only, keeping the best 1/η of a bracket', () => {
    const o = { maxResource: 27, seed: 1 }
    const p = hyperbandPruner(o)
    const b0 = [...Array(200).keys()].filter((n) => bracketOf(n, o) === 0)
    const [a, b, c, d] = b0
    const others = [done(a, [1]), done(b, [2]), done(c, [3])]
    // Rung 1 (1 step): 4 competing values → the best ⌊4/3⌋ = 1 goes on.
    expect(p.shouldPrune({ number: d, intermediate: [1.5] }, 0, others)).toBe(true)
    expect(p.shouldPrune({ number: d, intermediate: [0.5] }, 0, others)).toBe(false)
    // Step 2 is not a rung of bracket 0 (rungs after 1, 3, 9 steps).
    expect(p.shouldPrune({ number: d, intermediate: [0.5, 9] }, 1, others)).toBe(false)
  })

  it('a study with Hyperband trains far fewer epochs and keeps a near-best trial', async () => {
    // Trial quality q ~ the parameter; learning curves fall towards q, so early values rank trials.
    const space = parseSpace({ q: { float: [0, 1] } })
    const settings = {
      space,
      algorithm: 'random' as const,
      direction: 'minimize' as const,
      trials: 60,
      parallel: 1,
      seed: 3,
    }
    const epochs = 27
    const run = (pruner: 'none' | 'hyperband') =>
      runStudy(
        { ...settings, pruner: { name: pruner, maxResource: epochs, seed: 3 } },
        async (req) => {
          const { makePruner } = await import('../../../src/main/engine/tune/pruner')
          const pr = makePruner({ name: pruner, maxResource: epochs, seed: 3 })
          const q = req.params.q as number
          const curve: number[] = []
          for (let e = 0; e < epochs; e++) {
            curve.push(q + 1 / (e + 1))
            if (pr.shouldPrune({ number: req.number, intermediate: curve }, e, req.peers))
              return {
                state: 'pruned',
                value: curve[e],
                intermediate: curve,
                epochs: e + 1,
                seconds: 0,
              }
          }
          return {
            state: 'complete',
            value: curve[epochs - 1],
            intermediate: curve,
            epochs,
            seconds: 0,
          }
        },
      )
    const full = await run('none')
    const hb = await run('hyperband')
    const total = (r: typeof full) => r.trials.reduce((s, t) => s + t.epochs, 0)
    expect(total(full)).toBe(60 * 27)
    expect(total(hb)).toBeLessThan(0.4 * total(full))
    expect(hb.trials.some((t) => t.state === 'pruned')).toBe(true)
    expect(hb.best!.value!).toBeLessThan(full.best!.value! + 0.05)
  })
})
