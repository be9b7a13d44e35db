/**
 * The RMM builder's expressions, evaluated by the real expression engine over hand-made events,
 * against a plain four-vector computation of the rapidity–mass matrix written here (to 1e-9):
 * jagged and flat collections, a mass column, a constant mass and massless objects, a b-jet
 * selection, events with missing objects (zeros) and without MET.
 */
import { describe, expect, it } from 'vitest'
import { RmmConfig, type RmmConfigInput } from '../../../src/shared/contract/rmm'
import { buildRmm, cellName } from '../../../src/main/engine/features/rmm'
import { checkVariables, withDerived } from '../../../src/main/engine/select/derived'
import { columnProvider } from '../../../src/main/engine/select/provider'
import { flat, jagged } from '../select/fixtures'
import { expectMatrixClose, p4, pad, referenceRmm, type P4 } from './rmm-reference'

const SQRT_S = 13_000
const MU_MASS = 0.10566

/** Seven events: rich, empty, one jet, no MET, b-jets only, flat electrons missing, NaN-free. */
const EVENTS = {
  MET_pt: flat([55, 20, 80, 0, 140, 33, 12]),
  MET_phi: flat([0.3, -1.2, 2.9, 0, -2.5, 1.1, 0.2]),
  Jet_pt: jagged([[120, 75, 45, 20], [], [35], [60, 31], [90, 50], [70, 40, 30], [22]]),
  Jet_eta: jagged([
    [0.5, -2.6, 1.0, 3.9],
    [],
    [-3.0],
    [-0.1, 2.0],
    [1.2, -0.4],
    [0, 4.4, -4.1],
    [2.2],
  ]),
  Jet_phi: jagged([
    [0.1, 3.0, -3.0, 1.3],
    [],
    [1.5],
    [0, 1],
    [2.0, -1.0],
    [-0.5, 2.5, -2.9],
    [0.7],
  ]),
  Jet_mass: jagged([[10, 5, 4, 2], [], [6], [8, 5], [12, 7], [9, 6, 3], [4]]),
  Jet_btag: jagged([
    [0.9, 0.1, 0.7, 0.2],
    [],
    [0.05],
    [0.3, 0.95],
    [0.8, 0.99],
    [0.1, 0.2, 0.3],
    [0.6],
  ]),
  Muon_pt: jagged([[40, 12], [25, 15], [], [33], [], [80, 30], []]),
  Muon_eta: jagged([[-1.1, 2.3], [0.2, -0.3], [], [1.7], [], [-2.4, 0.9], []]),
  Muon_phi: jagged([[1.0, -2.0], [0.5, -2], [], [-0.7], [], [3.1, -3.1], []]),
  el1_pt: flat([31, 0, 44, 18, 0, 27, 0]),
  el1_eta: flat([0.7, 0, -1.9, 2.1, 0, 0.05, 0]),
  el1_phi: flat([-0.4, 0, 0.9, -3.0, 0, 1.7, 0]),
  el2_pt: flat([11, 0, 0, 9, 0, -999, 0]),
  el2_eta: flat([-0.2, 0, 0, 1.4, 0, 0, 0]),
  el2_phi: flat([2.2, 0, 0, 0.4, 0, 0, 0]),
}

const CONFIG: RmmConfigInput = {
  prefix: 't',
  sqrtS: SQRT_S,
  met: { pt: 'MET_pt', phi: 'MET_phi' },
  collections: [
    {
      layout: 'jagged',
      kind: 'jets',
      count: 3,
      pt: 'Jet_pt',
      eta: 'Jet_eta',
      phi: 'Jet_phi',
      mass: 'Jet_mass',
      selection: 'Jet_btag <= 0.5',
    },
    {
      layout: 'jagged',
      kind: 'bjets',
      count: 2,
      pt: 'Jet_pt',
      eta: 'Jet_eta',
      phi: 'Jet_phi',
      mass: 'Jet_mass',
      selection: 'Jet_btag > 0.5',
    },
    {
      layout: 'jagged',
      kind: 'muons',
      count: 2,
      pt: 'Muon_pt',
      eta: 'Muon_eta',
      phi: 'Muon_phi',
      massValue: MU_MASS,
    },
    {
      layout: 'flat',
      kind: 'electrons',
      count: 2,
      pt: ['el1_pt', 'el2_pt'],
      eta: ['el1_eta', 'el2_eta'],
      phi: ['el1_phi', 'el2_phi'],
    },
  ],
}

