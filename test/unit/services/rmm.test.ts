/**
 * The RMM service on a real project with real NanoAOD files (CMS open-data tt̄ and a Drell–Yan
 * sample, jagged Jet/Muon/Electron columns): the cells are stored as derived variables, the
 * layout is kept in the project's settings and survives a reopen, one event's matrix and the
 * weighted mean matrix per process match a plain four-vector RMM over the decoded columns, and a
 * bad config is rejected naming what is wrong, leaving the previous RMM as it was.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SampleSpec } from '../../../src/shared/contract/data'
import { RmmConfig, rmmMethods, type RmmConfigInput } from '../../../src/shared/contract/rmm'
import type { Column } from '../../../src/shared/column'
import { readColumns } from '../../../src/main/engine/io/source'
import { cutsHandlers } from '../../../src/main/engine/services/cuts'
import { dataHandlers } from '../../../src/main/engine/services/data'
import type { ServiceEnv } from '../../../src/main/engine/services/env'
import { rmmHandlers } from '../../../src/main/engine/services/rmm'
import { plotsHandlers } from '../../../src/main/engine/services/plots'
import { plotsMethods } from '../../../src/shared/contract/plots'
import { rmmSave } from '../../../src/renderer/src/components/features/rmm-save'
import { Project } from '../../../src/main/engine/store/project'
import { expectMatrixClose, p4, pad, referenceRmm } from '../features/rmm-reference'
import { COFFEA, SKHEP } from '../io/shared-data'
import { serviceEnv } from '../helpers/service-env'

const TTBAR = SKHEP + 'nanoAOD_2015_CMS_Open_Data_ttbar.root'
const DY = COFFEA + 'nano_dy.root'
const SQRT_S = 13_000
const BTAG = 0.8

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-rmm-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const CONFIG: RmmConfigInput = {
  prefix: 'nano',
  sqrtS: SQRT_S,
  met: { pt: 'MET_pt', phi: 'MET_phi' },
  collections: [
    ...(['jets', 'bjets'] as const).map((kind) => ({
      layout: 'jagged' as const,
      kind,
      count: kind === 'jets' ? 3 : 2,
      pt: 'Jet_pt',
      eta: 'Jet_eta',
      phi: 'Jet_phi',
      mass: 'Jet_mass',
      selection: kind === 'jets' ? `Jet_btagCSVV2 <= ${BTAG}` : `Jet_btagCSVV2 > ${BTAG}`,
    })),
    ...(['Muon', 'Electron'] as const).map((p) => ({
      layout: 'jagged' as const,
      kind: p === 'Muon' ? ('muons' as const) : ('electrons' as const),
      count: 2,
      pt: `${p}_pt`,
      eta: `${p}_eta`,
      phi: `${p}_phi`,
      mass: `${p}_mass`,
    })),
  ],
}

const COLUMNS = [
  'MET_pt',
  'MET_phi',
  'Jet_btagCSVV2',
  ...['Jet', 'Muon', 'Electron'].flatMap((p) =>
    ['pt', 'eta', 'phi', 'mass'].map((v) => `${p}_${v}`),
  ),
]

/** Decoded columns of a file, read independently of the project. */
async function decode(file: string) {
  const c = await readColumns(file, 'Events', COLUMNS)
  const list = (name: string, i: number): number[] => {
    const col = c.get(name) as Column
    if (col.kind === 'flat') return [Number(col.values[i])]
    return Array.from(col.values.subarray(col.offsets[i], col.offsets[i + 1]), Number)
  }
  const entries = (c.get('MET_pt') as Column).values.length
  /** The plain RMM of event i. */
  const rmm = (i: number): number[][] => {
    const obj = (p: string) =>
      list(`${p}_pt`, i).map((pt, k) =>
        p4(pt, list(`${p}_eta`, i)[k], list(`${p}_phi`, i)[k], list(`${p}_mass`, i)[k]),
      )
    const jets = obj('Jet')
    const btag = list('Jet_btagCSVV2', i)
    return referenceRmm(
      [
        pad(
          jets.filter((_, k) => btag[k] <= BTAG),
          3,
        ),
        pad(
          jets.filter((_, k) => btag[k] > BTAG),
          2,
        ),
        pad(obj('Muon'), 2),
        pad(obj('Electron'), 2),
      ],
      list('MET_pt', i)[0],
      list('MET_phi', i)[0],
      SQRT_S,
    )
  }
  return { entries, list, rmm }
}

type Decoded = Awaited<ReturnType<typeof decode>>

