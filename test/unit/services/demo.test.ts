/**
 * The demo project (issue 17, item 18) through the real engine: it says what it shows (a note
 * on why data and simulation differ), its correlation matrix holds event variables that vary in
 * the data — no constant column — and a constant column correlated on purpose is named as such.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inProcessEngine } from '../helpers/engine'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-demo-'))
const engine = inProcessEngine()
afterAll(() => {
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

beforeAll(async () => {
  const { path } = await engine.call('project.createDemo', { path: join(tmp, 'demo.hepwb') })
  await engine.call('project.open', { path })
  const s = await engine.job('data.summarise', {})
  expect(s.state, s.error).toBe('done')
}, 120_000)

describe('the demo project', () => {
  it('says what it shows and why data and simulation differ', async () => {
    const s = await engine.call('data.getSettings', { prefix: 'explorer.' })
    expect(s['explorer.note']).toMatch(/not a measurement/)
    expect(s['explorer.note']).toMatch(/dimuon triggers/)
    const regions = await engine.call('cuts.regions', {})
    expect(regions.map((r) => r.name)).toContain('dimuon')
  })

  it('opens on a correlation matrix without constant columns, every cell defined', async () => {
    const s = await engine.call('data.getSettings', { prefix: 'explorer.' })
    const choice = s['explorer.correlation'] as { sample: string; variables: string[] }
    const samples = await engine.call('data.samples', {})
    expect(samples.find((x) => x.id === choice.sample)?.spec.role).toBe('data')
    const r = await engine.call('data.correlation', choice)
    expect(r.variables).toEqual(choice.variables)
    expect(r.constant).toEqual([])
    for (const row of r.matrix) for (const v of row) expect(v).not.toBeNull()
  })

  it('names a constant column as such in the matrix', async () => {
    const samples = await engine.call('data.samples', {})
    const data = samples.find((x) => x.spec.role === 'data')!
    const { variables } = await engine.call('data.variables', {})
    const constant = variables.find((v) => {
      const st = v.stats[data.id]
      return !v.jagged && st && st.nan === 0 && st.min === st.max
    })!
    expect(constant).toBeDefined()
    const r = await engine.call('data.correlation', {
      sample: data.id,
      variables: ['MET_pt', constant.name, 'nJet'],
    })
    expect(r.constant).toEqual([constant.name])
    expect(r.matrix[1]).toEqual([null, null, null])
    expect(r.matrix[0][2]).not.toBeNull()
  })
})
