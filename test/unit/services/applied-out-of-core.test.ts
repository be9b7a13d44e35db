/**
 * Applying a model to every event, out of core (issue 13, item 1): an applied model's output is
 * a computed variable that each partition's map computes for that partition's events only
 * (select/derived.ts derivedLayer), so a pass that cuts on it runs under the memory budget and
 * on worker threads like any other — a worker opens the project and restores the applied model
 * itself (services/project-source.ts). A Fisher discriminant trained on the Kaggle H→ττ CSVs and
 * applied as 'fisher': the cut-flow of a region cutting on it is the same with one partition
 * per sample, with partitions of 64 events, and with those on two threads, and equals the
 * window's own cut-flow.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { TrainResult } from '../../../src/shared/contract/train'
import { runCutflow } from '../../../src/main/engine/app/cutflow'
import { runHistogram } from '../../../src/main/engine/app/histogram'
import { runOn, type EventSource } from '../../../src/main/engine/app/source'
import { poolExecutor } from '../../../src/main/engine/cluster/pool'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { appliedVariables } from '../../../src/main/engine/ml/applied'
import { SampleRegistry } from '../../../src/main/engine/samples/registry'
import { projectAppliedModels } from '../../../src/main/engine/services/applied-models'
import { projectSource } from '../../../src/main/engine/services/project-source'
import { Project } from '../../../src/main/engine/store/project'
import { expectSameUpToRounding } from '../app/compare'
import { inProcessEngine } from '../helpers/engine'
import { addKaggleSamples } from '../ml/kaggle-higgs'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-applied-ooc-'))
const engine = inProcessEngine()
const two = poolExecutor(2)
afterAll(async () => {
  await two.close()
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

const INPUTS = ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met']

async function answers(source: EventSource) {
  return {
    cutflow: (await runCutflow(source)).result,
    hist: await runHistogram(source, { expr: 'fisher', binning: { bins: 20, lo: -5, hi: 5 } }),
  }
}

describe('an applied model over partitions', () => {
  it('gives the same cut-flow in one partition, in many, and on two threads', async () => {
    const path = join(tmp, 'applied.hepwb')
    await engine.call('project.create', { path })
    await addKaggleSamples(engine)
    const r = await engine.job('train.start', { kind: 'lda', name: 'fisher5', inputs: INPUTS })
    expect(r.state, r.error).toBe('done')
    await engine.call('train.apply', { id: TrainResult.parse(r.result).model.id, name: 'fisher' })
    await engine.call('cuts.saveRegion', {
      region: { name: 'SR', blinded: false, cuts: [{ name: 'Fisher', expr: 'fisher > 0.5' }] },
    })
    const window = await engine.call('cuts.cutflow', { region: 'SR', sigmaB: 0 })

    const project = Project.openReadOnly(path)
    try {
      const computed = await appliedVariables(projectAppliedModels(project), (m) => {
        throw new Error(m)
      })
      expect(computed.map((c) => c.name)).toEqual(['fisher'])
      const open = (maxEntries: number) =>
        projectSource(new SampleRegistry(project, { readOnly: true }), computed, { maxEntries })
      const whole = await answers(await open(Number.MAX_SAFE_INTEGER))
      const many = await open(64)
      const seen: number[] = []
      await runCutflow(many, {}, { ...silentContext(), progress: (f) => void seen.push(f) })
      expect(seen.length).toBeGreaterThan(100)
      expectSameUpToRounding(whole, await answers(many))
      expectSameUpToRounding(whole, await answers(runOn(many, two)))
      const raw = (s: string) => whole.cutflow.regions.SR[s].at(-1)?.raw
      expect(raw('Htautau')).toBe(window.samples['Htautau'].at(-1)?.raw)
      expect(raw('bkg')).toBe(window.samples['bkg'].at(-1)?.raw)
      expect(raw('Htautau')).toBeGreaterThan(100)
    } finally {
      project.close()
    }
  }, 120_000)
})