async function setUp(name: string) {
  const path = join(tmp, `${name}.hepwb`)
  const project = Project.create(path)
  const { env, waitForJob } = serviceEnv(project)
  const data = dataHandlers(env)
  const add = async (spec: SampleSpec) => {
    const { jobId } = await data['data.addSample']({ spec })
    await waitForJob(jobId)
  }
  await add(
    SampleSpec.parse({
      name: 'ttbar',
      role: 'signal',
      group: 'top',
      colour: '#d62728',
      files: [TTBAR],
      table: 'Events',
      weight: 'MET_pt',
      normalisation: { kind: 'scale', factor: 0.5 },
    }),
  )
  await add(
    SampleSpec.parse({
      name: 'dy',
      role: 'background',
      group: 'DY',
      colour: '#1f77b4',
      files: [DY],
      table: 'Events',
      normalisation: { kind: 'scale', factor: 2 },
    }),
  )
  return {
    project,
    path,
    rmm: rmmHandlers(env),
    cuts: cutsHandlers(env),
    plots: plotsHandlers(env),
  }
}

describe('rmm service', () => {
  it('builds cells as variables, shows one event and the weighted mean per process', async () => {
    const { project, path, rmm, cuts, plots } = await setUp('build')
    await cuts['cuts.saveVariable']({ variable: { name: 'keepme', expr: 'MET_pt * 2' } })
    const layout = rmmMethods['rmm.build'].result.parse(
      await rmm['rmm.build']({ config: RmmConfig.parse(CONFIG) }),
    )
    expect(layout.labels).toEqual(['MET', 'j1', 'j2', 'j3', 'b1', 'b2', 'μ1', 'μ2', 'e1', 'e2'])
    const names = (await cuts['cuts.variables']({})).map((v) => v.name)
    expect(names).toContain('keepme')
    expect(names.filter((n) => /^rmm_nano_\d+_\d+$/.test(n))).toHaveLength(100)

    const tt = await decode(TTBAR)
    const dy = await decode(DY)
    expect(tt.entries).toBe(200)
    expect(dy.entries).toBe(40)

    // One event, all events (no region): event 7 of tt̄ and event 0 of DY.
    for (const [sample, ref, index] of [
      ['ttbar', tt, 7],
      ['dy', dy, 0],
    ] as const) {
      const ev = rmmMethods['rmm.event'].result.parse(
        await rmm['rmm.event']({ prefix: 'nano', sample, index }),
      )
      expect(ev.event).toBe(index)
      expect(ev.selected).toBe(ref.entries)
      // Float32 columns are read as the same numbers by both sides: 1e-9 holds.
      expectMatrixClose(ev.matrix, ref.rmm(index), `${sample} event ${index}`)
    }

    // A region: at least two jets and MET > 30; index counts the selected events.
    await cuts['cuts.saveRegion']({
      region: {
        name: 'SR',
        blinded: false,
        cuts: [{ expr: 'Length(Jet_pt) >= 2' }, { expr: 'MET_pt > 30' }],
      },
    })
    const passes = (r: Decoded, i: number) =>
      r.list('Jet_pt', i).length >= 2 && r.list('MET_pt', i)[0] > 30
    const ttSel = Array.from({ length: tt.entries }, (_, i) => i).filter((i) => passes(tt, i))
    expect(ttSel.length).toBeGreaterThan(10)
    const third = await rmm['rmm.event']({
      prefix: 'nano',
      sample: 'ttbar',
      region: 'SR',
      index: 2,
    })
    expect(third.selected).toBe(ttSel.length)
    expect(third.event).toBe(ttSel[2])
    expectMatrixClose(third.matrix, tt.rmm(ttSel[2]), 'ttbar SR event 3')
    await expect(
      rmm['rmm.event']({ prefix: 'nano', sample: 'ttbar', region: 'SR', index: ttSel.length }),
    ).rejects.toThrow(`has ${ttSel.length} selected events`)

    // Weighted mean per process group in SR: tt̄ weights MET_pt × 0.5, DY weights 2.
    const mean = rmmMethods['rmm.mean'].result.parse(
      await rmm['rmm.mean']({ prefix: 'nano', region: 'SR' }),
    )
    expect(mean.skipped).toEqual([])
    // tt̄ has b-tagged jets and muons in SR: those cells are not trivially zero.
    const top = mean.groups.find((x) => x.group === 'top')
    expect(top?.matrix[4][4]).toBeGreaterThan(0)
    expect(top?.matrix[6][6]).toBeGreaterThan(0)
    for (const [group, ref, weight] of [
      ['top', tt, (i: number) => 0.5 * tt.list('MET_pt', i)[0]],
      ['DY', dy, () => 2],
    ] as const) {
      const sel = Array.from({ length: ref.entries }, (_, i) => i).filter((i) => passes(ref, i))
      const g = mean.groups.find((x) => x.group === group)
      expect(g?.events).toBe(sel.length)
      let sw = 0
      const sum = Array.from({ length: 10 }, () => new Array<number>(10).fill(0))
      for (const i of sel) {
        const w = weight(i)
        sw += w
        ref.rmm(i).forEach((row, r) => row.forEach((x, c) => (sum[r][c] += w * x)))
      }
      expect(g?.sumw).toBeCloseTo(sw, 6)
      expectMatrixClose(
        g?.matrix ?? [],
        sum.map((row) => row.map((x) => x / sw)),
        `mean ${group}`,
      )
    }

    // Saved to Plots: the cells as they are, MET's row at the top (the renderer's last row).
    const saved = await plots['plots.save'](
      plotsMethods['plots.save'].params.parse(
        rmmSave(mean.labels, top!.matrix, 'Mean RMM · top', 'Data · mean RMM'),
      ),
    )
    if (saved.figure.kind !== 'heatmap') throw new Error('a heatmap')
    expect(saved.figure.values.at(-1)).toEqual(top!.matrix[0])
    expect(saved.figure.yLabels.at(-1)).toBe('MET')
    const { svg } = await plots['plots.render']({ id: saved.id, settings: {} })
    expect(svg).toContain('RMM cell value')
    expect(svg).toContain('>MET<')

    // Rebuilding with fewer objects replaces the old cells; the layout survives a reopen.
    const smaller = { ...CONFIG, collections: CONFIG.collections.slice(0, 1) }
    await rmm['rmm.build']({ config: RmmConfig.parse(smaller) })
    const after = (await cuts['cuts.variables']({})).map((v) => v.name)
    expect(after.filter((n) => /^rmm_nano_\d+_\d+$/.test(n))).toHaveLength(16)
    // The b-jet, muon and electron helpers went with their cells.
    expect(after.filter((n) => n.startsWith('rmm_nano_'))).toHaveLength(16 + 4 + 3 * 2)
    expect(after).toContain('keepme')
    project.close()
    const reopened = Project.open(path)
    try {
      const env = { requireProject: () => reopened } as unknown as ServiceEnv
      const stored = await rmmHandlers(env)['rmm.layouts']({})
      expect(stored).toHaveLength(1)
      expect(stored[0].labels).toEqual(['MET', 'j1', 'j2', 'j3'])
    } finally {
      reopened.close()
    }
  })

  it('rejects a bad config naming the column, keeping the previous RMM', async () => {
    const { project, rmm, cuts } = await setUp('bad')
    await rmm['rmm.build']({ config: RmmConfig.parse(CONFIG) })
    const before = await cuts['cuts.variables']({})
    const typo = {
      ...CONFIG,
      collections: [{ ...CONFIG.collections[0], pt: 'Jet_ptt' }],
    } as RmmConfigInput
    await expect(rmm['rmm.build']({ config: RmmConfig.parse(typo) })).rejects.toThrow(
      /jets pT: 'Jet_ptt' is not a column of any sample; did you mean 'Jet_pt'/,
    )
    const flatMet = { ...CONFIG, met: { pt: 'Jet_pt', phi: 'MET_phi' } }
    await expect(rmm['rmm.build']({ config: RmmConfig.parse(flatMet) })).rejects.toThrow(
      /MET pT: 'Jet_pt' is a list per event/,
    )
    const badSel = {
      ...CONFIG,
      collections: [{ ...CONFIG.collections[0], selection: 'MET_pt > 10' }],
    } as RmmConfigInput
    await expect(rmm['rmm.build']({ config: RmmConfig.parse(badSel) })).rejects.toThrow(
      /selection 'MET_pt > 10' must be a condition per object/,
    )
    expect(await cuts['cuts.variables']({})).toEqual(before)
    await expect(rmm['rmm.event']({ prefix: 'other', sample: 'ttbar', index: 0 })).rejects.toThrow(
      "no RMM with prefix 'other'",
    )
    expect(rmm['rmm.remove']({ prefix: 'nano' })).toEqual([])
    expect(await cuts['cuts.variables']({})).toEqual([])
    project.close()
  })
})
