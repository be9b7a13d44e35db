/**
 * The Data service against real shared files: samples are validated and stored, histograms match
 * a plain loop over the decoded column with weights × normalisation, bad input names the
 * problem and leaves the project as it was.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SampleSpecInput } from '../../../src/shared/contract/data'
import { SampleSpec, dataMethods } from '../../../src/shared/contract/data'
import { readColumns } from '../../../src/main/engine/io/source'
import { Project } from '../../../src/main/engine/store/project'
import { dataHandlers } from '../../../src/main/engine/services/data'
import { weightedCorrelation } from '../../../src/main/engine/data/correlation'
import { demoDir } from '../../../src/main/engine/samples/demo'
import { defaultBinning, isIntegral } from '../../../src/main/engine/samples/explore'
import { COFFEA, SKHEP } from '../io/shared-data'
import { serviceEnv } from '../helpers/service-env'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-data-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A real project, job runner and the data handlers, as the engine wires them. */
function setUp(name: string) {
  const project = Project.create(join(tmp, `${name}.hepwb`))
  const { env, events, waitForJob: finished } = serviceEnv(project)
  const h = dataHandlers(env)
  /** data.addSample / data.updateSample: the call, then the job's result (or its error). */
  async function add(params: { spec: SampleSpec }) {
    const { jobId } = await h['data.addSample'](params)
    return dataMethods['data.addSample'].job.parse(await finished(jobId))
  }
  async function update(params: { id: string; spec: SampleSpec }) {
    const { jobId } = await h['data.updateSample'](params)
    return dataMethods['data.updateSample'].job.parse(await finished(jobId))
  }
  return { project, h, events, finished, add, update }
}

const spec = (s: SampleSpecInput) => SampleSpec.parse(s)

const hzz = spec({
  name: 'HZZ',
  role: 'signal',
  group: 'H → ZZ',
  colour: '#d62728',
  files: [SKHEP + 'uproot-HZZ.root'],
  table: 'events',
  weight: 'EventWeight',
  normalisation: { kind: 'scale', factor: 2.5 },
})

