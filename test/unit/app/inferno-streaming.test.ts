/**
 * INFERNO's events streamed (issue 13, ml/inferno/streamed-data.ts): under a 64 KiB budget the
 * Kaggle H→ττ CSVs, with a weight, an input-shift and an up/down-samples nuisance, come in
 * chunks whose events, concatenated in chunk order, are projectEvents' in memory to the bit —
 * inputs, split, scaled weights, variation codes, every nuisance's per-event factors — and the
 * streamed standardisation is fitScaler's.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { infernoEvents, type InfernoEvents } from '../../../src/main/engine/app/inferno-training'
import { withMemory } from '../../../src/main/engine/app/source'
import { specSource } from '../../../src/main/engine/app/spec-source'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { fitScaler, type ProjectEvents } from '../../../src/main/engine/ml/inferno/project-data'
import { streamedScaler } from '../../../src/main/engine/ml/inferno/project-streamed'
import { concatEvents } from '../../../src/main/engine/ml/inferno/streamed-data'
import { InfernoProjectConfig } from '../../../src/shared/contract/inferno'
import { AnalysisSpec } from '../../../src/shared/spec'
import { KAGGLE, kaggleAvailable } from '../ml/kaggle-higgs'

const bg = (name: string, scale: number) => ({
  name,
  files: [KAGGLE + 'train_sml_bg.csv'],
  role: 'background',
  weight: 'Weight',
  scale,
})
const spec = AnalysisSpec.parse({
  samples: [
    { name: 'sig', files: [KAGGLE + 'train_sml_sig.csv'], role: 'signal', weight: 'Weight' },
    bg('bkg', 1),
    bg('bkg_up', 1.1),
    bg('bkg_down', 0.9),
  ],
  variables: [],
  regions: [{ name: 'SR', cuts: [{ expr: 'DER_mass_vis > 30' }] }],
})

const config = InfernoProjectConfig.parse({
  inputs: ['DER_mass_MMC', 'DER_mass_vis', 'DER_pt_h'],
  signal: ['sig'],
  background: ['bkg'],
  region: 'SR',
  nuisances: [
    {
      kind: 'weight',
      name: 'jes',
      samples: ['bkg'],
      up: '1 + 0.3 * (DER_mass_vis > 80)',
      down: '1 - 0.3 * (DER_mass_vis > 80)',
    },
    { kind: 'transform', name: 'tes', samples: ['sig'], input: 'DER_mass_vis', delta: 2 },
    { kind: 'samples', name: 'var', samples: ['bkg'], up: 'bkg_up', down: 'bkg_down' },
  ],
  options: { seed: 3 },
})

const held: InfernoEvents[] = []
afterAll(() => held.forEach((e) => e.kind === 'streamed' && e.release()))

describe.runIf(kaggleAvailable)("INFERNO's events streamed", () => {
  it('are the in-memory events to the bit, chunk by chunk; so is the standardisation', async () => {
    const ctx = silentContext()
    const mem = await infernoEvents(specSource(spec), config, ctx)
    const str = await infernoEvents(withMemory(specSource(spec), 64 * 1024), config, ctx)
    held.push(mem, str)
    if (mem.kind !== 'memory' || str.kind !== 'streamed') throw new Error('wrong kinds')
    expect(str.streamed.partitions).toBeGreaterThan(20)
    const parts: ProjectEvents[] = []
    await str.sev.each(
      Array.from({ length: str.sev.count }, (_, k) => k),
      (_, ev) => parts.push(ev),
      ctx,
    )
    const all = concatEvents(str.sev.meta, parts)
    const { ev } = mem
    for (const key of ['x', 'sample', 'signal', 'part', 'weight', 'variation'] as const)
      expect(all[key], key).toEqual(ev[key])
    expect(all.nuisances).toEqual(ev.nuisances)
    expect(str.sev.meta.yields).toEqual(ev.yields)
    expect(str.sev.meta.warnings).toEqual(ev.warnings)
    expect(await streamedScaler(str.sev, ctx)).toEqual(fitScaler(ev))
  }, 120_000)
})
