/**
 * Training-set extraction written once (issue 18, app/training-set.ts): a spec and the project
 * opened from it (spec.open's projectFromSpec) give bit-identical training arrays — inputs,
 * physical and training weights, labels, samples and the split — for classifiers, INFERNO and
 * anomaly searches, on real files (the Kaggle H→ττ CSVs with −999 for undefined values, a
 * jagged ROOT sample with event weights and a cross-section); one partition per file and many
 * small ones (cut anywhere, empty ones included) give the same arrays; a Fisher discriminant
 * trained with the same seed is the same through the window's Train service and `hepwb train`
 * (on the spec and on the project); and a streamed sample is read in chunks within the memory
 * budget for its real number of columns (the CLI used to size signal chunks for one column),
 * from a spec and from a project alike.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runAnomalyTraining } from '../../../src/main/engine/app/anomaly-training'
import type { PartitionOptions } from '../../../src/main/engine/app/partition'
import type { EventSource } from '../../../src/main/engine/app/source'
import { specSource } from '../../../src/main/engine/app/spec-source'
import { trainingEvents } from '../../../src/main/engine/app/training-set'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { anomalyTrainingData } from '../../../src/main/engine/ml/autoencoder/data'
import { chunkEntries } from '../../../src/main/engine/ml/streaming'
import { assembleTrainingData } from '../../../src/main/engine/ml/build-dataset'
import { projectEvents } from '../../../src/main/engine/ml/inferno/project-data'
import { SampleRegistry } from '../../../src/main/engine/samples/registry'
import { readSpecFile } from '../../../src/main/engine/select/spec-file'
import { projectSource } from '../../../src/main/engine/services/project-source'
import { projectFromSpec } from '../../../src/main/engine/services/spec'
import { AnomalyConfig } from '../../../src/shared/contract/anomaly'
import { InfernoProjectConfig } from '../../../src/shared/contract/inferno'
import { TrainConfig, TrainResult } from '../../../src/shared/contract/train'
import { hepwb } from '../helpers/cli'
import { inProcessEngine } from '../helpers/engine'
import { SKHEP } from '../io/shared-data'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-trainset-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

import { KAGGLE_SPEC_SAMPLES } from '../ml/kaggle-higgs'

const kaggleSpec = {
  samples: [...KAGGLE_SPEC_SAMPLES],
  variables: [{ name: 'ratio', expr: 'PRI_tau_pt / PRI_lep_pt' }],
  regions: [{ name: 'SR', cuts: [{ expr: 'DER_mass_vis > 40' }] }],
}
const KAGGLE_INPUTS = ['DER_mass_MMC', 'DER_mass_vis', 'ratio', 'PRI_met', 'DER_mass_jet_jet']

const rootSpec = {
  samples: [
    {
      name: 'sig',
      files: [SKHEP + 'uproot-HZZ.root'],
      tree: 'events',
      role: 'signal',
      weight: 'EventWeight',
      xsec: 2.5,
      lumi: 140,
    },
    {
      name: 'bkg',
      files: [SKHEP + 'uproot-HZZ-zstd.root'],
      tree: 'events',
      role: 'background',
      scale: 0.37,
    },
  ],
  variables: [{ name: 'ptmu', expr: 'sqrt(Muon_Px * Muon_Px + Muon_Py * Muon_Py)' }],
  regions: [{ name: 'mu', cuts: [{ expr: 'NMuon >= 1' }] }],
}
const ROOT_INPUTS = ['MET_px', 'MET_py', 'Sum(ptmu)', 'Max(ptmu)', 'NJet']

/** The spec written beside the test, read back (paths resolved), and the project made from it. */
async function opened(name: string, raw: object) {
  const file = join(tmp, `${name}.json`)
  writeFileSync(file, JSON.stringify(raw))
  const spec = await readSpecFile(file)
  const projectFile = join(tmp, `${name}.hepwb`)
  const project = await projectFromSpec(spec, file, projectFile, silentContext())
  return { file, spec, project, projectFile }
}

