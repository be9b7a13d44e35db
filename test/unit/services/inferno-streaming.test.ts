/**
 * INFERNO on project samples beyond the memory budget (issue 13): with Project → Compute's
 * memory at its smallest (64 KiB), the Kaggle H→ττ samples with a weight, a normalisation, an
 * input-shift and an up/down-samples nuisance train streamed from the files — the same events in
 * each part as in memory, templates that add up to the same yields, σ_μ close to the in-memory
 * run's, the same bits again and on two worker threads — and the job pauses and steps.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MEMORY_SETTING, THREADS_SETTING } from '../../../src/main/engine/services/compute-settings'
import { InfernoProjectResult } from '../../../src/shared/contract/inferno'
import { inProcessEngine } from '../helpers/engine'
import { addKaggleSamples, addVariationSamples, kaggleAvailable } from '../ml/kaggle-higgs'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-inferno-stream-'))
const engine = inProcessEngine()
afterAll(() => {
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

beforeAll(async () => {
  if (!kaggleAvailable) return
  await engine.call('project.create', { path: join(tmp, 'inferno.hepwb') })
  await addKaggleSamples(engine)
  await addVariationSamples(engine)
}, 60_000)

const config = {
  inputs: ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h'],
  signal: ['Htautau'],
  background: ['bkg'],
  nuisances: [
    {
      kind: 'weight' as const,
      name: 'jes',
      samples: ['bkg'],
      up: '1 + 0.3 * (DER_mass_vis > 80)',
      down: '1 - 0.3 * (DER_mass_vis > 80)',
    },
    { kind: 'norm' as const, name: 'bkg_norm', samples: ['bkg'], width: 0.1 },
    {
      kind: 'transform' as const,
      name: 'tes',
      samples: ['Htautau'],
      input: 'DER_mass_vis',
      mode: 'scale' as const,
      delta: 0.03,
    },
    { kind: 'samples' as const, name: 'var', samples: ['bkg'], up: 'bkg_up', down: 'bkg_down' },
  ],
  options: { epochs: 3, bceEpochs: 2, bins: 4, layers: [16], batchSize: 400 },
}

async function train(memory: number, threads = 1) {
  await engine.call('data.putSetting', { key: MEMORY_SETTING, value: memory })
  await engine.call('data.putSetting', { key: THREADS_SETTING, value: threads })
  const r = await engine.job('inferno.train', config)
  expect(r.state, r.error).toBe('done')
  return { ...r, res: InfernoProjectResult.parse(r.result) }
}

const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0)

describe.runIf(kaggleAvailable)('INFERNO beyond the memory budget', () => {
  it('streams the same events, templates of the same yields, σ_μ close to memory, same bits on 2 threads', async () => {
    const mem = await train(2 ** 30)
    expect(mem.progress.some((m) => m.includes('streamed'))).toBe(false)
    const str = await train(2 ** 16)
    expect(str.progress).toContainEqual(
      expect.stringMatching(/— streamed from \d+ partitions under 0\.06\d MB$/),
    )
    // The same split, exactly; the same expected yields.
    expect(str.res.events).toEqual(mem.res.events)
    expect(str.res.expected.signal).toBeCloseTo(mem.res.expected.signal, 9)
    expect(str.res.expected.background).toBeCloseTo(mem.res.expected.background, 9)
    expect(str.res.warnings).toEqual(mem.res.warnings)
    for (const k of ['inferno', 'bce'] as const) {
      const t = str.res[k].templates
      const bkg = t.processes.find((p) => p.name === 'bkg')!.nominal
      const total = t.processes[0].nominal.map((v, j) => v + t.processes[1].nominal[j])
      // Templates summed chunk by chunk: each part scaled to the full yield, as in memory.
      expect(sum(total)).toBeCloseTo(str.res.expected.signal + str.res.expected.background, 6)
      const v = t.variations.find((x) => x.nuisance === 'var')!
      expect(sum(v.up) - sum(total)).toBeCloseTo(0.1 * sum(bkg), 6)
      expect(sum(total) - sum(v.down)).toBeCloseTo(0.1 * sum(bkg), 6)
      expect(t.variations.map((x) => x.nuisance)).toEqual(['jes', 'bkg_norm', 'tes', 'var'])
      expect(str.res[k].profile.sigma).not.toBeNull()
    }
    // Other batches (drawn per window), another network: σ_μ within 30% of memory's here.
    const ratio = str.res.inferno.profile.sigma! / mem.res.inferno.profile.sigma!
    expect(ratio).toBeGreaterThan(0.7)
    expect(ratio).toBeLessThan(1.3)
    // Reproducible to the bit, and on two worker threads.
    const again = await train(2 ** 16)
    expect(again.res.inferno.profile).toEqual(str.res.inferno.profile)
    expect(again.res.bce.templates).toEqual(str.res.bce.templates)
    const two = await train(2 ** 16, 2)
    expect(two.res.inferno.profile).toEqual(str.res.inferno.profile)
    expect(two.res.inferno.templates).toEqual(str.res.inferno.templates)
  }, 300_000)

  it('pauses, steps a batch and an epoch, and cancels, streamed', async () => {
    await engine.call('data.putSetting', { key: MEMORY_SETTING, value: 2 ** 16 })
    await engine.call('data.putSetting', { key: THREADS_SETTING, value: 1 })
    let jobId = ''
    const done = engine.job('inferno.train', config, (id) => (jobId = id))
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
    for (let t = 0; !jobId; t++) await sleep(10)
    await engine.call('jobs.pause', { jobId })
    let s = await engine.call('jobs.gate', { jobId })
    for (let t = 0; !s.settings.some((x) => x.name === 'learningRate'); t++) {
      if (t > 3000) throw new Error('the trainer never held')
      await sleep(20)
      s = await engine.call('jobs.gate', { jobId })
    }
    await sleep(300)
    const held = await engine.call('jobs.gate', { jobId })
    expect(held.batches).toBe(s.batches)
    const b1 = await engine.call('jobs.step', { jobId, unit: 'batch' })
    expect(b1.batches).toBe(held.batches + 1)
    expect(Number.isFinite(b1.batchLoss)).toBe(true)
    await engine.call('jobs.step', { jobId, unit: 'epoch' })
    const after = await engine.call('jobs.gate', { jobId })
    expect(after.batches).toBeGreaterThan(b1.batches)
    await sleep(300)
    expect((await engine.call('jobs.gate', { jobId })).batches).toBe(after.batches)
    await engine.call('jobs.cancel', { jobId })
    const r = await done
    expect(r.state).toBe('cancelled')
    expect(r.progress.some((m) => m.includes('streamed from'))).toBe(true)
  }, 120_000)
})
