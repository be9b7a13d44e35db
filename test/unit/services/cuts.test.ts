/**
 * The Cuts & Regions service against a real project file and a real ROOT file: variables and
 * regions are stored, the cut-flow matches plain loops over the decoded columns, the N−1
 * histogram leaves its own cut out, and a bad cut is rejected with its position, storing nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cutsMethods } from '../../../src/shared/contract/cuts'
import { SampleSpec, dataMethods } from '../../../src/shared/contract/data'
import { checkScalar } from '../../../src/shared/expr'
import { readColumns } from '../../../src/main/engine/io/source'
import { Project } from '../../../src/main/engine/store/project'
import { dataHandlers } from '../../../src/main/engine/services/data'
import { cutsHandlers } from '../../../src/main/engine/services/cuts'
import { SKHEP } from '../io/shared-data'
import { serviceEnv } from '../helpers/service-env'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-cuts-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const FILE = SKHEP + 'uproot-Zmumu.root'

async function setUp(name: string) {
  const path = join(tmp, `${name}.hepwb`)
  const project = Project.create(path)
  const { env, waitForJob } = serviceEnv(project)
  const data = dataHandlers(env)
  const cuts = cutsHandlers(env)
  const spec = SampleSpec.parse({
    name: 'Zmumu',
    role: 'background',
    colour: '#1f77b4',
    files: [FILE],
    table: 'events',
    normalisation: { kind: 'scale', factor: 0.5 },
  })
  const { jobId } = await data['data.addSample']({ spec })
  await waitForJob(jobId)
  expect(dataMethods['data.samples'].result.parse(data['data.samples']({}))).toHaveLength(1)
  return { project, path, cuts }
}

describe('cuts service', () => {
  it('stores a variable and a region and computes the cut-flow like a plain loop', async () => {
    const { project, path, cuts } = await setUp('flow')
    await cuts['cuts.saveVariable']({ variable: { name: 'ptsum', expr: 'pt1 + pt2', unit: 'GeV' } })
    const region = {
      name: 'SR',
      blinded: false,
      cuts: [
        { name: 'opposite charge', expr: 'Q1 * Q2 < 0' },
        { expr: 'ptsum > 60' },
        { name: 'Z window', expr: 'M > 80 && M < 100' },
      ],
    }
    await cuts['cuts.saveRegion']({ region })
    const flow = await cuts['cuts.cutflow']({ region: 'SR', sigmaB: 0 })

    const c = await readColumns(FILE, 'events', ['Q1', 'Q2', 'pt1', 'pt2', 'M'])
    const v = (n: string) => {
      const col = c.get(n)
      if (col?.kind !== 'flat') throw new Error(n)
      return col.values
    }
    const [q1, q2, pt1, pt2, m] = ['Q1', 'Q2', 'pt1', 'pt2', 'M'].map(v)
    const counts = [0, 0, 0]
    for (let i = 0; i < m.length; i++) {
      if (!(q1[i] * q2[i] < 0)) continue
      counts[0]++
      if (!(pt1[i] + pt2[i] > 60)) continue
      counts[1]++
      if (!(m[i] > 80 && m[i] < 100)) continue
      counts[2]++
    }
    const rows = flow.samples.Zmumu
    expect(rows.map((r) => r.raw)).toEqual(counts)
    expect(rows.map((r) => r.weighted)).toEqual(counts.map((n) => n * 0.5))
    expect(rows.map((r) => r.sumw2)).toEqual(counts.map((n) => n * 0.25))
    expect(rows[1].eff_prev).toBeCloseTo(counts[1] / counts[0], 12)
    expect(rows.map((r) => r.cut)).toEqual(['opposite charge', 'ptsum > 60', 'Z window'])
    expect(flow.totals.Zmumu.raw).toBe(m.length)

    // N−1 of the mass window: every event passing the first two cuts, binned in M.
    const h = await cuts['cuts.nminus1']({ region: 'SR', cutIndex: 2, bins: 10, lo: 60, hi: 120 })
    expect(h.variable).toBe('M')
    let inRange = 0
    for (let i = 0; i < m.length; i++)
      if (q1[i] * q2[i] < 0 && pt1[i] + pt2[i] > 60 && m[i] >= 60 && m[i] < 120) inRange++
    expect(h.samples[0].sumw.reduce((a, b) => a + b, 0)).toBeCloseTo(inRange * 0.5, 9)

    // Whole-number values (the charge Q1 = ±1) get one bin per value, centred on it; a mass
    // gets 40 bins over its rounded range (issue 17, item 19).
    const q = await cuts['cuts.nminus1']({ region: 'SR', cutIndex: 0 })
    expect(q.variable).toBe('Q1')
    expect({ integer: q.integer, bins: q.bins, lo: q.lo, hi: q.hi }).toEqual({
      integer: true,
      bins: 3,
      lo: -1.5,
      hi: 1.5,
    })
    const charges = [0, 0, 0]
    for (let i = 0; i < m.length; i++)
      if (pt1[i] + pt2[i] > 60 && m[i] > 80 && m[i] < 100) charges[q1[i] + 1] += 0.5
    expect(q.samples[0].sumw).toEqual(charges)
    const mass = await cuts['cuts.nminus1']({ region: 'SR', cutIndex: 2 })
    expect({ integer: mass.integer, bins: mass.bins }).toEqual({ integer: false, bins: 40 })
    // Without a range: the selected values' min and max, rounded outwards to a tenth of the
    // span's decade, so the whole N−1 selection falls inside and nothing in the flows.
    const auto = await cuts['cuts.nminus1']({ region: 'SR', cutIndex: 2, bins: 10 })
    let lo = Infinity
    let hi = -Infinity
    let selected = 0
    for (let i = 0; i < m.length; i++)
      if (q1[i] * q2[i] < 0 && pt1[i] + pt2[i] > 60) {
        lo = Math.min(lo, m[i])
        hi = Math.max(hi, m[i])
        selected++
      }
    const unit = 10 ** (Math.floor(Math.log10(hi - lo)) - 1)
    expect(auto.lo).toBe(Math.floor(lo / unit) * unit)
    expect(auto.hi).toBe((Math.floor(hi / unit) + 1) * unit)
    expect(auto.samples[0].sumw.reduce((a, b) => a + b, 0)).toBeCloseTo(selected * 0.5, 9)

    // Reopened, the project still holds both.
    project.close()
    const again = Project.open(path)
    const { listRegions, listVariables } = await import('../../../src/main/engine/store/regions')
    expect(listVariables(again)).toEqual([{ name: 'ptsum', expr: 'pt1 + pt2', unit: 'GeV' }])
    expect(listRegions(again)).toEqual([region])
    again.close()
  })

  it('rejects a bad cut with its position and stores nothing', async () => {
    const { cuts } = await setUp('bad')
    // The window's check: the shared checker against the engine's symbol table.
    const table = await cuts['cuts.symbols']({})
    const symbols = new Map(table.symbols.map((s) => [s.name, { jagged: s.jagged }]))
    const r = checkScalar('Mas > 80', symbols, 'a cut')
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.position).toBe(0)
      expect(r.error.message).toContain("unknown variable 'Mas'")
    }
    const good = checkScalar('M > 80', symbols, 'a cut')
    expect(good.ok && [...good.value.columns]).toEqual(['M'])
    await expect(
      cuts['cuts.saveRegion']({
        region: { name: 'A', blinded: false, cuts: [{ expr: 'M > 80 &&' }] },
      }),
    ).rejects.toThrow(/cut 1: .* at 9/)
    expect(cuts['cuts.regions']({})).toEqual([])
  })

  it('gives the N−1 plot the threshold of its variable, found in the syntax tree', async () => {
    const { cuts } = await setUp('threshold')
    const cutsOf = ['Q1 * Q2 < 0', '(pt1)  >  2e1 && M < 1000', 'M > 80 && M < 100', '-2 < Q2']
    await cuts['cuts.saveRegion']({
      region: { name: 'T', blinded: false, cuts: cutsOf.map((expr) => ({ expr })) },
    })
    const at = async (cutIndex: number, variable?: string) =>
      (await cuts['cuts.nminus1']({ region: 'T', cutIndex, bins: 4, lo: 0, hi: 4, variable }))
        .threshold
    expect(await at(0)).toBeNull() // Q1 * Q2 is not a variable
    expect(await at(1)).toBe(20) // pt1's comparison in an && chain
    expect(await at(1, 'M')).toBe(1000)
    expect(await at(2)).toBeNull() // two edges of M
    expect(await at(3)).toBe(-2)
    expect(await at(3, 'Q1')).toBeNull() // the plotted variable is not the compared one
  })

  it('checks, saves and counts a region in one update, and refuses a bad cut', async () => {
    const { cuts } = await setUp('update')
    const table = await cuts['cuts.symbols']({})
    expect(table.problem).toBeNull()
    expect(table.symbols).toContainEqual({ name: 'M', jagged: false })
    const region = { name: 'SR', blinded: false, cuts: [{ expr: 'Q1*Q2<0' }, { expr: 'M > 80' }] }
    const up = await cuts['cuts.update']({ region, sigmaB: 0 })
    expect(up.checks).toEqual([
      { ok: true, columns: ['Q1', 'Q2'] },
      { ok: true, columns: ['M'] },
    ])
    expect(up.saved).toBe(true)
    expect(up.regions).toEqual([region])
    expect(up.symbols).toBe(table.key)
    expect(up.cutflowError).toBeNull()
    // The same cut-flow as asked for on its own, and what the contract lets through.
    expect(up.cutflow).toEqual(await cuts['cuts.cutflow']({ region: 'SR', sigmaB: 0 }))
    cutsMethods['cuts.update'].result.parse(JSON.parse(JSON.stringify(up)))

    // A typo: the engine's check with its position and hint; nothing stored, no cut-flow.
    const bad = await cuts['cuts.update']({
      region: { ...region, cuts: [{ expr: 'Q1*Q2<0' }, { expr: 'Mm > 90' }] },
      sigmaB: 0,
    })
    expect(bad.saved).toBe(false)
    expect(bad.cutflow).toBeNull()
    expect(bad.checks[0].ok).toBe(true)
    expect(bad.checks[1]).toEqual({
      ok: false,
      message: "unknown variable 'Mm' at 0 (did you mean 'M'?)",
      position: 0,
      end: 2,
    })
    expect(cuts['cuts.regions']({})).toEqual([region])

    // A new derived variable changes the table, and so its key.
    await cuts['cuts.saveVariable']({ variable: { name: 'ptsum', expr: 'pt1 + pt2' } })
    const after = await cuts['cuts.symbols']({})
    expect(after.symbols).toContainEqual({ name: 'ptsum', jagged: false })
    expect(after.key).not.toBe(table.key)
    const again = await cuts['cuts.update']({ region, sigmaB: 0 })
    expect(again.symbols).toBe(after.key)
  })

  it('shows samples, groups, regions and variables named __proto__ or constructor like any other', async () => {
    const path = join(tmp, 'names.hepwb')
    const project = Project.create(path)
    const { env, waitForJob } = serviceEnv(project)
    const data = dataHandlers(env)
    const cuts = cutsHandlers(env)
    const file = join(tmp, 'names.csv')
    writeFileSync(file, 'x\n1\n2\n3\n4\n')
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty']
    const groups = ['constructor', '__proto__', '__proto__', 'toString']
    for (const [i, name] of names.entries()) {
      const spec = SampleSpec.parse({
        name,
        role: i === 0 ? 'signal' : 'background',
        group: groups[i],
        colour: '#1f77b4',
        files: [file],
        table: '',
        normalisation: { kind: 'scale', factor: i + 1 },
      })
      await waitForJob((await data['data.addSample']({ spec })).jobId)
    }
    await cuts['cuts.saveVariable']({ variable: { name: '__proto__', expr: 'x * 2' } })
    await cuts['cuts.saveRegion']({
      region: {
        name: '__proto__',
        blinded: false,
        cuts: [{ name: 'constructor', expr: '__proto__ > 3' }],
      },
    })
    const engineSide = await cuts['cuts.cutflow']({ region: '__proto__', sigmaB: 0 })
    // What the window receives: JSON over the wire, validated by the contract.
    const flow = cutsMethods['cuts.cutflow'].result.parse(JSON.parse(JSON.stringify(engineSide)))
    for (const f of [engineSide, flow]) {
      expect(Object.keys(f.samples)).toEqual(names)
      expect(Object.keys(f.totals)).toEqual(names)
      expect(Object.keys(f.roles)).toEqual(names)
      expect(Object.keys(f.groups)).toEqual(['constructor', '__proto__', 'toString'])
      // x ≥ 2: three events, weighing i + 1 each.
      names.forEach((n, i) => expect(f.samples[n][0].weighted).toBe(3 * (i + 1)))
      expect(f.groups.__proto__[0].weighted).toBe(3 * (2 + 3))
      const shownB = names.slice(1).reduce((b, n) => b + f.samples[n][0].weighted, 0)
      expect(f.significance[0]).toMatchObject({ cut: 'constructor', s: 3, b: shownB })
    }
    project.close()
  })
})