describe('data service', () => {
  const env = setUp('hzz')
  let id = ''

  beforeAll(async () => {
    id = (await env.add({ spec: hzz })).id
  })

  it('adds a sample: entries, Σ raw weights, hashes, scale', async () => {
    const [s] = await env.h['data.samples']({})
    expect(s.id).toBe(id)
    expect(s.entries).toBe(2421)
    expect(s.scale).toBe(2.5)
    const w = (await readColumns(SKHEP + 'uproot-HZZ.root', 'events', ['EventWeight'])).get(
      'EventWeight',
    )!.values
    let sum = 0
    for (const x of w) sum += x
    // float32 weights summed in float64 both ways: equal to rounding of the sum order only.
    expect(s.rawSumWeights).toBeCloseTo(sum, 6)
    expect(s.yield).toBeCloseTo(2.5 * sum, 6)
    expect(s.hashes).toHaveLength(1)
    expect(s.hashes[0]).toMatch(/^[0-9a-f]{64}$/)
  })

  it('histogram = plain loop over the decoded column, weights × normalisation', async () => {
    const cols = await readColumns(SKHEP + 'uproot-HZZ.root', 'events', ['MET_px', 'EventWeight'])
    const x = cols.get('MET_px')!.values
    const w = cols.get('EventWeight')!.values
    const bins = 20
    const lo = -50
    const hi = 50
    const sumw = new Array<number>(bins).fill(0)
    const sumw2 = new Array<number>(bins).fill(0)
    let under = 0
    let over = 0
    for (let i = 0; i < x.length; i++) {
      const wi = w[i] * 2.5
      if (x[i] < lo) under += wi
      else if (x[i] >= hi) over += wi
      else {
        const b = Math.floor(((x[i] - lo) / (hi - lo)) * bins)
        sumw[b] += wi
        sumw2[b] += wi * wi
      }
    }
    const r = await env.h['data.histogram']({ variable: 'MET_px', bins, lo, hi })
    expect(r.samples).toHaveLength(1)
    const got = r.samples[0]
    for (let b = 0; b < bins; b++) {
      expect(got.sumw[b]).toBeCloseTo(sumw[b], 9)
      expect(got.sumw2[b]).toBeCloseTo(sumw2[b], 9)
    }
    expect(got.underflow.sumw).toBeCloseTo(under, 9)
    expect(got.overflow.sumw).toBeCloseTo(over, 9)
    expect(got.entries).toBe(2421)
  })

  it('jagged variables fill every element with its event weight', async () => {
    const cols = await readColumns(SKHEP + 'uproot-HZZ.root', 'events', ['Muon_Px', 'EventWeight'])
    const mu = cols.get('Muon_Px')!
    const w = cols.get('EventWeight')!.values
    if (mu.kind !== 'jagged') throw new Error('Muon_Px should be jagged')
    let total = 0
    for (let e = 0; e + 1 < mu.offsets.length; e++)
      total += (mu.offsets[e + 1] - mu.offsets[e]) * w[e] * 2.5
    const r = await env.h['data.histogram']({ variable: 'Muon_Px', bins: 10, lo: -1e6, hi: 1e6 })
    const s = r.samples[0]
    expect(s.entries).toBe(mu.values.length)
    expect(s.sumw.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 6)
  })

  it('default binning: min–max, unit bins for integers', async () => {
    const r = await env.h['data.histogram']({ variable: 'NMuon' })
    const n = (await readColumns(SKHEP + 'uproot-HZZ.root', 'events', ['NMuon'])).get('NMuon')!
    const max = Math.max(...n.values)
    const min = Math.min(...n.values)
    expect(r.lo).toBe(min - 0.5)
    expect(r.hi).toBe(max + 0.5)
    expect(r.bins).toBe(max - min + 1)
  })

  it('summarises every variable as a job with progress', async () => {
    const before = await env.h['data.variables']({})
    expect(before.complete).toBe(false)
    const { jobId } = await env.h['data.summarise']({})
    // A second request (another window, a reload) joins the running job.
    expect((await env.h['data.summarise']({})).jobId).toBe(jobId)
    const done = dataMethods['data.summarise'].job.parse(await env.finished(jobId))
    expect(done.samples).toBe(1)
    const result = await env.h['data.variables']({})
    expect(result.complete).toBe(true)
    const met = result.variables.find((v) => v.name === 'MET_px')!
    expect(met.stats[id].count).toBe(2421)
    expect(met.stats[id].nan).toBe(0)
    const cols = await readColumns(SKHEP + 'uproot-HZZ.root', 'events', ['MET_px', 'EventWeight'])
    const x = cols.get('MET_px')!.values
    const w = cols.get('EventWeight')!.values
    let sw = 0
    let swx = 0
    for (let i = 0; i < x.length; i++) {
      sw += w[i] * 2.5
      swx += w[i] * 2.5 * x[i]
    }
    expect(met.stats[id].mean).toBeCloseTo(swx / sw, 9)
    expect(met.stats[id].sumw).toBeCloseTo(sw, 6)
    expect(result.variables.length).toBeGreaterThan(40)
    expect(env.events.some((e) => e.kind === 'progress' && e.jobId === jobId)).toBe(true)
  })

  it('weighted correlation is symmetric with unit diagonal; hist2d keeps all weight', async () => {
    const c = await env.h['data.correlation']({
      sample: id,
      variables: ['MET_px', 'MET_py', 'Muon_Px'],
    })
    expect(c.variables).toEqual(['MET_px', 'MET_py'])
    expect(c.skipped).toEqual(['Muon_Px'])
    expect(c.matrix[0][0]).toBeCloseTo(1, 12)
    expect(c.matrix[0][1]).toBeCloseTo(c.matrix[1][0]!, 12)
    const h = await env.h['data.hist2d']({
      sample: id,
      x: 'MET_px',
      y: 'MET_py',
      xbins: 10,
      ybins: 10,
    })
    const [s] = await env.h['data.samples']({})
    expect(h.inside + h.outside).toBeCloseTo(s.yield, 6)
    await expect(
      env.h['data.hist2d']({ sample: id, x: 'Muon_Px', y: 'MET_py', xbins: 10, ybins: 10 }),
    ).rejects.toThrow(/list per event/)
    // Counts get one bin per value, centred on it, whatever the bin count asked (item 19).
    const n = await env.h['data.hist2d']({
      sample: id,
      x: 'NMuon',
      y: 'NJet',
      xbins: 10,
      ybins: 10,
    })
    const cols = await readColumns(SKHEP + 'uproot-HZZ.root', 'events', ['NMuon', 'NJet'])
    const values = (k: string) => Array.from(cols.get(k)!.values as ArrayLike<number>)
    const [nmu, nj] = [values('NMuon'), values('NJet')]
    const span = (v: number[]) => ({ lo: Math.min(...v) - 0.5, hi: Math.max(...v) + 0.5 })
    expect({ bins: n.xbins, lo: n.xlo, hi: n.xhi }).toEqual({
      bins: span(nmu).hi - span(nmu).lo,
      ...span(nmu),
    })
    expect({ bins: n.ybins, lo: n.ylo, hi: n.yhi }).toEqual({
      bins: span(nj).hi - span(nj).lo,
      ...span(nj),
    })
    expect(n.outside).toBe(0)
  })

  it('settings are stored in the project and read back', () => {
    env.h['data.putSetting']({
      key: 'explorer.binning.MET_px',
      value: { bins: 30, lo: -40, hi: 40 },
    })
    env.h['data.putSetting']({ key: 'explorer.logY', value: true })
    expect(env.h['data.getSettings']({ prefix: 'explorer.binning.' })).toEqual({
      'explorer.binning.MET_px': { bins: 30, lo: -40, hi: 40 },
    })
    const again = Project.open(env.project.path)
    try {
      expect(again.database.prepare('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 2 })
    } finally {
      again.close()
    }
  })
})

describe('bad input leaves the project unchanged', () => {
  const env = setUp('bad')

  async function rejectsUnchanged(s: SampleSpecInput, message: RegExp): Promise<void> {
    const before = await env.h['data.samples']({})
    await expect(env.add({ spec: spec(s) })).rejects.toThrow(message)
    expect(await env.h['data.samples']({})).toEqual(before)
  }

  it('missing file, unknown tree, unknown weight column, duplicate name', async () => {
    await env.add({ spec: hzz })
    await rejectsUnchanged(
      { ...hzz, name: 'x', files: [SKHEP + 'nope.root'] },
      /nope\.root.*no such file/,
    )
    await rejectsUnchanged(
      { ...hzz, name: 'x', table: 'evnts' },
      /table 'evnts'.*no such table.*'events'/,
    )
    await rejectsUnchanged(
      { ...hzz, name: 'x', weight: 'EventWeight*puWeight' },
      /weight 'EventWeight\*puWeight'.*uproot-HZZ\.root.*'puWeight'/,
    )
    await rejectsUnchanged({ ...hzz }, /already exists/)
    // One good file and one missing in a chain: nothing is added either.
    await rejectsUnchanged(
      { ...hzz, name: 'x', files: [SKHEP + 'uproot-HZZ.root', SKHEP + 'missing.root'] },
      /missing\.root/,
    )
  })

  it('a failed edit keeps the sample as it was', async () => {
    const [s] = await env.h['data.samples']({})
    await expect(env.update({ id: s.id, spec: spec({ ...hzz, weight: 'nope' }) })).rejects.toThrow(
      /nope/,
    )
    expect((await env.h['data.samples']({}))[0]).toEqual(s)
  })
})

describe('real data / simulation: CMS NanoAOD', () => {
  const env = setUp('nano')

  it('Drell–Yan with genWeight normalised to σ × L; data unweighted; order and removal', async () => {
    const dy = await env.add({
      spec: spec({
        name: 'DY',
        role: 'background',
        colour: '#6baed6',
        files: [COFFEA + 'nano_dy.root'],
        table: 'Events',
        weight: 'genWeight',
        normalisation: { kind: 'xsec', crossSection: 6077.22, luminosity: 0.01 },
      }),
    })
    // σ × L / Σ genWeight × Σ genWeight = σ × L.
    expect(dy.yield).toBeCloseTo(60.7722, 9)
    const data = await env.add({
      spec: spec({
        name: 'Data',
        role: 'data',
        colour: '#000000',
        files: [COFFEA + 'nano_dimuon.root'],
        table: 'Events',
      }),
    })
    expect(data.yield).toBe(40)
    const h = await env.h['data.histogram']({ variable: 'Muon_pt', bins: 10, lo: 0, hi: 100 })
    expect(h.samples.map((s) => s.sampleId)).toEqual([dy.id, data.id])
    const order = await env.h['data.reorderSamples']({ ids: [data.id, dy.id] })
    expect(order.map((s) => s.spec.name)).toEqual(['Data', 'DY'])
    const mem = await env.h['data.memory']({})
    expect(mem.samples.find((s) => s.id === dy.id)!.bytes).toBeGreaterThan(0)
    env.h['data.removeSample']({ id: dy.id })
    expect((await env.h['data.samples']({})).map((s) => s.spec.name)).toEqual(['Data'])
  })
})

describe('the column cache follows file content', () => {
  it('a rewritten file gets new facts and new histogram contents', async () => {
    const env = setUp('rewrite')
    const csv = join(tmp, 'events.csv')
    writeFileSync(csv, 'x,w\n1,1\n2,1\n3,2\n')
    const s = await env.add({
      spec: spec({
        name: 'csv',
        role: 'data',
        colour: '#000000',
        files: [csv],
        table: '',
        weight: 'w',
      }),
    })
    expect(s.rawSumWeights).toBe(4)
    const h1 = await env.h['data.histogram']({ variable: 'x', bins: 3, lo: 0.5, hi: 3.5 })
    expect(h1.samples[0].sumw).toEqual([1, 1, 2])
    expect(readdirSync(`${env.project.path}-cache`)).toContain('hashes.json')
    // Same size, new content and mtime: the hash changes, stale columns are not used.
    writeFileSync(csv, 'x,w\n3,1\n3,1\n3,3\n')
    utimesSync(csv, new Date(), new Date(Date.now() + 5000))
    const fresh = dataHandlers(serviceEnv(env.project).env)
    const h2 = await fresh['data.histogram']({ variable: 'x', bins: 3, lo: 0.5, hi: 3.5 })
    expect(h2.samples[0].sumw).toEqual([0, 0, 5])
    const [after] = await fresh['data.samples']({})
    expect(after.rawSumWeights).toBe(5)
    expect(after.hashes[0]).not.toBe(s.hashes[0])
  })
})

describe('the demo project', () => {
  it('is created from resources/demo with three samples and reopens', async () => {
    const path = join(tmp, 'demo.hepwb')
    const { path: made } = await dataHandlers(serviceEnv(null).env)['project.createDemo']({ path })
    expect(made).toBe(path)
    const p = Project.open(path)
    try {
      const rows = p.database.prepare('SELECT name FROM samples ORDER BY position').all()
      expect(rows).toEqual([{ name: 'Drell–Yan' }, { name: 'tt̄' }, { name: 'Data (DoubleMuon)' }])
    } finally {
      p.close()
    }
    expect(existsSync(join(demoDir(), 'LICENSE.coffea'))).toBe(true)
  })
})

describe('binning and correlation numerics', () => {
  it('default binning has round edges and keeps the maximum inside', () => {
    expect(defaultBinning(3.00329, 158.099, false, 40)).toEqual({ bins: 32, lo: 0, hi: 160 })
    expect(defaultBinning(-2.98, 2.98, false, 30)).toEqual({ bins: 30, lo: -3, hi: 3 })
    expect(defaultBinning(0, 4, true)).toEqual({ bins: 5, lo: -0.5, hi: 4.5 })
    // A wide integer range: whole steps with edges between integers, every bin the same count.
    expect(defaultBinning(0, 1000, true)).toEqual({ bins: 41, lo: -0.5, hi: 1024.5 })
    expect(defaultBinning(3, 250, true, 40)).toEqual({ bins: 26, lo: -0.5, hi: 259.5 })
    expect(isIntegral(Float64Array.from([0, 2, NaN, -3]))).toBe(true)
    expect(isIntegral(Float64Array.from([0, 2.5]))).toBe(false)
    expect(isIntegral(Float64Array.from([NaN]))).toBe(false)
    const b = defaultBinning(0, 1, false, 40)
    expect(b.hi).toBeGreaterThan(1)
  })

  it('weighted correlation equals the textbook formula on a small example', () => {
    const x = Float64Array.from([1, 2, 3, 4, NaN])
    const y = Float64Array.from([2, 1, 4, 3, 7])
    const w = [1, 2, 1, 2, 5]
    // Complete cases: the first four events. Weighted means 2.5, 2.333…
    const sw = 6
    const mx = (1 + 4 + 3 + 8) / sw
    const my = (2 + 2 + 4 + 6) / sw
    let cxy = 0
    let cxx = 0
    let cyy = 0
    for (let i = 0; i < 4; i++) {
      cxy += w[i] * (x[i] - mx) * (y[i] - my)
      cxx += w[i] * (x[i] - mx) ** 2
      cyy += w[i] * (y[i] - my) ** 2
    }
    const { matrix, events } = weightedCorrelation([x, y], w)
    expect(events).toBe(4)
    expect(matrix[0][1]).toBeCloseTo(cxy / Math.sqrt(cxx * cyy), 14)
    expect(matrix[1][1]).toBeCloseTo(1, 14)
  })
})

describe('a sample whose file went away', () => {
  it('is reported with its problem and does not hide the others', async () => {
    const env = setUp('moved')
    const a = join(tmp, 'a.csv')
    const b = join(tmp, 'b.csv')
    writeFileSync(a, 'x\n1\n2\n')
    writeFileSync(b, 'x\n1\n')
    const base = { role: 'background', colour: '#6baed6', table: '' } as const
    await env.add({ spec: spec({ ...base, name: 'a', files: [a] }) })
    const sb = await env.add({ spec: spec({ ...base, name: 'b', files: [b] }) })
    rmSync(b)
    const fresh = dataHandlers(serviceEnv(env.project).env)
    const h = await fresh['data.histogram']({ variable: 'x', bins: 2, lo: 0.5, hi: 2.5 })
    expect(h.samples.map((s) => s.sumw)).toEqual([[1, 1]])
    expect(h.missing).toEqual([sb.id])
    const listed = await fresh['data.samples']({})
    expect(listed.find((s) => s.id === sb.id)?.problem).toMatch(/b\.csv.*no such file/)
    expect(listed).toHaveLength(2)
  })
})

describe('editing a sample', () => {
  it('a new colour or group keeps the decoded columns; a new weight re-reads', async () => {
    const env = setUp('edit')
    const s = await env.add({ spec: hzz })
    await env.h['data.histogram']({ variable: 'MET_px', bins: 10, lo: -50, hi: 50 })
    const before = (await env.h['data.memory']({})).samples[0]
    expect(before.columns).toBe(1)
    const recoloured = await env.update({
      id: s.id,
      spec: { ...hzz, colour: '#00ff00', group: 'Higgs' },
    })
    expect(recoloured.spec.colour).toBe('#00ff00')
    expect((await env.h['data.memory']({})).samples[0].columns).toBe(1)
    const unweighted = await env.update({ id: s.id, spec: { ...hzz, weight: '' } })
    expect(unweighted.rawSumWeights).toBe(2421)
    expect(unweighted.yield).toBe(2.5 * 2421)
    expect((await env.h['data.memory']({})).samples[0].columns).toBe(0)
  })
})
