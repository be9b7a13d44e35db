/**
 * A tuning trial reads its training set under the study's memory budget (TrialPayload.memory:
 * `hepwb tune --memory`, the project's budget in the window), as the Train step does: beyond
 * it the set streams partition by partition, and a Fisher trial's objective is the in-memory
 * one (Fisher's streamed fit equals it to ≈ 1e-13). On the Kaggle H→ττ CSVs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { runTask } from '../../../src/main/engine/app/task'
import { trialTask } from '../../../src/main/engine/app/tune-trial'
import { silentContext, type JobContext } from '../../../src/main/engine/jobs/context'
import type { TrialOutcome } from '../../../src/main/engine/tune/study'
import { KAGGLE_SPEC_SAMPLES, kaggleAvailable } from '../ml/kaggle-higgs'

describe.skipIf(!kaggleAvailable)('a tuning trial under a memory budget', () => {
  it(
    'streams beyond the budget and gives the in-memory objective',
    { timeout: 60_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hepwb-tune-memory-'))
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
      const spec = join(dir, 'spec.json')
      writeFileSync(
        spec,
        JSON.stringify({
          samples: KAGGLE_SPEC_SAMPLES,
          regions: [{ name: 'vis', cuts: [{ expr: 'DER_mass_vis > 40' }] }],
        }),
      )
      const trial = async (memory: number) => {
        const messages: string[] = []
        const ctx: JobContext = {
          ...silentContext(),
          progress: (_f, m) => void (m && messages.push(m)),
          log: (m) => void messages.push(m),
        }
        const outcome = (await runTask(
          trialTask({
            spec,
            config: {
              kind: 'lda',
              region: 'vis',
              inputs: ['DER_mass_MMC', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt'],
              split: { test: 0.4, seed: 3 },
            },
            objective: { metric: 'auc_test', direction: 'maximize' },
            pruner: { name: 'none', maxResource: 1 },
            number: 0,
            peers: [],
            memory,
          }),
          ctx,
        )) as TrialOutcome
        return { outcome, streamed: messages.some((m) => /streamed from \d+ partitions/.test(m)) }
      }
      const inMemory = await trial(2 ** 30)
      // 1 MiB: the 10⁴ events exceed it as training rows, their outputs fit a quarter of it (exact).
      const streamed = await trial(2 ** 20)
      expect(inMemory.streamed).toBe(false)
      expect(streamed.streamed).toBe(true)
      expect(inMemory.outcome.state).toBe('complete')
      expect(inMemory.outcome.value).toBeGreaterThan(0.6)
      expect(
        Math.abs(Number(streamed.outcome.value) - Number(inMemory.outcome.value)),
      ).toBeLessThan(1e-10)
    },
  )
})
