/**
 * Project ↔ spec (issue 4): a project exported to a spec gives, through what `hepwb cutflow`
 * runs, the same numbers as the project's own cut-flow; the spec opened as a new project
 * gives them again; a bad spec names its JSON path and leaves no project file behind. The
 * reference numbers are plain loops over the decoded columns.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SampleSpec } from '../../../src/shared/contract/data'
import { readColumns } from '../../../src/main/engine/io/source'
import { cutflowOfSpec } from '../../../src/main/engine/app/run-spec'
import { withSpecFile } from '../../../src/main/engine/select/spec-file'
import { Project } from '../../../src/main/engine/store/project'
import { listSamples } from '../../../src/main/engine/store/samples'
import { listRegions, listVariables } from '../../../src/main/engine/store/regions'
import { dataHandlers } from '../../../src/main/engine/services/data'
import { cutsHandlers } from '../../../src/main/engine/services/cuts'
import { specHandlers } from '../../../src/main/engine/services/spec'
import { SKHEP } from '../io/shared-data'
import { serviceEnv } from '../helpers/service-env'

const FILE = resolve(SKHEP + 'uproot-Zmumu.root')
const tmp = mkdtempSync(join(tmpdir(), 'hepwb-spec-io-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** An engine environment whose open project `adopt` can switch, as the engine's does. */
function engine(first: Project | null) {
  let project = first
  const { env, waitForJob: job } = serviceEnv(() => project)
  const spec = specHandlers(env, (p) => {
    project?.close()
    project = p
    return p.summary()
  })
  return {
    data: dataHandlers(env),
    cuts: cutsHandlers(env),
    spec,
    job,
    current: () => project,
  }
}

const VARIABLE = { name: 'ptsum', expr: 'pt1 + pt2', unit: 'GeV', label: 'p_{T,1} + p_{T,2}' }
const REGIONS = [
  { name: 'presel', blinded: false, cuts: [{ name: 'opposite charge', expr: 'Q1 * Q2 < 0' }] },
  {
    name: 'SR',
    parent: 'presel',
    blinded: false,
    cuts: [{ expr: 'ptsum > 60' }, { name: 'Z window', expr: 'M > 80 && M < 100' }],
  },
]

/** A project: Zmumu scaled by 0.5, and a 'signal' weighted by a derived variable and a σ. */
async function original() {
  const p = Project.create(join(tmp, 'original.hepwb'))
  const e = engine(p)
  const add = async (spec: unknown) =>
    e.job((await e.data['data.addSample']({ spec: SampleSpec.parse(spec) })).jobId)
  await add({
    name: 'Zmumu',
    role: 'background',
    group: 'Z',
    colour: '#6baed6',
    files: [FILE],
    table: 'events',
    normalisation: { kind: 'scale', factor: 0.5 },
  })
  // A variable is checked against the samples' columns: it comes after the first sample.
  await e.cuts['cuts.saveVariable']({ variable: VARIABLE })
  await add({
    name: 'sig',
    role: 'signal',
    colour: '#d62728',
    files: [FILE],
    table: 'events',
    weight: 'ptsum / 100',
    normalisation: { kind: 'xsec', crossSection: 2, luminosity: 150, sumGenWeights: 4000 },
  })
  for (const region of REGIONS) await e.cuts['cuts.saveRegion']({ region })
  return e
}

/** Raw counts, Σw and Σw² after each SR cut, from plain loops; `w(i)`: event i's weight. */
async function reference(w: (i: number, c: Record<string, ArrayLike<number>>) => number) {
  const cols = await readColumns(FILE, 'events', ['Q1', 'Q2', 'pt1', 'pt2', 'M'])
  const c: Record<string, ArrayLike<number>> = {}
  for (const [k, v] of cols) c[k] = v.values
  const out = [0, 1, 2].map(() => ({ raw: 0, weighted: 0, sumw2: 0 }))
  for (let i = 0; i < c.M.length; i++) {
    const pass = [c.Q1[i] * c.Q2[i] < 0, c.pt1[i] + c.pt2[i] > 60, c.M[i] > 80 && c.M[i] < 100]
    for (let k = 0; k < 3 && pass.slice(0, k + 1).every(Boolean); k++) {
      out[k].raw++
      out[k].weighted += w(i, c)
      out[k].sumw2 += w(i, c) ** 2
    }
  }
  return out
}

type Rows = { raw: number; weighted: number; sumw2: number }[]
function expectSame(actual: Rows, expected: Rows): void {
  expect(actual.map((r) => r.raw)).toEqual(expected.map((r) => r.raw))
  actual.forEach((r, k) => {
    expect(r.weighted).toBeCloseTo(expected[k].weighted, 9)
    expect(r.sumw2).toBeCloseTo(expected[k].sumw2, 9)
  })
}

