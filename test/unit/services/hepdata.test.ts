/**
 * `hepdata.export` through the real engine service (requests validated as the window sends
 * them): saved plots become a written submission; a broken plot gives its problems in words
 * and nothing is written; an existing folder's files are refused with the code 'exists'.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { inProcessEngine } from '../helpers/engine'

const dir = mkdtempSync(join(tmpdir(), 'hepwb-hepdata-service-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A stacked histogram as the Data view sends it (a snapshot: recipe none). */
const stack = (sumw: number[]) => ({
  kind: 'stack' as const,
  edges: [0, 10, 20, 30],
  x: { expr: 'pt', label: 'p_{T}', unit: 'GeV' },
  components: [
    { name: 'data', role: 'data' as const, sumw: [3, 5, 0], sumw2: [3, 5, 0], entries: 8 },
    {
      name: 'ttbar',
      role: 'background' as const,
      sumw,
      sumw2: sumw.map((w) => w / 4),
      entries: 40,
    },
  ],
})

async function projectWithPlots(file: string, plots: { name: string; sumw: number[] }[]) {
  const engine = inProcessEngine()
  await engine.call('project.create', { path: join(dir, file) })
  const ids: string[] = []
  for (const p of plots) {
    const saved = await engine.call('plots.save', {
      name: p.name,
      step: 'data',
      recipe: { kind: 'none' },
      figure: stack(p.sumw),
      settings: { energyTeV: 13, lumiFb: 140 },
    })
    ids.push(saved.id)
  }
  return { ...engine, ids }
}

describe('hepdata.export', () => {
  it('writes the selected saved plots as a valid submission with a zip', async () => {
    const { call, ids } = await projectWithPlots('ok.hepwb', [
      { name: 'Leading jet pT', sumw: [2.5, 4, 1] },
    ])
    const out = join(dir, 'ok')
    const r = await call('hepdata.export', { ids, path: out })
    expect(r.problems).toEqual([])
    // the figure drawn by the engine's renderer becomes the table's image and thumbnail
    expect(r.written?.files).toEqual([
      'submission.yaml',
      'leading_jet_pt.yaml',
      'leading_jet_pt.png',
      'thumb_leading_jet_pt.png',
    ])
    expect(existsSync(join(out, 'submission.zip'))).toBe(true)
    const data = parse(readFileSync(join(out, 'leading_jet_pt.yaml'), 'utf8'))
    expect(data.dependent_variables[1].values.map((v: { value: number }) => v.value)).toEqual([
      2.5, 4, 1,
    ])
    await expect(call('hepdata.export', { ids, path: out })).rejects.toThrow(/already exists/)
  })

  it('answers the problems of a broken plot in words and writes nothing', async () => {
    // a long name (cut to HEPData's 64 characters) and a column one bin short
    const { call, ids } = await projectWithPlots('broken.hepwb', [
      { name: 'm'.repeat(80), sumw: [1, 2] },
    ])
    const out = join(dir, 'broken')
    const r = await call('hepdata.export', { ids, path: out })
    expect(r.written).toBeNull()
    expect(r.problems).toContainEqual({
      table: 'm'.repeat(64),
      file: `${'m'.repeat(48)}.yaml`,
      field: 'dependent variable 2 (Events (ttbar))',
      message: 'has 2 values but there are 3 independent values (bins or points)',
    })
    expect(existsSync(out)).toBe(false)
  })
})
