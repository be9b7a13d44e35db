/**
 * The Tune view's chart options on a synthetic study of 2000 trials: built in milliseconds with
 * one series per state (never one per trial), pruned trials as cut-off lines, the switch leaving
 * pruned and failed trials out, log axes for log parameters, and the importance ranking the
 * parameter the objective depends on first.
 */
import { describe, expect, it } from 'vitest'
import type { TuneTrial } from '../../../src/shared/contract/tune'
import {
  historyOption,
  intermediateOption,
  paramAxes,
  paramImportance,
  parallelOption,
  sliceOption,
} from '../../../src/renderer/src/components/tune/tune-charts'
import { buildSpace, defaultSpace } from '../../../src/renderer/src/stores/tune-space'
import { Random } from '../../../src/main/engine/data/random'

const space = {
  'options.learningRate': { float: [1e-4, 1e-2], log: true },
  'options.batchSize': { choice: [128, 256, 512] },
  'options.dropout': { float: [0, 0.3] },
}

/** 2000 trials: the value falls with |log10 lr + 3|, a third pruned after 1 or 3 epochs, 5% failed. */
function synthetic(n = 2000): TuneTrial[] {
  const rng = new Random(5)
  return Array.from({ length: n }, (_, number) => {
    const lr = 10 ** (-4 + 2 * rng.uniform())
    const value = 0.88 - 0.05 * Math.abs(Math.log10(lr) + 3) + 0.002 * rng.normal()
    const u = rng.uniform()
    const state = u < 0.05 ? 'failed' : u < 0.38 ? 'pruned' : 'complete'
    const epochs = state === 'pruned' ? (u < 0.2 ? 1 : 3) : state === 'failed' ? 0 : 9
    return {
      number,
      params: {
        'options.learningRate': lr,
        'options.batchSize': [128, 256, 512][number % 3],
        'options.dropout': 0.3 * rng.uniform(),
      },
      state,
      value: state === 'failed' ? null : value,
      intermediate: Array.from({ length: epochs }, (_, e) => 0.7 - value / 2 + 0.1 / (e + 1)),
      epochs,
      seconds: 1,
      reason: state === 'failed' ? 'the loss became NaN at epoch 1' : null,
    }
  })
}

type Series = { name?: string; type: string; data: unknown[] }

describe('tune charts', () => {
  const trials = synthetic()
  const axes = paramAxes(space)
  const objective = { name: 'auc_test', direction: 'maximize' as const }

  it('builds every chart of 2000 trials quickly, one series per state', () => {
    const t0 = performance.now()
    const h = historyOption(trials, objective, false)
    const c = intermediateOption(trials, false)
    const p = parallelOption(trials, axes, objective, false)
    for (const a of axes) sliceOption(trials, a, objective, false)
    const imp = paramImportance(trials, axes)
    const ms = performance.now() - t0
    expect(ms).toBeLessThan(500)
    expect((h.series as Series[]).length).toBe(4)
    expect((c.series as Series[]).map((s) => s.name)).toEqual(['complete', 'pruned'])
    expect((p.series as Series[])[0].data).toHaveLength(
      trials.filter((t) => t.value !== null).length,
    )
    expect(imp[0].name).toBe('options.learningRate')
    expect(imp[0].importance).toBeGreaterThan(0.8)
  })

  it('draws pruned trials as lines ending at their rung; the switch hides them', () => {
    const c = intermediateOption(trials, false)
    const pruned = (c.series as Series[]).find((s) => s.name === 'pruned')!
    // Each pruned trial: its points, then a gap.
    const epochs = (pruned.data as (number | null)[][])
      .filter((d) => d[0] !== null)
      .map((d) => d[0])
    expect(Math.max(...(epochs as number[]))).toBe(3)
    const hidden = intermediateOption(trials, true)
    expect((hidden.series as Series[]).map((s) => s.name)).toEqual(['complete'])
    const h = historyOption(trials, objective, true)
    const byName = Object.fromEntries((h.series as Series[]).map((s) => [s.name, s.data.length]))
    expect(byName.pruned).toBe(0)
    expect(byName.complete).toBe(trials.filter((t) => t.state === 'complete').length)
  })

  it('puts log parameters on log axes and the running best never gets worse', () => {
    const lr = sliceOption(trials, axes[0], objective, false)
    expect((lr.xAxis as { type: string }).type).toBe('log')
    const p = parallelOption(trials, axes, objective, false)
    expect((p.parallelAxis as { type: string }[]).map((a) => a.type)).toEqual([
      'log',
      'category',
      'value',
      'value',
    ])
    const best = (historyOption(trials, objective, false).series as Series[])[3].data as number[][]
    for (let i = 1; i < best.length; i++) expect(best[i][1]).toBeGreaterThanOrEqual(best[i - 1][1])
  })

  it('the default network space is valid, with layer widths conditional on the depth', () => {
    const { space: s, errors } = buildSpace(defaultSpace('mlp'))
    expect(errors).toEqual([])
    expect(s['options.layers.2']).toMatchObject({
      when: { param: 'options.layers.length', in: [3] },
    })
    expect(buildSpace([{ ...defaultSpace('mlp')[4], lo: 0 }]).errors[0]).toMatch(/log range/)
  })
})