describe('project ↔ spec', () => {
  it('round-trips: project → spec → hepwb cutflow, and spec → project, give the same cut-flow', async () => {
    const e = await original()
    const flow = await e.cuts['cuts.cutflow']({ region: 'SR', sigmaB: 0 })
    // Independent reference: Zmumu 0.5 per event; sig (pt1+pt2)/100 × 2 pb × 150 pb⁻¹ / 4000.
    const z = await reference(() => 0.5)
    const sig = await reference((i, c) => ((c.pt1[i] + c.pt2[i]) / 100) * ((2 * 150) / 4000))
    expectSame(flow.samples.Zmumu, z)
    expectSame(flow.samples.sig, sig)

    // Export next to a folder of its own: the file paths become relative to it.
    const dir = join(tmp, 'specs')
    mkdirSync(dir)
    const file = join(dir, 'analysis.json')
    expect(await e.spec['spec.export']({ path: file, overwrite: false })).toEqual({ path: file })
    const json = JSON.parse(readFileSync(file, 'utf8'))
    expect(json.samples[0].files[0].startsWith('../')).toBe(true)
    expect(resolve(dir, json.samples[0].files[0])).toBe(FILE)
    expect(json.samples[1]).toMatchObject({ weight: 'ptsum / 100', xsec: 2, lumi: 150, sumw: 4000 })
    expect(json.variables).toEqual([VARIABLE])
    expect(json.regions[1]).toMatchObject({ name: 'SR', parent: 'presel' })

    // What `hepwb cutflow SPEC.json --json` runs (commands/cutflow.ts): the file read and
    // resolved relative to itself, then the spec's cut-flow.
    const cli = await withSpecFile(file, (spec) => cutflowOfSpec(spec))
    expectSame(cli.regions.SR.Zmumu, z)
    expectSame(cli.regions.SR.sig, sig)

    // The spec opened as a new project: same samples, variables, regions and numbers.
    const target = join(tmp, 'reopened.hepwb')
    const opened = engine(null)
    const { jobId } = await opened.spec['spec.open']({
      spec: file,
      project: target,
      overwrite: false,
    })
    expect(await opened.job(jobId)).toMatchObject({ path: target, name: 'reopened' })
    const p = opened.current()
    if (!p) throw new Error('no project adopted')
    expect(listVariables(p)).toEqual([VARIABLE])
    expect(listRegions(p)).toEqual(REGIONS)
    const before = listSamples(e.current() as Project)
    const after = listSamples(p)
    expect(after.map((s) => s.spec)).toEqual(before.map((s) => s.spec))
    expect(after.map((s) => [s.entries, s.rawSumWeights, s.hashes])).toEqual(
      before.map((s) => [s.entries, s.rawSumWeights, s.hashes]),
    )
    const again = await opened.cuts['cuts.cutflow']({ region: 'SR', sigmaB: 0 })
    expectSame(again.samples.Zmumu, z)
    expectSame(again.samples.sig, sig)
    p.close()
    e.current()?.close()
  }, 60_000)

  it('names the JSON path of a bad spec and leaves no project file', async () => {
    const e = engine(null)
    const write = (name: string, spec: unknown) => {
      const f = join(tmp, name)
      writeFileSync(f, JSON.stringify(spec))
      return f
    }
    const sample = { name: 'Z', files: [FILE], tree: 'events' }
    const cases: [unknown, RegExp][] = [
      [
        {
          samples: [sample],
          regions: [{ name: 'A', cuts: [{ expr: 'Q1 > 0' }, { expr: 'Mass > 1' }] }],
        },
        /regions\[0\]\.cuts\[1\]\.expr: .*unknown variable 'Mass'/,
      ],
      [{ samples: [{ ...sample, weight: 'nope * 2' }] }, /samples\[0\]\.weight: .*nope/],
      [
        { samples: [{ ...sample, files: [FILE, join(tmp, 'gone.root')] }] },
        /samples\[0\]\.files\[1\]: .*no such file/,
      ],
      [
        { samples: [sample], variables: [{ name: 'x', expr: 'M + nothing' }] },
        /variables\[0\]\.expr: .*nothing/,
      ],
    ]
    for (const [i, [spec, message]] of cases.entries()) {
      const target = join(tmp, `bad${i}.hepwb`)
      const file = write(`bad${i}.json`, spec)
      const started = Promise.resolve(
        e.spec['spec.open']({ spec: file, project: target, overwrite: false }),
      )
      const outcome = started.then((s) => e.job(s.jobId))
      await expect(outcome).rejects.toThrow(message)
      await expect(outcome).rejects.toThrow(file)
      expect(existsSync(target)).toBe(false)
      expect(existsSync(`${target}-cache`)).toBe(false)
      expect(e.current()).toBeNull()
    }
    // A spec that is not valid JSON schema-wise answers the call itself (no job, no file).
    const bad = write('schema.json', { samples: [] })
    await expect(
      e.spec['spec.open']({ spec: bad, project: join(tmp, 'schema.hepwb'), overwrite: false }),
    ).rejects.toThrow(/samples: a spec needs at least one sample/)
    expect(existsSync(join(tmp, 'schema.hepwb'))).toBe(false)
  }, 30_000)
})
