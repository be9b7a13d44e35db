/**
 * fit.build and fit.export called as the UI calls them (EngineService, a real project file, the
 * Kaggle H→ττ CSV samples): the build is a job (an id at once, progress, the workspace stored
 * when it ends, in the project it started in); the channel histograms, MC statistical
 * uncertainties and weight variations equal plain loops over the CSV rows; a blinded region
 * gets Asimov data; data equal to signal + background fit to μ = 1; the export is the stored
 * pyhf JSON; bad recipes fail the job with what is wrong and store nothing, and so does a
 * build cancelled while it reads or after it has read the last event.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobEvent } from '../../../src/shared/api'
import type { BuiltWorkspace, FitOutcome } from '../../../src/shared/contract/fit'
import { cutsMethods } from '../../../src/shared/contract/cuts'
import { dataMethods } from '../../../src/shared/contract/data'
import { fitMethods } from '../../../src/shared/contract/fit'
import { cutsHandlers } from '../../../src/main/engine/services/cuts'
import { dataHandlers } from '../../../src/main/engine/services/data'
import { fitHandlers } from '../../../src/main/engine/services/fit'
import type { JobRunner } from '../../../src/main/engine/jobs/runner'
import { listWorkspaces } from '../../../src/main/engine/store/fits'
import { Project } from '../../../src/main/engine/store/project'
import { parseWorkspace } from '../../../src/main/engine/stats/workspace'
import { serviceEnv } from '../helpers/service-env'
import { DATA } from '../io/shared-data'

const KAGGLE = DATA + 'ATLAS-UK-ML_kaggle-higgs'
const SIG = join(KAGGLE, 'train_sml_sig.csv')
const BKG = join(KAGGLE, 'train_sml_bg.csv')
const tmp = mkdtempSync(join(tmpdir(), 'hepwb-build-'))

/**
 * Calls the data, cuts and fit methods as the engine dispatches them (params parsed by the
 * contract's schemas, so defaults apply), on one real project file.
 */
class Client {
  readonly project: Project
  /** The project the engine has open now (another one after `open`). */
  private current: Project
  readonly events: readonly JobEvent[]
  readonly listen: (listener: (e: JobEvent) => void) => () => void
  private readonly waitForJob: (jobId: string) => Promise<unknown>
  private readonly jobs: JobRunner
  private readonly handlers: Record<string, (p: unknown) => unknown>
  private readonly schemas: Record<string, { params: { parse(v: unknown): unknown } }> = {
    ...dataMethods,
    ...cutsMethods,
    ...fitMethods,
  }

  constructor(path: string) {
    this.project = this.current = Project.create(path)
    const { env, waitForJob, events, listen } = serviceEnv(() => this.current)
    this.waitForJob = waitForJob
    this.events = events
    this.listen = listen
    this.jobs = env.jobs
    this.handlers = {
      ...dataHandlers(env),
      ...cutsHandlers(env),
      ...fitHandlers(env),
    } as unknown as Record<string, (p: unknown) => unknown>
  }

  /** Opens `p` in place of the open project, as the window's project.open does. */
  open(p: Project): void {
    this.current = p
  }

  async call<T = unknown>(method: string, params: unknown): Promise<T> {
    return (await this.handlers[method](this.schemas[method].params.parse(params))) as T
  }

  async job<T>(method: string, params: unknown): Promise<T> {
    const { jobId } = await this.call<{ jobId: string }>(method, params)
    return (await this.waitForJob(jobId)) as T
  }

  cancel(jobId: string): boolean {
    return this.jobs.cancel(jobId)
  }

  wait<T>(jobId: string): Promise<T> {
    return this.waitForJob(jobId) as Promise<T>
  }

  /** The events of job `jobId` so far. */
  eventsOf(jobId: string): JobEvent[] {
    return this.events.filter((e) => (e.kind === 'started' ? e.job.id : e.jobId) === jobId)
  }
}

/** The CSV's rows as column → numbers (a plain reader, independent of the engine's). */
function readCsv(path: string): Record<string, number[]> {
  const [head, ...rows] = readFileSync(path, 'utf8').trim().split('\n')
  const names = head.trim().split(',')
  const out: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
  for (const r of rows)
    r.trim()
      .split(',')
      .forEach((v, i) => out[names[i]].push(Number(v)))
  return out
}

/** Σw and Σw² in `bins` uniform bins on [lo, hi) of the events passing `keep`. */
function hist(
  x: number[],
  w: number[],
  keep: (i: number) => boolean,
  bins: number,
  lo: number,
  hi: number,
): { sumw: number[]; sumw2: number[] } {
  const sumw = new Array<number>(bins).fill(0)
  const sumw2 = new Array<number>(bins).fill(0)
  for (let i = 0; i < x.length; i++) {
    if (!keep(i) || !(x[i] >= lo && x[i] < hi)) continue
    const b = Math.floor(((x[i] - lo) / (hi - lo)) * bins)
    sumw[b] += w[i]
    sumw2[b] += w[i] * w[i]
  }
  return { sumw, sumw2 }
}