/** The objects of each collection in one event (null = empty slot), by hand from EVENTS. */
function referenceObjects(i: number): (P4 | null)[][] {
  const j = (name: keyof typeof EVENTS) => listOf(EVENTS[name], i)
  const jets = j('Jet_pt').map((pt, k) => ({
    p: p4(pt, j('Jet_eta')[k], j('Jet_phi')[k], j('Jet_mass')[k]),
    b: j('Jet_btag')[k] > 0.5,
  }))
  const light = pad(
    jets.filter((x) => !x.b).map((x) => x.p),
    3,
  )
  const bjets = pad(
    jets.filter((x) => x.b).map((x) => x.p),
    2,
  )
  const muons = pad(
    j('Muon_pt').map((pt, k) => p4(pt, j('Muon_eta')[k], j('Muon_phi')[k], MU_MASS)),
    2,
  )
  const electrons = ([1, 2] as const).map((s) => {
    const pt = listOf(EVENTS[`el${s}_pt`], i)[0]
    if (!(pt > 0)) return null
    return p4(pt, listOf(EVENTS[`el${s}_eta`], i)[0], listOf(EVENTS[`el${s}_phi`], i)[0], 0)
  })
  return [light, bjets, muons, electrons]
}

function listOf(c: (typeof EVENTS)[keyof typeof EVENTS], i: number): number[] {
  if (c.kind === 'flat') return [c.values[i]]
  return Array.from(c.values.subarray(c.offsets[i], c.offsets[i + 1]))
}

function referenceMatrix(i: number, withMet = true): number[][] {
  const met = withMet ? listOf(EVENTS.MET_pt, i)[0] : 0
  return referenceRmm(referenceObjects(i), met, listOf(EVENTS.MET_phi, i)[0], SQRT_S)
}

/** Every cell of every event through the real expression engine. */
function engineMatrices(config: RmmConfigInput): number[][][] {
  const parsed = RmmConfig.parse(config)
  const built = buildRmm(parsed)
  const base = columnProvider(EVENTS)
  const checked = checkVariables(built.variables, base.symbols, 'test')
  expect([...checked.failed.values()].map((e) => e.message)).toEqual([])
  const data = withDerived(base, checked)
  const n = built.labels.length
  const out = Array.from({ length: base.entries }, () =>
    Array.from({ length: n }, () => new Array<number>(n).fill(0)),
  )
  built.cells.forEach((row, r) =>
    row.forEach((name, c) => {
      if (name === null) return
      const col = data.column(name)
      expect(col.kind).toBe('flat')
      col.values.forEach((x, i) => (out[i][r][c] = x))
    }),
  )
  return out
}

