/**
 * Hyperband with the training-data fraction as its resource (issue 15), on the Kaggle H→ττ
 * CSVs: trials of a bracket train afresh on 1/9, 1/3 and all of the training events; a trial
 * pruned at a rung keeps the model it trained on the smaller fraction. And the fraction itself:
 * nested subsets of the training events only, validation and test untouched.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { inlineExecutor } from '../../../src/main/engine/app/task'
import { tuneStudy } from '../../../src/main/engine/app/tune-study'
import { LEFT_OUT, trainingFraction } from '../../../src/main/engine/ml/data-fraction'
import { PART, type TrainingData } from '../../../src/main/engine/ml/dataset'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { parseSpace } from '../../../src/main/engine/tune/space'
import { hyperbandRungs } from '../../../src/main/engine/tune/pruner'
import { KAGGLE } from '../ml/kaggle-higgs'

describe('training-data fraction', () => {
  const n = 30_000
  const part = new Uint8Array(n).map(
    (_, i) => [PART.train, PART.train, PART.validation, PART.test][i % 4],
  )
  const data = { n, part } as unknown as TrainingData

  it('keeps about the fraction of the training events, nested, and nothing else changes', () => {
    const third = trainingFraction(data, 1 / 3, 7)
    const ninth = trainingFraction(data, 1 / 9, 7)
    expect(third.fraction).toBeCloseTo(1 / 3, 1)
    expect(ninth.fraction).toBeCloseTo(1 / 9, 1)
    expect(ninth.events).toBe(Math.round(ninth.fraction * 15_000))
    for (let i = 0; i < n; i++) {
      const p = ninth.data.part[i]
      if (part[i] !== PART.train) expect(p).toBe(part[i])
      else if (p === PART.train) expect(third.data.part[i]).toBe(PART.train)
      else expect(p).toBe(LEFT_OUT)
    }
    expect(trainingFraction(data, 1, 7).data).toBe(data)
  })
})

describe('Hyperband on the training-data fraction', () => {
  it(
    'a pruned trial trained on a smaller fraction; complete ones on all of it',
    { timeout: 240_000 },
    async () => {
      const sample = (name: string, role: 'signal' | 'background', file: string) => ({
        name,
        role,
        files: [KAGGLE + file],
        tree: '',
        missing: -999,
      })
      const seed = 2
      const dir = mkdtempSync(join(tmpdir(), 'hepwb-tune-fraction-'))
      const spec = join(dir, 'spec.json')
      writeFileSync(
        spec,
        JSON.stringify({
          samples: [
            sample('sig', 'signal', 'train_sml_sig.csv'),
            sample('bkg', 'background', 'train_sml_bg.csv'),
          ],
          variables: [],
          regions: [],
        }),
      )
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
      const result = await tuneStudy(
        {
          spec,
          train: {
            kind: 'mlp',
            inputs: ['DER_mass_MMC', 'DER_mass_vis', 'PRI_met'],
            split: { test: 0.4, seed: 1 },
            options: { epochs: 2, layers: [8], patience: 0 },
          },
          space: parseSpace({ 'options.learningRate': { float: [1e-4, 3e-2], log: true } }),
          objective: { metric: 'auc_test', direction: 'maximize' },
          algorithm: 'random',
          pruner: 'hyperband',
          resource: 'fraction',
          trials: 9,
          parallel: 1,
          seed,
        },
        inlineExecutor,
        silentContext(),
      )
      const { trials } = result
      expect(trials).toHaveLength(9)
      const pruned = trials.filter((t) => t.state === 'pruned')
      const complete = trials.filter((t) => t.state === 'complete')
      expect(pruned.length).toBeGreaterThan(0)
      expect(complete.length).toBeGreaterThan(0)
      for (const t of pruned) {
        // Pruned at rung 1 (1/9 of the events) or 3 (1/3): the last value is at that step.
        const step = t.intermediate.length - 1
        expect([0, 2]).toContain(step)
        expect(t.fraction).toBeCloseTo((step + 1) / 9, 1)
        expect(t.fraction).toBeLessThan(0.5)
        expect(t.value).toBeGreaterThan(0.5)
        // 2 epochs per rung trained.
        expect(t.epochs).toBe(
          2 * hyperbandRungs(t.number, { maxResource: 9, seed }).indexOf(step + 1) + 2,
        )
      }
      for (const t of complete) {
        expect(t.fraction).toBe(1)
        expect(t.intermediate).toHaveLength(9)
        expect(t.intermediate[8]).not.toBeNull()
        expect(t.epochs).toBe(2 * hyperbandRungs(t.number, { maxResource: 9, seed }).length)
      }
      expect(result.best?.state).toBe('complete')
    },
  )
})