/** Cuts every file at 0, 1, then every 333 entries, with an empty piece at the end. */
const ragged: PartitionOptions = {
  split: (entries) => {
    const cuts = [0, Math.min(1, entries)]
    for (let at = 334; at < entries; at += 333) cuts.push(at)
    cuts.push(entries, entries)
    return cuts.slice(1).map((stop, i) => ({ start: cuts[i], stop }))
  },
}
const PLANS: PartitionOptions[] = [{}, { maxEntries: 700 }, ragged]

/** The classifier, anomaly and INFERNO data sets of `inputs` in `region` from a source. */
async function arrays(source: EventSource, inputs: string[], region: string) {
  const ctx = silentContext()
  const train = TrainConfig.parse({
    kind: 'lda',
    inputs,
    region,
    missing: { policy: 'mean', values: [] },
    split: { test: 0.3, validation: 0.2, seed: 11 },
  })
  const selected = await trainingEvents(source, train, ctx)
  const classifier = assembleTrainingData(selected, train)
  const anomaly = anomalyTrainingData(
    selected,
    AnomalyConfig.parse({ kind: 'ae', inputs, region, split: { validation: 0.25, seed: 5 } }),
  )
  const inferno = projectEvents(selected, InfernoProjectConfig.parse({ inputs, region }))
  return { selected, classifier, anomaly, inferno }
}

describe('training sets from a spec and from the project opened from it', () => {
  for (const [name, raw, inputs, region] of [
    ['Kaggle CSVs with −999 and weights', kaggleSpec, KAGGLE_INPUTS, 'SR'],
    ['ROOT jagged, weights and σ × L / Σw', rootSpec, ROOT_INPUTS, 'mu'],
  ] as const) {
    it(`are bit-identical, whatever the partitions: ${name}`, async () => {
      const { spec, project } = await opened(name.split(' ')[0], raw)
      try {
        const registry = new SampleRegistry(project)
        const reference = await arrays(specSource(spec), [...inputs], region)
        const { data } = reference.classifier
        // Not an empty comparison: both classes, every part, missing values imputed.
        expect(data.n).toBeGreaterThan(1000)
        expect(new Set(data.y)).toEqual(new Set([0, 1]))
        expect(new Set(data.part)).toEqual(new Set([0, 1, 2]))
        for (const options of PLANS) {
          for (const source of [
            await projectSource(registry, [], options),
            specSource(spec, options),
          ]) {
            const got = await arrays(source, [...inputs], region)
            expect(got.selected).toEqual(reference.selected)
            expect(got.classifier).toEqual(reference.classifier)
            expect(got.anomaly).toEqual(reference.anomaly)
          }
        }
      } finally {
        project.close()
      }
    }, 60_000)
  }
})

describe('a training set that cannot be read', () => {
  it('names the input and the sample, from a spec and from the project', async () => {
    const { spec, project } = await opened('bad', rootSpec)
    try {
      const request = { signal: [], background: [], region: null }
      for (const source of [
        await projectSource(new SampleRegistry(project), []),
        specSource(spec),
      ]) {
        const read = (inputs: string[]) =>
          trainingEvents(source, { ...request, inputs }, silentContext())
        await expect(read(['MET_px', 'Muon_Px'])).rejects.toThrow(
          /(input 2 'Muon_Px' in sample 'sig'|inputs\[1\]: in sample 'sig').*a training input must be one value per event/,
        )
        await expect(read(['MET_px', 'nope'])).rejects.toThrow(/sample 'sig'.*nope/)
        await expect(
          trainingEvents(
            source,
            { ...request, signal: ['bkg'], inputs: ['MET_px'] },
            silentContext(),
          ),
        ).rejects.toThrow(/sample 'bkg' is chosen as signal and as background/)
        await expect(
          trainingEvents(source, { ...request, region: 'SR', inputs: ['MET_px'] }, silentContext()),
        ).rejects.toThrow(/no region named 'SR'/)
      }
    } finally {
      project.close()
    }
  })
})