function close(a: readonly number[], b: readonly number[], rel = 1e-9): void {
  expect(a).toHaveLength(b.length)
  a.forEach((v, i) =>
    expect(Math.abs(v - b[i])).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b[i]))),
  )
}

const RECIPE = {
  name: 'Htautau',
  channels: [
    { region: 'SR', observable: 'DER_mass_MMC', bins: 8, lo: 60, hi: 180 },
    { region: 'CR', observable: 'ptsum', bins: 5, lo: 20, hi: 220 },
  ],
  staterror: true,
  lumi: { value: 140, sigma: 2.8 },
  normsys: [{ name: 'bkg_xsec', samples: ['bkg'], lo: 0.9, hi: 1.1 }],
  histosys: [
    { name: 'tes', samples: ['bkg'], kind: 'samples', up: 'bkg_up', down: 'bkg_down' },
    {
      name: 'pt_reweight',
      samples: ['sig', 'bkg'],
      kind: 'weights',
      up: '1 + 0.002*DER_pt_h',
      down: '1 / (1 + 0.002*DER_pt_h)',
    },
  ],
}

describe('fit.build and fit.export', () => {
  let c: Client
  let built: BuiltWorkspace
  let buildJob: string
  const sig = readCsv(SIG)
  const bkg = readCsv(BKG)

  beforeAll(async () => {
    c = new Client(join(tmp, 'build.hepwb'))
    const add = (name: string, role: string, files: string[], weight: string, factor = 1) =>
      c.job('data.addSample', {
        spec: {
          name,
          role,
          colour: '#1f77b4',
          files,
          table: '',
          weight,
          normalisation: factor === 1 ? { kind: 'none' } : { kind: 'scale', factor },
        },
      })
    await add('sig', 'signal', [SIG], 'Weight')
    await add('bkg', 'background', [BKG], 'Weight')
    // Shape variations as samples of their own: the background scaled ±5 %.
    await add('bkg_up', 'background', [BKG], 'Weight', 1.05)
    await add('bkg_down', 'background', [BKG], 'Weight', 0.95)
    // "Data" = the signal and background events with their weights: the model at μ = 1.
    await add('data', 'data', [BKG, SIG], 'Weight')
    await c.call('cuts.saveVariable', {
      variable: { name: 'ptsum', expr: 'PRI_tau_pt + PRI_lep_pt', unit: 'GeV' },
    })
    await c.call('cuts.saveRegion', {
      region: {
        name: 'SR',
        blinded: false,
        cuts: [{ expr: 'DER_mass_MMC > 0' }, { expr: 'PRI_jet_num >= 1' }],
      },
    })
    await c.call('cuts.saveRegion', {
      region: { name: 'CR', blinded: true, cuts: [{ expr: 'PRI_jet_num == 0' }] },
    })
    const before = listWorkspaces(c.project.database).length
    buildJob = (await c.call<{ jobId: string }>('fit.build', RECIPE)).jobId
    // A job: the call answers at once, before any event is read.
    expect(listWorkspaces(c.project.database)).toHaveLength(before)
    built = await c.wait<BuiltWorkspace>(buildJob)
  }, 60_000)
  afterAll(() => c.project.close())

  it('runs as a job of the project: progress to the end, the run recorded with its result', () => {
    const events = c.eventsOf(buildJob)
    const started = events[0]
    if (started.kind !== 'started') throw new Error(`first event: ${started.kind}`)
    expect(started.job).toMatchObject({
      method: 'fit.build',
      title: 'Build workspace Htautau',
      project: c.project.path,
    })
    const progress = events.flatMap((e) => (e.kind === 'progress' ? [e.fraction] : []))
    expect(progress[0]).toBe(0)
    expect(progress[progress.length - 1]).toBe(1)
    progress.forEach((f, i) => expect(f).toBeGreaterThanOrEqual(progress[i - 1] ?? 0))
    const end = events[events.length - 1]
    expect(end).toMatchObject({ kind: 'finished', state: 'done' })
    const run = c.project.runs().find((r) => r.id === buildJob)
    expect(run).toMatchObject({ method: 'fit.build', state: 'done' })
    expect((run!.result as BuiltWorkspace).id).toBe(built.id)
    // A reference to the stored workspace, not a second copy of it (issue 18).
    expect(run!.result).toMatchObject({ stored: { kind: 'workspace', id: built.id } })
    expect(JSON.stringify(run!.result).length).toBeLessThan(1000)
  })

  it('fills every channel like a plain loop over the CSV rows', async () => {
    expect(built.name).toBe('Htautau')
    expect(built.source).toBeNull()
    expect(built.dataKind).toEqual({ SR: 'observed', CR: 'asimov' })
    expect(built.measurements).toEqual([{ name: 'meas', poi: 'mu' }])
    const stored = (await c.call<{ id: string }[]>('fit.workspaces', {})).find(
      (w) => w.id === built.id,
    )
    expect(stored).toBeDefined()

    const path = join(tmp, 'Htautau.json')
    expect(await c.call('fit.export', { workspaceId: built.id, path })).toEqual({ path })
    const text = readFileSync(path, 'utf8')
    expect(text.startsWith('{\n  "channels": [\n')).toBe(true)
    const ws = parseWorkspace(JSON.parse(text))

    const sr = (t: Record<string, number[]>) => (i: number) =>
      t.DER_mass_MMC[i] > 0 && t.PRI_jet_num[i] >= 1
    const cr = (t: Record<string, number[]>) => (i: number) => t.PRI_jet_num[i] === 0
    const ptsum = (t: Record<string, number[]>) => t.PRI_tau_pt.map((v, i) => v + t.PRI_lep_pt[i])
    const expected = {
      SR: {
        sig: hist(sig.DER_mass_MMC, sig.Weight, sr(sig), 8, 60, 180),
        bkg: hist(bkg.DER_mass_MMC, bkg.Weight, sr(bkg), 8, 60, 180),
      },
      CR: {
        sig: hist(ptsum(sig), sig.Weight, cr(sig), 5, 20, 220),
        bkg: hist(ptsum(bkg), bkg.Weight, cr(bkg), 5, 20, 220),
      },
    }
    expect(ws.channels.map((ch) => ch.name)).toEqual(['SR', 'CR'])
    for (const ch of ws.channels) {
      const exp = expected[ch.name as 'SR' | 'CR']
      // The variation samples are not stacked; data are not a sample.
      expect(ch.samples.map((s) => s.name)).toEqual(['sig', 'bkg'])
      for (const s of ch.samples) {
        const e = exp[s.name as 'sig' | 'bkg']
        close(s.data, e.sumw)
        const mods = Object.fromEntries(s.modifiers.map((m) => [m.name, m]))
        const stat = mods[`staterror_${ch.name}`]
        expect(stat.type).toBe('staterror')
        close(stat.data as number[], e.sumw2.map(Math.sqrt))
        expect(mods.lumi.type).toBe('lumi')
        expect(mods.mu?.type).toBe(s.name === 'sig' ? 'normfactor' : undefined)
        const rw = mods.pt_reweight
        if (rw.type !== 'histosys') throw new Error('pt_reweight is not a histosys')
        const t = s.name === 'sig' ? sig : bkg
        const keep = ch.name === 'SR' ? sr(t) : cr(t)
        const x = ch.name === 'SR' ? t.DER_mass_MMC : ptsum(t)
        const [nb, lo, hi] = ch.name === 'SR' ? [8, 60, 180] : [5, 20, 220]
        const up = t.Weight.map((w, i) => w * (1 + 0.002 * t.DER_pt_h[i]))
        const down = t.Weight.map((w, i) => w / (1 + 0.002 * t.DER_pt_h[i]))
        close(rw.data.hi_data, hist(x, up, keep, nb, lo, hi).sumw)
        close(rw.data.lo_data, hist(x, down, keep, nb, lo, hi).sumw)
        if (s.name === 'bkg') {
          expect(mods.bkg_xsec).toEqual({
            name: 'bkg_xsec',
            type: 'normsys',
            data: { hi: 1.1, lo: 0.9 },
          })
          const tes = mods.tes
          if (tes.type !== 'histosys') throw new Error('tes is not a histosys')
          close(
            tes.data.hi_data,
            e.sumw.map((v) => 1.05 * v),
          )
          close(
            tes.data.lo_data,
            e.sumw.map((v) => 0.95 * v),
          )
        }
      }
    }
    // SR: the data sample's events; CR (blinded): the Asimov sum of the samples.
    const obs = Object.fromEntries(ws.observations.map((o) => [o.name, o.data]))
    close(
      obs.SR,
      expected.SR.sig.sumw.map((v, b) => v + expected.SR.bkg.sumw[b]),
    )
    close(
      obs.CR,
      expected.CR.sig.sumw.map((v, b) => v + expected.CR.bkg.sumw[b]),
    )
    expect(ws.measurements[0].config.parameters).toEqual([
      { name: 'lumi', auxdata: [1], sigmas: [0.02], inits: [1], bounds: [[0.8, 1.2]] },
    ])
  })

  it('fits the built workspace at once: data = signal + background gives μ = 1', async () => {
    const fit = await c.job<FitOutcome>('fit.fit', {
      workspaceId: built.id,
      patch: null,
      data: 'observed',
      minos: ['poi'],
    })
    expect(fit.converged).toBe(true)
    const mu = fit.parameters.find((p) => p.name === 'mu')!
    expect(Math.abs(mu.value - 1)).toBeLessThan(1e-3)
    expect(mu.error).toBeGreaterThan(0)
    expect(mu.minos![1]).toBeGreaterThan(0)
  })

  it('fails the job of a bad recipe with what is wrong, and stores nothing', async () => {
    const before = (await c.call<unknown[]>('fit.workspaces', {})).length
    const build = (patch: Record<string, unknown>) => c.job('fit.build', { ...RECIPE, ...patch })
    await expect(
      build({ channels: [{ region: 'SR', observable: 'DER_mas_MMC', bins: 4, lo: 0, hi: 200 }] }),
    ).rejects.toThrow(
      "channel 1 ('SR'), observable 'DER_mas_MMC': unknown variable 'DER_mas_MMC' at 0",
    )
    await c.call('cuts.saveRegion', {
      region: { name: 'Empty', blinded: false, cuts: [{ expr: 'DER_mass_MMC > 1e9' }] },
    })
    await expect(
      build({
        channels: [{ region: 'Empty', observable: 'DER_mass_MMC', bins: 4, lo: 0, hi: 200 }],
      }),
    ).rejects.toThrow("region 'Empty' selects no simulated events")
    await expect(
      build({ channels: [{ region: 'VR', observable: 'DER_mass_MMC', bins: 4, lo: 0, hi: 200 }] }),
    ).rejects.toThrow("channel 1: no region named 'VR'")
    await expect(
      build({ normsys: [{ name: 'n', samples: ['ttbar'], lo: 0.9, hi: 1.1 }] }),
    ).rejects.toThrow("normalisation systematic 'n': no sample 'ttbar'")
    await expect(
      build({
        histosys: [{ name: 'w', samples: ['bkg'], kind: 'weights', up: '1 + DER_pt', down: '1' }],
      }),
    ).rejects.toThrow(
      "shape systematic 'w', up weight '1 + DER_pt': unknown variable 'DER_pt' at 4",
    )
    await expect(build({ signal: ['data'] })).rejects.toThrow("signal: 'data' is data")
    expect(await c.call<unknown[]>('fit.workspaces', {})).toHaveLength(before)
    await expect(
      c.call('fit.export', { workspaceId: built.id, path: join(tmp, 'no', 'such', 'dir.json') }),
    ).rejects.toThrow(/cannot write .*dir\.json/)
  })

  /**
   * Starts a build and cancels it from inside the job, at its first progress event that `when`
   * accepts; the job's end and the fractions it reported.
   */
  async function cancelledBuild(
    when: (e: Extract<JobEvent, { kind: 'progress' }>) => boolean,
  ): Promise<{ error: string; progress: number[] }> {
    let jobId = ''
    const progress: number[] = []
    const off = c.listen((e) => {
      if (e.kind !== 'progress' || e.jobId !== jobId) return
      progress.push(e.fraction)
      if (when(e)) c.cancel(jobId)
    })
    try {
      jobId = (await c.call<{ jobId: string }>('fit.build', { ...RECIPE, name: 'cancelled' })).jobId
      const error = await c.wait(jobId).then(
        () => 'done',
        (e: Error) => e.message,
      )
      return { error, progress }
    } finally {
      off()
    }
  }

  it('stores nothing when cancelled while it reads the events', async () => {
    const before = listWorkspaces(c.project.database).length
    // The job's first progress: the samples are about to be read.
    const { error, progress } = await cancelledBuild(() => true)
    expect(error).toBe('cancelled by the user')
    expect(progress).toEqual([0])
    expect(listWorkspaces(c.project.database)).toHaveLength(before)
    expect(c.project.runs().find((r) => r.title === 'Build workspace cancelled')?.state).toBe(
      'cancelled',
    )
  })

  it('stores nothing when cancelled after it has read the last event', async () => {
    const before = listWorkspaces(c.project.database).length
    const { error, progress } = await cancelledBuild((e) => e.fraction === 1)
    expect(error).toBe('cancelled by the user')
    expect(progress[progress.length - 1]).toBe(1)
    expect(listWorkspaces(c.project.database)).toHaveLength(before)
  })

  it('stores the workspace in the project it started in when another one is opened meanwhile', async () => {
    const other = Project.create(join(tmp, 'other.hepwb'))
    try {
      const { jobId } = await c.call<{ jobId: string }>('fit.build', { ...RECIPE, name: 'moved' })
      c.open(other)
      const w = await c.wait<BuiltWorkspace>(jobId)
      expect(listWorkspaces(c.project.database).map((x) => x.id)).toContain(w.id)
      expect(listWorkspaces(other.database)).toEqual([])
    } finally {
      c.open(c.project)
      other.close()
    }
  })
})