describe('RMM builder', () => {
  it('lays out MET then each collection, names cells rmm_<prefix>_<row>_<col>', () => {
    const built = buildRmm(RmmConfig.parse(CONFIG))
    expect(built.labels).toEqual(['MET', 'j1', 'j2', 'j3', 'b1', 'b2', 'μ1', 'μ2', 'e1', 'e2'])
    expect(built.cells).toHaveLength(10)
    expect(built.cells[2][5]).toBe(cellName('t', 2, 5))
    expect(built.cells[2][5]).toBe('rmm_t_2_5')
    const cells = built.variables.filter((v) => /^rmm_t_\d+_\d+$/.test(v.name))
    expect(cells).toHaveLength(100)
    // Helpers: the two selected jet collections' lists, rapidity and E_T of each massive object.
    const helpers = built.variables.filter((v) => !cells.includes(v)).map((v) => v.name)
    expect(helpers).toContain('rmm_t_c0_pt')
    expect(helpers).toContain('rmm_t_c1_mass')
    expect(helpers).toContain('rmm_t_o6_y')
    expect(helpers).not.toContain('rmm_t_o8_y') // electrons are massless: y = η
    expect(helpers).toHaveLength(8 + 2 * 7)
    const byName = new Map(built.variables.map((v) => [v.name, v]))
    expect(byName.get('rmm_t_0_0')?.label).toBe('E_T^miss/√s')
    expect(byName.get('rmm_t_1_4')?.label).toBe('m(j1,b1)/√s')
    expect(byName.get('rmm_t_4_1')?.label).toBe('h(b1,j1)')
    expect(byName.get('rmm_t_2_2')?.label).toBe('δe_T(j2)')
  })

  it('matches a plain four-vector RMM on every cell of every event (1e-9)', () => {
    const matrices = engineMatrices(CONFIG)
    matrices.forEach((m, i) => expectMatrixClose(m, referenceMatrix(i), `event ${i}`))
  })

  it('gives zeros for missing objects and for the MET row when there is no MET', () => {
    const matrices = engineMatrices(CONFIG)
    // Event 1 has no jets at all: every jet and b-jet row and column is 0.
    const e1 = matrices[1]
    for (const r of [1, 2, 3, 4, 5])
      for (let c = 0; c < 10; c++) {
        expect(e1[r][c]).toBe(0)
        expect(e1[c][r]).toBe(0)
      }
    // …while its muons are there.
    expect(e1[6][6]).toBeGreaterThan(0)
    expect(e1[6][7]).toBeGreaterThan(0)
    // Event 3 has MET = 0: the first row is 0 although objects exist.
    expect(matrices[3][0].every((x) => x === 0)).toBe(true)
    expect(matrices[3][1][0]).toBeGreaterThan(0)
    // Event 5: second electron slot holds the placeholder −999, so it is empty.
    expect(matrices[5][9].every((x) => x === 0)).toBe(true)

    const { met: _, ...noMet } = CONFIG
    const built = buildRmm(RmmConfig.parse(noMet))
    expect(built.cells[0].every((x) => x === null)).toBe(true)
    const without = engineMatrices(noMet)
    without.forEach((m, i) => expectMatrixClose(m, referenceMatrix(i, false), `no MET, event ${i}`))
  })

  it('uses η as rapidity for massless objects and handles one collection alone', () => {
    const config: RmmConfigInput = {
      prefix: 'solo',
      sqrtS: 8000,
      collections: [
        {
          layout: 'jagged',
          kind: 'photons',
          count: 2,
          pt: 'Muon_pt',
          eta: 'Muon_eta',
          phi: 'Muon_phi',
        },
      ],
    }
    const built = buildRmm(RmmConfig.parse(config))
    expect(built.variables.find((v) => v.name === 'rmm_solo_1_0')?.expr).toBe(
      'Length(Muon_pt) > 0 ? cosh(Muon_eta[0]) - 1 : 0',
    )
    const m = engineMatrices(config)
    // Event 0: two massless objects; h(γ2, γ1) = cosh(Δη/2) − 1 and m/√s by hand.
    const [pt1, pt2] = [40, 12]
    const [eta1, eta2] = [-1.1, 2.3]
    const [phi1, phi2] = [1.0, -2.0]
    const mass = Math.sqrt(2 * pt1 * pt2 * (Math.cosh(eta1 - eta2) - Math.cos(phi1 - phi2)))
    expect(m[0][1][2]).toBeCloseTo(mass / 8000, 12)
    expect(m[0][2][1]).toBeCloseTo(Math.cosh((eta2 - eta1) / 2) - 1, 12)
    expect(m[0][1][1]).toBeCloseTo(pt1 / 8000, 12)
    expect(m[0][2][2]).toBeCloseTo((pt1 - pt2) / (pt1 + pt2), 12)
  })

  it('rejects configs the schema forbids, with the reason', () => {
    const flatBad = {
      ...CONFIG,
      collections: [{ ...CONFIG.collections[3], count: 3 }],
    }
    const r = RmmConfig.safeParse(flatBad)
    expect(r.success).toBe(false)
    expect(JSON.stringify(r.error?.issues)).toContain('exactly `count` columns')
    const big = RmmConfig.safeParse({
      ...CONFIG,
      collections: [
        { ...CONFIG.collections[0], count: 10 },
        { ...CONFIG.collections[1], count: 10 },
      ],
    })
    expect(big.success).toBe(false)
    expect(RmmConfig.safeParse({ ...CONFIG, prefix: 'a-b' }).success).toBe(false)
    expect(RmmConfig.safeParse({ ...CONFIG, prefix: 'a_b' }).success).toBe(false)
  })
})
