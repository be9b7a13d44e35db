/**
 * `hepdata.export` through the real engine service (requests validated as the window sends
 * them): saved plots become a written submission; a broken plot gives its problems in words
 * and nothing is written; an existing folder's files are refused with the code 'exists'.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { inProcessEngine } from '../helpers/engine'
import { DATA } from '../io/shared-data'

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

  it('a Brazil band saved from a fit brings its tables and the pyhf workspace as a resource', async () => {
    const engine = inProcessEngine()
    await engine.call('project.create', { path: join(dir, 'fit.hepwb') })
    const file = DATA + 'pyhf-validation-workspaces/1bin_normsys.json'
    const ws = await engine.call('fit.import', { path: file })
    const setup = { workspaceId: ws.id }
    const limit = await engine.job('fit.limit', { ...setup, points: 5 })
    expect(limit.state).toBe('done')
    const outcome = limit.result as { obs: number; points: { mu: number; cls: number }[] }
    const plot = await engine.call('plots.save', {
      name: 'CLs limit',
      step: 'fit',
      recipe: { kind: 'limit', workspaceId: ws.id, options: setup },
    })
    const out = join(dir, 'fit-out')
    const r = await engine.call('hepdata.export', { ids: [plot.id], path: out })
    expect(r.problems).toEqual([])
    expect(r.written?.tables.map((t) => t.name)).toEqual(['CLs limit (CLs)', 'CLs limit (limit)'])
    const cls = parse(readFileSync(join(out, 'cls_limit_cls.yaml'), 'utf8'))
    expect(cls.independent_variables[0].values.map((v: { value: number }) => v.value)).toEqual(
      outcome.points.map((p) => p.mu),
    )
    expect(cls.dependent_variables[0].values.map((v: { value: number }) => v.value)).toEqual(
      outcome.points.map((p) => p.cls),
    )
    const upper = parse(readFileSync(join(out, 'cls_limit_limit.yaml'), 'utf8'))
    expect(upper.dependent_variables[0].values[0].value).toBe(outcome.obs)
    const [info] = parseAllDocuments(readFileSync(join(out, 'submission.yaml'), 'utf8')).map((d) =>
      d.toJS(),
    )
    expect(info.additional_resources).toEqual([
      expect.objectContaining({ location: '1bin_normsys_workspace.json', type: 'HistFactory' }),
    ])
    expect(JSON.parse(readFileSync(join(out, '1bin_normsys_workspace.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(file, 'utf8')),
    )
  })
})
