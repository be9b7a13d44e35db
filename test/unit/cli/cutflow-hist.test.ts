/**
 * `hepwb cutflow SPEC --hist …` as a user runs it (a real process, from source) on the Kaggle
 * H→ττ CSV files: the cut-flow and every histogram come from one pass (app/pass.ts), and must
 * equal `hepwb cutflow` without --hist and runHistogram's histograms, to the last bit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CutflowResult, RegionHistogram } from '../../../src/shared/cutflow'
import { runHistogram } from '../../../src/main/engine/app/histogram'
import { specSource } from '../../../src/main/engine/app/spec-source'
import { readSpecFile } from '../../../src/main/engine/select/spec-file'
import { parseHistOption } from '../../../src/main/cli/hist-option'
import { hepwb } from '../helpers/cli'
import { KAGGLE } from '../ml/kaggle-higgs'

let dir = ''
let specFile = ''
const spec = {
  samples: [
    { name: 'Htautau', role: 'signal', files: [KAGGLE + 'train_sml_sig.csv'], weight: 'Weight' },
    { name: 'bkg', role: 'background', files: [KAGGLE + 'train_sml_bg.csv'], weight: 'Weight' },
  ],
  regions: [
    { name: 'presel', cuts: [{ name: 'tau', expr: 'PRI_tau_pt > 25' }] },
    {
      name: 'SR',
      parent: 'presel',
      cuts: [{ name: 'mass window', expr: 'DER_mass_MMC > 100 && DER_mass_MMC < 150' }],
    },
  ],
}

/** Three histograms: one in SR, one of all events whose expression holds ':', one in presel. */
const HISTS = [
  'DER_mass_vis:20:0:200@SR',
  'PRI_tau_pt > 40 ? PRI_lep_pt : -1:12:-10:110',
  'PRI_met:10:0:200@presel',
]

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hepwb-cutflow-hist-'))
  specFile = join(dir, 'spec.json')
  writeFileSync(specFile, JSON.stringify(spec))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('hepwb cutflow --hist', () => {
  it('fills every histogram in the pass: equal to runHistogram, the cut-flow to hepwb cutflow', async () => {
    const args = HISTS.flatMap((h) => ['--hist', h])
    const r = hepwb('cutflow', specFile, ...args, '--json')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as CutflowResult & { histograms: RegionHistogram[] }
    const plain = hepwb('cutflow', specFile, '--json')
    expect(plain.code).toBe(0)
    const { histograms, ...cutflow } = out
    expect(JSON.stringify(cutflow)).toBe(plain.stdout.trim())
    expect(histograms).toHaveLength(3)
    const source = specSource(await readSpecFile(specFile))
    for (const [i, text] of HISTS.entries()) {
      const h = parseHistOption(text, i + 1)
      const expected = await runHistogram(source, h)
      expect(JSON.parse(JSON.stringify(expected))).toEqual(histograms[i])
      expect(histograms[i].region).toBe(h.region ?? null)
      expect(histograms[i].edges).toHaveLength(h.binning.bins + 1)
    }
    // The ternary's ':' stayed in the expression; the histograms are not empty.
    expect(histograms[1].expr).toBe('PRI_tau_pt > 40 ? PRI_lep_pt : -1')
    expect(histograms[0].samples.Htautau.entries).toBeGreaterThan(100)
    expect(histograms[0].samples.Htautau.entries).toBe(out.regions.SR.Htautau.at(-1)?.raw)
    // The text output: the cut-flow tables, then one table per histogram.
    const text = hepwb('cutflow', specFile, ...args)
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('DER_mass_vis in region SR')
    expect(text.stdout).toContain('PRI_met in region presel')
  }, 60_000)

  it('--threads 2 (this thread and a worker thread) prints the JSON of --threads 1', () => {
    // 1M: many partitions, so the command's thread and the worker both run some.
    const args = [...HISTS.flatMap((h) => ['--hist', h]), '--memory', '1M', '--json']
    const one = hepwb('cutflow', specFile, ...args, '--threads', '1')
    expect(one.code, one.stderr).toBe(0)
    const two = hepwb('cutflow', specFile, ...args, '--threads', '2')
    expect(two.code, two.stderr).toBe(0)
    expect(two.stdout).toBe(one.stdout)
    const out = JSON.parse(one.stdout) as { histograms: RegionHistogram[] }
    expect(out.histograms[0].samples.Htautau.entries).toBeGreaterThan(100)
  }, 60_000)

  it('a bad --hist is refused with its position and the column at fault', () => {
    const r = hepwb(
      'cutflow',
      specFile,
      '--hist',
      'PRI_met:10:0:200',
      '--hist',
      'PRI_met:ten:0:200',
    )
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain("--hist #2 'PRI_met:ten:0:200' (column 9)")
    expect(r.stderr).toContain('EXPR:BINS:LO:HI[@REGION]')
  }, 30_000)
})

describe('parseHistOption', () => {
  it('splits from the right: expressions with ":", regions, negative edges', () => {
    expect(parseHistOption('a ? b : c:5:-1e3:2.5@SR', 1)).toEqual({
      expr: 'a ? b : c',
      binning: { bins: 5, lo: -1000, hi: 2.5 },
      region: 'SR',
    })
    expect(parseHistOption('pt1:50:0:200', 1)).toEqual({
      expr: 'pt1',
      binning: { bins: 50, lo: 0, hi: 200 },
    })
  })
  it('names what is wrong', () => {
    expect(() => parseHistOption('pt1:50:0', 3)).toThrow(/--hist #3 'pt1:50:0': 3 field\(s\)/)
    expect(() => parseHistOption(':5:0:1', 1)).toThrow(/column 1\): the expression is empty/)
    expect(() => parseHistOption('x:0:0:1', 1)).toThrow(/column 3\): BINS must be an integer/)
    expect(() => parseHistOption('x:5:2:1', 1)).toThrow(/LO < HI/)
    expect(() => parseHistOption('x:5:0:1@', 1)).toThrow(/column 9\): the region after @ is empty/)
  })
})
