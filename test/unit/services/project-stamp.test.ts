/**
 * The project source's description stamp is derived from the project's state: each window
 * request builds its source again, and a worker keeps the project it opened while nothing the
 * source is made of changed — and opens it again as soon as a derived variable, a sample, a
 * region or the memory budget changed, so a stale project can never answer. The tasks run
 * through the same task path a worker thread runs (runTask → the described-source cache), here
 * in this process so its openings can be counted.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCutflow } from '../../../src/main/engine/app/cutflow'
import { describedOpenings } from '../../../src/main/engine/app/source-description'
import { inlineExecutor, type TaskExecutor } from '../../../src/main/engine/app/task'
import { poolExecutor } from '../../../src/main/engine/cluster/pool'
import { PROBE_KIND, type ProbeResult } from '../../../src/main/engine/cluster/probe-task'
import { silentContext } from '../../../src/main/engine/jobs/context'
import '../../../src/main/engine/app/tasks'
import { cutsHandlers } from '../../../src/main/engine/services/cuts'
import { dataHandlers } from '../../../src/main/engine/services/data'
import { projectSource } from '../../../src/main/engine/services/project-source'
import { Project } from '../../../src/main/engine/store/project'
import { listSamples } from '../../../src/main/engine/store/samples'
import { SampleSpec } from '../../../src/shared/contract/data'
import { serviceEnv } from '../helpers/service-env'
import { SKHEP } from '../io/shared-data'

describe("a project source's stamp follows the project's state", () => {
  let dir = ''
  let project: Project
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hepwb-project-stamp-'))
    project = Project.create(join(dir, 'stamp.hepwb'))
  })
  afterAll(() => {
    project.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('opens the project once for unchanged requests and again, up to date, after each change', async () => {
    const { env, waitForJob } = serviceEnv(project)
    const data = dataHandlers(env)
    const cuts = cutsHandlers(env)
    // Two files: two partitions, so the cut-flow goes through tasks.
    const files = [SKHEP + 'uproot-Zmumu.root', SKHEP + 'uproot-Zmumu-zstd.root']
    const spec = SampleSpec.parse({
      name: 'Z',
      role: 'background',
      colour: '#1f77b4',
      files,
      table: 'events',
    })
    await waitForJob((await data['data.addSample']({ spec })).jobId)
    await cuts['cuts.saveRegion']({
      region: { name: 'SR', blinded: false, cuts: [{ expr: 'Q1 * Q2 < 0' }] },
    })

    /** One window request: its own source over the project, tasks run as a worker runs them. */
    const request = async (regions = ['SR']) => {
      const scope = env.scope()
      const source = await projectSource(scope.samples(), await scope.computedVariables(), {
        executor: inlineExecutor,
      })
      return { stamp: source.description?.stamp, run: await runCutflow(source, { regions }) }
    }
    const opened = () => describedOpenings('project')
    type Run = Awaited<ReturnType<typeof request>>['run']
    const passing = (run: Run, region: string) => run.result.regions[region].Z.at(-1)!.weighted

    const at0 = opened()
    const first = await request()
    expect(opened()).toBe(at0 + 1)
    const second = await request()
    expect(second.stamp).toBe(first.stamp)
    expect(second.run.result).toEqual(first.run.result)
    // Unchanged: the opened project served the second request.
    expect(opened()).toBe(at0 + 1)

    // A derived variable and a region that cuts on it: opened again, and the variable is there.
    await cuts['cuts.saveVariable']({
      variable: { name: 'mass', expr: 'M', unit: 'GeV', label: '' },
    })
    await cuts['cuts.saveRegion']({
      region: { name: 'HIGH', blinded: false, cuts: [{ expr: 'mass > 80' }] },
    })
    const third = await request(['HIGH'])
    expect(third.stamp).not.toBe(first.stamp)
    expect(opened()).toBe(at0 + 2)
    const passed = passing(third.run, 'HIGH')
    expect(passed).toBeGreaterThan(0)
    expect(passed).toBeLessThan(third.run.result.totals.Z.weighted)

    // The variable's expression edited: the worker must not keep the old one.
    await cuts['cuts.saveVariable']({
      variable: { name: 'mass', expr: 'M / 2', unit: 'GeV', label: '' },
    })
    const fourth = await request(['HIGH'])
    expect(opened()).toBe(at0 + 3)
    expect(passing(fourth.run, 'HIGH')).toBeLessThan(passed)

    // The sample changed (its weight): opened again, its events weighted anew.
    const id = listSamples(project)[0].id
    await waitForJob(
      (await data['data.updateSample']({ id, spec: { ...spec, weight: '2' } })).jobId,
    )
    const fifth = await request()
    expect(opened()).toBe(at0 + 4)
    expect(passing(fifth.run, 'SR')).toBeCloseTo(2 * passing(first.run, 'SR'), 9)
    // And nothing changed since: kept again.
    await request()
    expect(opened()).toBe(at0 + 4)
  })

  it('a worker thread keeps the project between unchanged requests and reopens it after a change', async () => {
    const { env } = serviceEnv(project)
    const cuts = cutsHandlers(env)
    const pool = poolExecutor(1)
    /** Sources of kind 'project' the pool's one thread has opened so far. */
    const openedThere = async (executor: TaskExecutor) => {
      let r: ProbeResult | undefined
      await executor.run(
        [{ kind: PROBE_KIND, payload: { values: new Float64Array(0), openings: 'project' } }],
        silentContext(),
        (_, x) => (r = x as ProbeResult),
      )
      return r?.openings
    }
    const request = async () => {
      const scope = env.scope()
      const source = await projectSource(scope.samples(), await scope.computedVariables(), {
        executor: pool,
      })
      return runCutflow(source, { regions: ['HIGH'] })
    }
    try {
      // The sample of the test above (two files, two partitions); the variable and region as
      // it left them, so this test stands on its own.
      await cuts['cuts.saveVariable']({
        variable: { name: 'mass', expr: 'M / 2', unit: 'GeV', label: '' },
      })
      await cuts['cuts.saveRegion']({
        region: { name: 'HIGH', blinded: false, cuts: [{ expr: 'mass > 80' }] },
      })
      const first = await request()
      expect(await openedThere(pool)).toBe(1)
      expect((await request()).result).toEqual(first.result)
      expect(await openedThere(pool)).toBe(1)
      await cuts['cuts.saveVariable']({
        variable: { name: 'mass', expr: 'M', unit: 'GeV', label: '' },
      })
      const changed = await request()
      expect(await openedThere(pool)).toBe(2)
      // The thread sees the new expression (M, not M / 2: more events pass).
      expect(changed.result.regions.HIGH.Z.at(-1)!.weighted).toBeGreaterThan(
        first.result.regions.HIGH.Z.at(-1)!.weighted,
      )
    } finally {
      await pool.close()
    }
  })
})