describe('a Fisher discriminant trained with the same seed', () => {
  it('is the same through the window, hepwb train on the spec and on the project', async () => {
    const { project, projectFile } = await opened('fisher', kaggleSpec)
    project.close()
    const setup = {
      kind: 'lda' as const,
      region: 'SR',
      signal: ['sig'],
      background: ['bg'],
      inputs: KAGGLE_INPUTS,
      missing: { policy: 'mean' as const, values: [] },
      split: { test: 0.4, validation: 0.2, seed: 7 },
    }
    const cli = (source: object, out: string) => {
      const cfg = join(tmp, `${out}.json`)
      writeFileSync(cfg, JSON.stringify({ ...setup, ...source }))
      const r = hepwb('train', cfg, '--json', '--out', join(tmp, out))
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(readFileSync(join(tmp, out, 'result.json'), 'utf8')) as TrainResult
    }
    const fromSpec = cli({ spec: 'fisher.json' }, 'cli-spec')
    const fromProject = cli({ project: 'fisher.hepwb' }, 'cli-project')

    const engine = inProcessEngine()
    try {
      await engine.call('project.open', { path: projectFile })
      const r = await engine.job('train.start', setup)
      expect(r.state, r.error).toBe('done')
      const window = TrainResult.parse(r.result)
      for (const other of [fromSpec, fromProject]) {
        expect(other.summary).toEqual(window.summary)
        expect(other.evaluation.auc_test).toBe(window.evaluation.auc_test)
        expect(other.evaluation.auc_train).toBe(window.evaluation.auc_train)
      }
      // A real discriminant, not two empty ones.
      expect(window.evaluation.auc_test!).toBeGreaterThan(0.75)
    } finally {
      engine.close()
    }
  }, 120_000)
})

describe('streamed training reads each sample in chunks within the memory budget', () => {
  it('sizes a signal chunk for the columns it really reads, as the background', async () => {
    // Unit weights (no weight column): the inputs and the region read 9 file columns.
    const inputs = ['DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt']
    const cut =
      'PRI_met + PRI_jet_all_pt + DER_sum_pt + PRI_lep_pt + DER_pt_ratio_lep_tau + PRI_tau_eta > -1e9'
    const { spec, project } = await opened('budget', {
      samples: kaggleSpec.samples.map(({ weight: _, ...s }) => s),
      regions: [{ name: 'all', cuts: [{ expr: cut }] }],
    })
    const reads: { sample: string; entries: number; columns: number }[] = []
    const inner = specSource(spec)
    const recording: EventSource = {
      ...inner,
      open: async (index, ctx) => {
        const o = await inner.open(index, ctx)
        return {
          ...o,
          read: (p, columns, c, options) => {
            if (options?.stream)
              reads.push({
                sample: o.sample.name,
                entries: p.range.stop - p.range.start,
                columns: columns.length,
              })
            return o.read(p, columns, c, options)
          },
        }
      },
    }
    const config = AnomalyConfig.parse({
      kind: 'ae',
      inputs,
      region: 'all',
      options: { encoder: [4], latent: 2, epochs: 1, stream: true, memoryBudgetMB: 1 },
    })
    const run = await runAnomalyTraining(recording, config, silentContext())
    expect(run.streamed).not.toBeNull()
    const budget = 1024 * 1024
    const d = inputs.length
    const signal = reads.filter((r) => r.sample === 'sig')
    expect(signal.length).toBeGreaterThan(1)
    expect(signal.reduce((a, r) => a + r.entries, 0)).toBe(4999)
    for (const r of reads) {
      expect(r.columns).toBe(9)
      // A quarter of the budget for the chunk: 8 bytes per entry per column, input and weight.
      expect(r.entries * 8 * (r.columns + d + 1)).toBeLessThanOrEqual(budget / 4)
    }
    // What `hepwb train` did before: signal chunks sized for one column — one read of all
    // 4999 signal events, 2.3 × the quarter budget.
    expect(chunkEntries(budget, 1, d)).toBeGreaterThanOrEqual(4999)
    expect(4999 * 8 * (9 + d + 1)).toBeGreaterThan(budget / 4)
    // The project streams its partitions from the files too, into the same scored events.
    try {
      const fromProject = await runAnomalyTraining(
        await projectSource(new SampleRegistry(project), []),
        config,
        silentContext(),
      )
      expect(fromProject.streamed).toEqual(run.streamed)
      expect(fromProject.means).toEqual(run.means)
      expect(fromProject.data).toEqual(run.data)
      expect(fromProject.trained.events).toEqual(run.trained.events)
    } finally {
      project.close()
    }
  }, 60_000)
})
