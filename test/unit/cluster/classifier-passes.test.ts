/**
 * Out-of-core classifier training on a cluster (issue 13, items 1 and 3): a real redis-server
 * and two real `hepwb worker` processes run the classifier.pass partitions of Fisher and of
 * rectangular cuts (grid) on the Kaggle H→ττ CSVs; the model and its evaluation equal this
 * process's out-of-core training to the last bit (the partials cross as JSON through
 * app/task-codec: typed arrays, ±∞ bounds, correlation sums).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TrainConfig } from '../../../src/shared/contract/train'
import { parseSpec } from '../../../src/shared/spec'
import {
  runClassifierTraining,
  type ClassifierRun,
} from '../../../src/main/engine/app/classifier-training'
import { runOn, withMemory } from '../../../src/main/engine/app/source'
import { specSource } from '../../../src/main/engine/app/spec-source'
import { clusterExecutor } from '../../../src/main/engine/cluster/redis-executor'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { spawnWorker, waitForWorkers, type WorkerProcess } from '../helpers/hepwb-worker'
import { haveRedisServer, startRedis, type RedisServer } from '../helpers/redis-server'
import { KAGGLE, kaggleAvailable } from '../ml/kaggle-higgs'

const SPEC = (() => {
  const r = parseSpec({
    samples: ['sig', 'bg'].map((f) => ({
      name: f,
      files: [KAGGLE + `train_sml_${f}.csv`],
      weight: 'Weight',
      missing: -999,
      role: f === 'sig' ? 'signal' : 'background',
    })),
  })
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.spec
})()

/** What the window stores of a training. */
const result = (r: ClassifierRun) => ({
  summary: r.trained.summary,
  evaluation: r.trained.evaluation,
  stored: r.trained.stored,
  events: r.events,
  warnings: r.trained.warnings,
})

describe.skipIf(!haveRedisServer() || !kaggleAvailable)(
  'classifiers trained out of core on a cluster of hepwb workers',
  () => {
    let redis: RedisServer
    const workers: WorkerProcess[] = []

    beforeAll(async () => {
      redis = await startRedis()
      for (let i = 0; i < 2; i++)
        workers.push(spawnWorker(redis.url, '--concurrency', '2', '--threads', '1'))
      await waitForWorkers(redis.url, (w) => w.length === 2)
    })
    afterAll(async () => {
      for (const w of workers) w.child.kill('SIGKILL')
      await redis?.stop()
    })

    for (const json of [
      { kind: 'lda' },
      { kind: 'cuts', options: { search: 'grid', gridSteps: 3 } },
    ] as const)
      it(`${json.kind}: the same model and evaluation as in this process`, async () => {
        const config = TrainConfig.parse({
          inputs: ['DER_mass_MMC', 'DER_mass_vis', 'PRI_tau_pt', 'PRI_jet_num'],
          ...json,
        })
        // 256 KiB: a few dozen partitions per pass.
        const source = withMemory(specSource(SPEC), 2 ** 18)
        const ctx = silentContext()
        const here = await runClassifierTraining(source, config, ctx, { stream: true })
        expect(here.streamed?.partitions).toBeGreaterThan(10)
        const cluster = clusterExecutor({ url: redis.url })
        try {
          const there = await runClassifierTraining(runOn(source, cluster), config, ctx, {
            stream: true,
          })
          expect(result(there)).toStrictEqual(result(here))
        } finally {
          await cluster.close()
        }
        const listed = await waitForWorkers(redis.url, (w) => w.length === 2)
        expect(listed.every((w) => w.done > 0)).toBe(true)
      }, 120_000)
  },
)
