/**
 * The Train step's network beyond the project's memory budget (issue 13): with Project →
 * Compute's memory at its smallest (64 KiB) the Kaggle H→ττ samples no longer fit, the job
 * trains streamed from the files and its progress says so, on the same events in every part of
 * the split as with the budget large, and the model is stored and listed like any other.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MEMORY_SETTING, THREADS_SETTING } from '../../../src/main/engine/services/compute-settings'
import { TrainResult } from '../../../src/shared/contract/train'
import { inProcessEngine } from '../helpers/engine'
import { addKaggleSamples, kaggleAvailable } from '../ml/kaggle-higgs'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-train-stream-'))
const engine = inProcessEngine()
afterAll(() => {
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

beforeAll(async () => {
  if (!kaggleAvailable) return
  await engine.call('project.create', { path: join(tmp, 'stream.hepwb') })
  await addKaggleSamples(engine)
  await engine.call('data.putSetting', { key: THREADS_SETTING, value: 1 })
}, 60_000)

const config = {
  kind: 'mlp' as const,
  name: 'net',
  inputs: ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met'],
  options: { layers: [16, 16], epochs: 4, batchSize: 64, patience: 0, learningRate: 3e-3 },
}

describe.runIf(kaggleAvailable)('the Train step beyond the memory budget', () => {
  it('trains a network streamed from the files, says so, and selects the same events', async () => {
    await engine.call('data.putSetting', { key: MEMORY_SETTING, value: 2 ** 30 })
    const large = await engine.job('train.start', config)
    expect(large.state, large.error).toBe('done')
    expect(large.progress.some((m) => m.includes('streamed'))).toBe(false)

    await engine.call('data.putSetting', { key: MEMORY_SETTING, value: 2 ** 16 })
    const small = await engine.job('train.start', config)
    expect(small.state, small.error).toBe('done')
    expect(small.progress).toContainEqual(
      expect.stringMatching(/^epoch 4\/4 — streamed from \d+ partitions under 0\.06\d MB$/),
    )
    const a = TrainResult.parse(large.result)
    const b = TrainResult.parse(small.result)
    expect(b.events).toEqual(a.events)
    // Other batches, another network: close (see app/classifier-streaming.test.ts for why).
    expect(a.evaluation.auc_test).toBeGreaterThan(0.8)
    expect(Math.abs(b.evaluation.auc_test! - a.evaluation.auc_test!)).toBeLessThan(0.02)
    expect(small.metrics.filter((m) => m.name === 'loss')).toHaveLength(4)
    const models = await engine.call('train.models', {})
    expect(models.map((m) => m.name)).toEqual(['net', 'net'])
  }, 120_000)
})
