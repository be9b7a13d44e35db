/**
 * `hepwb build-workspace` as a user runs it (a real process, from source) on a spec of the
 * Kaggle H→ττ CSVs: the channel yields equal a plain loop over the CSV rows, `hepwb fit` of the
 * written file finds μ = 1/50 (the data sample is signal + background, the signal sample is
 * scaled by 50), and a recipe naming a missing region fails with the recipe file and the reason.
 * On the project `hepwb spec open` built from the spec it prints the same JSON and writes the
 * same workspace, byte for byte, and leaves the project file as it was.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hepwb } from '../helpers/cli'
import { DATA } from '../io/shared-data'

const KAGGLE = DATA + 'ATLAS-UK-ML_kaggle-higgs'
const dir = mkdtempSync(join(tmpdir(), 'hepwb-build-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, value: unknown): string {
  const file = join(dir, name)
  writeFileSync(file, JSON.stringify(value))
  return file
}

const SIG = join(KAGGLE, 'train_sml_sig.csv')
const BKG = join(KAGGLE, 'train_sml_bg.csv')
const spec = write('spec.json', {
  samples: [
    { name: 'sig', role: 'signal', files: [SIG], tree: '', weight: 'Weight', scale: 50 },
    { name: 'bkg', role: 'background', files: [BKG], tree: '', weight: 'Weight' },
    { name: 'obs', role: 'data', files: [BKG, SIG], tree: '', weight: 'Weight' },
  ],
  regions: [{ name: 'SR', cuts: [{ expr: 'DER_mass_MMC > 0' }] }],
})
const recipe = {
  name: 'cli',
  channels: [{ region: 'SR', observable: 'DER_mass_MMC', bins: 6, lo: 60, hi: 180 }],
  normsys: [{ name: 'bkg_xsec', samples: ['bkg'], lo: 0.95, hi: 1.05 }],
}

describe('hepwb build-workspace', () => {
  it('writes the workspace of the spec; hepwb fit of it gives mu = 1/scale', () => {
    const out = join(dir, 'ws.json')
    const r = hepwb('--json', 'build-workspace', spec, write('recipe.json', recipe), '--out', out)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.stdout) as { path: string; channels: { data: string }[] }
    expect(summary.path).toBe(out)
    expect(summary.channels[0]).toEqual({
      name: 'SR',
      bins: 6,
      data: 'observed',
      samples: ['sig', 'bkg'],
    })

    // A plain loop over the background CSV: Σ Weight of the SR events in [60, 180) per bin.
    const [head, ...rows] = readFileSync(BKG, 'utf8').trim().split('\n')
    const cols = head.trim().split(',')
    const [m, w] = ['DER_mass_MMC', 'Weight'].map((n) => cols.indexOf(n))
    const sumw = new Array<number>(6).fill(0)
    for (const row of rows) {
      const v = row.split(',').map(Number)
      if (v[m] > 0 && v[m] >= 60 && v[m] < 180) sumw[Math.floor((v[m] - 60) / 20)] += v[w]
    }
    const ws = JSON.parse(readFileSync(out, 'utf8')) as {
      channels: { samples: { name: string; data: number[] }[] }[]
    }
    const bkg = ws.channels[0].samples.find((s) => s.name === 'bkg')!
    bkg.data.forEach((v, b) => expect(v).toBeCloseTo(sumw[b], 9))

    const fit = hepwb('--json', 'fit', out)
    expect(fit.code).toBe(0)
    const mu = (JSON.parse(fit.stdout) as { parameters: Record<string, { value: number }> })
      .parameters.mu.value
    // The model's signal is the CSV's × 50 (scale), the data hold it once: μ̂ = 1/50.
    expect(Math.abs(mu - 0.02)).toBeLessThan(1e-4)
  }, 60_000)

  it('names the recipe file and the problem when the recipe is wrong', () => {
    const bad = write('bad.json', {
      ...recipe,
      channels: [{ ...recipe.channels[0], region: 'VR' }],
    })
    const r = hepwb('build-workspace', spec, bad, '--out', join(dir, 'x.json'))
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`${bad}: channel 1: no region named 'VR'`)
    const typo = write('typo.json', { ...recipe, channels: [{ ...recipe.channels[0], bins: 0 }] })
    const t = hepwb('build-workspace', spec, typo, '--out', join(dir, 'x.json'))
    expect(t.code).toBe(1)
    expect(t.stderr).toContain('channels[0].bins')
  }, 60_000)

  it('takes the project opened from the spec: the same JSON and workspace, project unchanged', () => {
    const project = join(dir, 'p.hepwb')
    const opened = hepwb('spec', 'open', spec, project, '--json')
    expect(opened.stderr).toBe('')
    expect(opened.code).toBe(0)
    const before = { bytes: readFileSync(project), mtime: statSync(project).mtimeMs }
    const out = join(dir, 'same.json')
    const rec = write('recipe-sys.json', {
      ...recipe,
      lumi: { value: 140, sigma: 2.8 },
      histosys: [
        {
          name: 'pt_reweight',
          samples: ['sig', 'bkg'],
          kind: 'weights',
          up: '1 + 0.002*DER_pt_h',
          down: '1 / (1 + 0.002*DER_pt_h)',
        },
      ],
    })
    const a = hepwb('--json', 'build-workspace', spec, rec, '--out', out)
    expect(a.stderr).toBe('')
    expect(a.code).toBe(0)
    const fromSpec = readFileSync(out, 'utf8')
    const b = hepwb('--json', 'build-workspace', project, rec, '--out', out)
    expect(b.stderr).toBe('')
    expect(b.code).toBe(0)
    expect(b.stdout).toBe(a.stdout)
    expect(readFileSync(out, 'utf8')).toBe(fromSpec)
    expect(fromSpec).toContain('"pt_reweight"')
    expect(readFileSync(project).equals(before.bytes)).toBe(true)
    expect(statSync(project).mtimeMs).toBe(before.mtime)
  }, 60_000)
})
