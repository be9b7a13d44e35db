/**
 * Derived variables "usable everywhere a column is" (issue 4) in the Data step: the explorer
 * lists them beside the file columns, summarises, histograms and cross-plots them, and a
 * sample's weight may read one — with the weights computed again when the variable changes.
 * References are plain loops over the decoded columns of a real ROOT file.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SampleSpec } from '../../../src/shared/contract/data'
import { readColumns } from '../../../src/main/engine/io/source'
import { Project } from '../../../src/main/engine/store/project'
import { dataHandlers } from '../../../src/main/engine/services/data'
import { cutsHandlers } from '../../../src/main/engine/services/cuts'
import { SKHEP } from '../io/shared-data'
import { serviceEnv } from '../helpers/service-env'

const FILE = SKHEP + 'uproot-Zmumu.root'
const tmp = mkdtempSync(join(tmpdir(), 'hepwb-derived-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function setUp() {
  const project = Project.create(join(tmp, 'derived.hepwb'))
  const { env, waitForJob: job } = serviceEnv(project)
  return { project, data: dataHandlers(env), cuts: cutsHandlers(env), job }
}

async function columns() {
  const c = await readColumns(FILE, 'events', ['pt1', 'pt2', 'M'])
  const v = (n: string) => c.get(n)?.values as ArrayLike<number>
  return { pt1: v('pt1'), pt2: v('pt2'), m: v('M') }
}

describe('derived variables in the Data step', () => {
  it('are listed, summarised, histogrammed and read by weights', async () => {
    const { project, data, cuts, job } = await setUp()
    const spec = SampleSpec.parse({
      name: 'Zmumu',
      role: 'background',
      colour: '#6baed6',
      files: [FILE],
      table: 'events',
      normalisation: { kind: 'scale', factor: 0.5 },
    })
    const sample = (await job((await data['data.addSample']({ spec })).jobId)) as { id: string }
    await cuts['cuts.saveVariable']({ variable: { name: 'ptsum', expr: 'pt1 + pt2', unit: 'GeV' } })
    await cuts['cuts.saveVariable']({ variable: { name: 'half', expr: 'ptsum / 2' } })
    const { pt1, pt2, m } = await columns()
    const n = m.length
    const ptsum = Array.from({ length: n }, (_, i) => pt1[i] + pt2[i])

    // Listed first, computable by the sample, statistics still to come.
    let list = await data['data.variables']({})
    expect(list.variables.slice(0, 2).map((r) => [r.name, r.type, r.jagged, r.samples])).toEqual([
      ['ptsum', 'float64', false, [sample.id]],
      ['half', 'float64', false, [sample.id]],
    ])
    expect(list.variables.some((r) => r.name === 'M')).toBe(true)
    expect(list.complete).toBe(false)
    await job((await data['data.summarise']({})).jobId)
    list = await data['data.variables']({})
    expect(list.complete).toBe(true)
    const mean = ptsum.reduce((a, b) => a + b, 0) / n
    const stats = list.variables[0].stats[sample.id]
    expect(stats.count).toBe(n)
    expect(stats.mean).toBeCloseTo(mean, 9)
    expect(stats.min).toBeCloseTo(Math.min(...ptsum), 9)
    expect(stats.sumw).toBeCloseTo(0.5 * n, 9)
    expect(list.variables[1].stats[sample.id].mean).toBeCloseTo(mean / 2, 9)

    // Histogram: Σw per bin equals a plain loop × 0.5; default range covers every value.
    const h = await data['data.histogram']({ variable: 'half', bins: 8, lo: 0, hi: 160 })
    const expected = new Array<number>(8).fill(0)
    for (const x of ptsum) {
      const k = Math.floor((x / 2 - 0) / 20)
      if (k >= 0 && k < 8) expected[k] += 0.5
    }
    h.samples[0].sumw.forEach((s, k) => expect(s).toBeCloseTo(expected[k], 9))
    const auto = await data['data.histogram']({ variable: 'ptsum' })
    expect(auto.lo).toBeLessThanOrEqual(Math.min(...ptsum))
    expect(auto.hi).toBeGreaterThan(Math.max(...ptsum))
    const total = auto.samples[0].sumw.reduce((a, b) => a + b, 0)
    expect(total).toBeCloseTo(0.5 * n, 9)
    await expect(data['data.histogram']({ variable: 'nothing' })).rejects.toThrow(/nothing/)

    // 2-D histogram and correlation read it like a column.
    const h2 = await data['data.hist2d']({
      sample: sample.id,
      x: 'ptsum',
      y: 'M',
      xbins: 4,
      ybins: 4,
    })
    expect(h2.inside + h2.outside).toBeCloseTo(0.5 * n, 9)
    const corr = await data['data.correlation']({ sample: sample.id, variables: ['ptsum', 'half'] })
    expect(corr.matrix[0][1]).toBeCloseTo(1, 12)

    // A weight reading the derived variable: Σ raw weights = Σ (pt1 + pt2) / 100.
    const weighted = { ...spec, weight: 'ptsum / 100' }
    const updated = (await job(
      (await data['data.updateSample']({ id: sample.id, spec: weighted })).jobId,
    )) as { rawSumWeights: number; yield: number }
    const sumw = ptsum.reduce((a, b) => a + b / 100, 0)
    expect(updated.rawSumWeights).toBeCloseTo(sumw, 9)
    expect(updated.yield).toBeCloseTo(0.5 * sumw, 9)

    // Editing the variable reopens the sample: weights and statistics follow the new expression.
    await cuts['cuts.saveVariable']({ variable: { name: 'ptsum', expr: 'pt1 + pt2 + 10' } })
    const again = await data['data.histogram']({ variable: 'M', bins: 1, lo: -1e9, hi: 1e9 })
    const shifted = ptsum.reduce((a, b) => a + (b + 10) / 100, 0)
    expect(again.samples[0].sumw[0]).toBeCloseTo(0.5 * shifted, 9)
    expect((await data['data.samples']({}))[0].rawSumWeights).toBeCloseTo(shifted, 9)
    list = await data['data.variables']({})
    expect(list.complete).toBe(false)

    // A weight naming an unknown variable is refused, naming it; nothing changes.
    await expect(
      data['data.updateSample']({ id: sample.id, spec: { ...spec, weight: 'ptsun * 2' } }),
    ).rejects.toThrow(/ptsun/)
    project.close()
  }, 30_000)
})
