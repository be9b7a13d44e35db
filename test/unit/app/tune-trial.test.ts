/**
 * A trial's objective from a trained classifier's evaluation: the test AUC, the best validation
 * loss, ε_S interpolated on the ROC at a fixed ε_B, the best-cut significance; undefined ones
 * are NaN (the trial then fails with its reason). The trial kind is registered for executors.
 */
import { describe, expect, it } from 'vitest'
import type { ClassifierEvaluation } from '../../../src/shared/contract/train'
import { taskKinds } from '../../../src/main/engine/app/task'
import {
  TRIAL_KIND,
  binnedDiscoveryZ,
  objectiveValue,
} from '../../../src/main/engine/app/tune-trial'
import { asimovZ } from '../../../src/main/engine/select/significance'

const evaluation = {
  auc_test: 0.83,
  roc: { eff_s: [0, 0.4, 0.7, 1], eff_b: [0, 0.05, 0.2, 1] },
  efficiency: { best: { cut: 0.5, s: 10, b: 4, significance: 2.67 } },
} as unknown as ClassifierEvaluation

describe('trial objective', () => {
  it('reads each metric', () => {
    expect(objectiveValue({ metric: 'auc_test', direction: 'maximize' }, evaluation, [])).toBe(0.83)
    expect(
      objectiveValue({ metric: 'val_loss', direction: 'minimize' }, evaluation, [
        0.6,
        null,
        0.4,
        0.5,
      ]),
    ).toBe(0.4)
    // ε_B = 0.1 lies a third of the way from 0.05 to 0.2: ε_S = 0.4 + 0.3 / 3.
    expect(
      objectiveValue(
        { metric: 'eff_s_at_eff_b', direction: 'maximize', effB: 0.1 },
        evaluation,
        [],
      ),
    ).toBeCloseTo(0.5, 12)
    expect(objectiveValue({ metric: 'significance', direction: 'maximize' }, evaluation, [])).toBe(
      2.67,
    )
  })

  it('is NaN where undefined', () => {
    const none = { ...evaluation, auc_test: null, efficiency: null } as ClassifierEvaluation
    expect(objectiveValue({ metric: 'auc_test', direction: 'maximize' }, none, [])).toBeNaN()
    expect(objectiveValue({ metric: 'significance', direction: 'maximize' }, none, [])).toBeNaN()
    expect(objectiveValue({ metric: 'val_loss', direction: 'minimize' }, none, [null])).toBeNaN()
  })

  it('discovery Z of the binned output: Poisson bins added in quadrature, empty-background bins merged', () => {
    const ev = (s: number[], b: number[], expected: [number, number]) =>
      ({
        output: {
          test: {
            signal: { sumw: s, sumw2: s },
            background: { sumw: b, sumw2: b },
          },
        },
        efficiency: { expected_s: expected[0], expected_b: expected[1] },
      }) as unknown as ClassifierEvaluation
    // Test sums 10 and 101 scaled to the expected 20 and 202: twice each bin.
    expect(binnedDiscoveryZ(ev([0, 10], [100, 1], [20, 202]))).toBeCloseTo(
      Math.hypot(asimovZ(0, 200), asimovZ(20, 2)),
      12,
    )
    // The top bin has no background: merged with the one below it.
    expect(binnedDiscoveryZ(ev([5, 5], [10, 0], [10, 10]))).toBeCloseTo(asimovZ(10, 10), 12)
    expect(binnedDiscoveryZ({ ...ev([1], [1], [1, 1]), output: null })).toBeNaN()
  })

  it('registers the trial as a task kind', () => {
    expect(taskKinds()).toContain(TRIAL_KIND)
  })
})
