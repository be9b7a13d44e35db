/** The Project page's next step and its runs column (issue 17, item 23). */
import { describe, expect, it } from 'vitest'
import { nextStep } from '../../../src/renderer/src/views/next-step'
import { runSummary } from '../../../src/renderer/src/views/run-summary'

describe('next step', () => {
  it('is the first step the project has nothing for', () => {
    const none = { samples: 0, regions: 0, models: 0, workspaces: 0 }
    expect(nextStep(none)?.id).toBe('data')
    expect(nextStep({ ...none, samples: 3 })).toEqual({
      id: 'cuts',
      why: '3 samples, no region yet: write the cuts of a selection.',
    })
    expect(nextStep({ ...none, samples: 3, regions: 1 })?.id).toBe('train')
    expect(nextStep({ samples: 3, regions: 1, models: 1, workspaces: 0 })?.why).toMatch(
      /^1 trained model, no fit workspace/,
    )
    expect(nextStep({ samples: 3, regions: 1, models: 2, workspaces: 1 })).toBeNull()
  })
})

describe('runs column', () => {
  it('says what a training made and how well, not its JSON', () => {
    const train = {
      state: 'done',
      result: {
        model: { id: 'm1', name: 'mlp 12:03', kind: 'mlp', auc_test: 0.85312, runId: 'r' },
        config: { epochs: 20 },
        summary: { kind: 'mlp' },
        warnings: [],
        backend: 'wasm',
        seconds: 12.3,
        events_per_second: 123456.789,
      },
    }
    expect(runSummary(train)).toBe('model mlp 12:03 · AUC 0.853 · events/s 123500')
  })

  it('a fit, a sample, a failure, a cancel', () => {
    expect(
      runSummary({
        state: 'done',
        result: {
          converged: true,
          message: 'minimum found',
          twiceNll: 123.456789,
          edm: 1.2e-7,
          poi: 'mu_SIG',
          parameters: [{ name: 'mu_SIG', value: 1 }],
        },
      }),
    ).toBe('converged yes · −2 ln L 123.5 · edm 1.200e-7 · poi mu_SIG')
    expect(
      runSummary({
        state: 'done',
        result: { id: 's', spec: { name: 'Drell–Yan' }, entries: 40000, yield: 1234.5678 },
      }),
    ).toBe('sample Drell–Yan · events 40000 · yield 1235')
    expect(runSummary({ state: 'failed', error: "unknown variable 'x'" })).toBe(
      "unknown variable 'x'",
    )
    expect(runSummary({ state: 'cancelled' })).toBe('cancelled')
    expect(runSummary({ state: 'done', result: 3 })).toBe('3')
  })
})
