/**
 * What a worker registers (cluster/task-kinds.ts): every use case's partition task kind, so a
 * task planned by any use case finds its handler on the other side.
 */
import { expect, it } from 'vitest'
import '../../../src/main/engine/cluster/task-kinds'
import { runTask, taskKinds } from '../../../src/main/engine/app/task'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { poolExecutor } from '../../../src/main/engine/cluster/pool'

it('registers every partition task kind', () => {
  expect(taskKinds()).toEqual([
    'classifier.pass',
    'cluster.probe',
    'correlation',
    'cutflow',
    'fit.grid-point',
    'hist2d',
    'histogram',
    'histogram-fills',
    'pass',
    'rmm.mean',
    'selected-count',
    'statistics',
    'statistics-values',
    'training-rows',
    'tune.trial',
  ])
})

it('a payload naming an unknown source kind fails with the kind named', async () => {
  const payload = {
    source: { kind: 'nowhere', stamp: 's', data: null },
    sample: 0,
    sampleName: 'x',
    partition: {
      index: 0,
      sample: 0,
      file: '',
      fileIndex: 0,
      range: { start: 0, stop: 0 },
      offset: 0,
    },
    request: {},
  }
  await expect(runTask({ kind: 'cutflow', payload }, silentContext())).rejects.toThrow(
    "no event source kind 'nowhere' in this engine",
  )
})

it("a lazily registered kind (a tuning trial) loads its module at the kind's first task", async () => {
  const result = await runTask({ kind: 'tune.trial', payload: {} }, silentContext())
  // The trial's own check of its payload (a failed trial with its reason): the module loaded.
  expect(JSON.stringify(result)).toMatch(/training config/)
})

it('a lazily registered kind loads in a worker thread too (its import() resolves there)', async () => {
  const pool = poolExecutor(1)
  try {
    let result: unknown
    await pool.run([{ kind: 'tune.trial', payload: {} }], silentContext(), (_i, r) => {
      result = r
    })
    // The trial's own check of its payload (a failed trial, with its reason): the kind was
    // loaded and ran.
    expect(JSON.stringify(result)).toMatch(/training config/)
  } finally {
    await pool.close()
  }
}, 60_000)
