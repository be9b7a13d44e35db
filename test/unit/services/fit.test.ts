/**
 * The Fit view's engine methods, called as the UI calls them (EngineService with a real project
 * file), on the published ATLAS 1Lbb likelihood.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineMessage, JobEvent } from '../../../src/shared/api'
import {
  FitOutcome,
  type LimitOutcome,
  type RankingOutcome,
  type ScanOutcome,
  type SignificanceOutcome,
  type WorkspaceSummary,
} from '../../../src/shared/contract/fit'
import { EngineService } from '../../../src/main/engine/service'
import { hepwb } from '../helpers/cli'
import { channelSave } from '../../../src/renderer/src/components/fit/channel-save'
import { pullsSave } from '../../../src/renderer/src/components/fit/pulls-save'
import { rankingSave } from '../../../src/renderer/src/components/fit/ranking-save'
import { fitCorrelationSave } from '../../../src/renderer/src/components/fit/correlation-save'
import { savedPlotTables } from '../../../src/main/engine/plots/hepdata/saved-plot-tables'
import type { SavedPlot } from '../../../src/shared/plot/saved-plot'
import { DATA } from '../io/shared-data'

const LBB = DATA + 'hepdata-pyhf-extractor_1Lbb'
process.env.HEPWB_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'hepwb-cfg-'))

/**
 * A counting workspace written to a temporary file: μ·12 + 50 (5 % normsys) with 70 events,
 * plus `extra` channels and observations.
 */
function countingFile(extra: { channels?: object[]; observations?: object[] } = {}): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hepwb-ws-')), 'counting.json')
  writeFileSync(
    file,
    JSON.stringify({
      version: '1.0.0',
      channels: [
        {
          name: 'sr',
          samples: [
            {
              name: 'sig',
              data: [12],
              modifiers: [{ name: 'mu', type: 'normfactor', data: null }],
            },
            {
              name: 'bkg',
              data: [50],
              modifiers: [{ name: 'bn', type: 'normsys', data: { hi: 1.05, lo: 0.95 } }],
            },
          ],
        },
        ...(extra.channels ?? []),
      ],
      observations: [{ name: 'sr', data: [70] }, ...(extra.observations ?? [])],
      measurements: [{ name: 'm', config: { poi: 'mu', parameters: [] } }],
    }),
  )
  return file
}

class Client {
  private id = 1
  private readonly waiting = new Map<number, (m: EngineMessage) => void>()
  private readonly jobWaiters = new Map<string, (e: JobEvent) => void>()
  readonly service = new EngineService((m) => this.receive(m))

  private receive(m: EngineMessage): void {
    if (m.type === 'response') this.waiting.get(m.id)?.(m)
    else if (m.event === 'job') {
      const e = m.payload as JobEvent
      if (e.kind === 'finished') this.jobWaiters.get(e.jobId)?.(e)
    }
  }

  async call(method: string, params: unknown): Promise<unknown> {
    const id = this.id++
    const reply = new Promise<EngineMessage>((resolve) => this.waiting.set(id, resolve))
    await this.service.handle({ type: 'request', id, method, params })
    const m = await reply
    if (m.type !== 'response') throw new Error('no response')
    if (!m.ok) throw new Error(m.error.message)
    return m.result
  }

  async job<T>(method: string, params: unknown): Promise<T> {
    const { jobId } = (await this.call(method, params)) as { jobId: string }
    const e = await new Promise<JobEvent>((resolve) => this.jobWaiters.set(jobId, resolve))
    if (e.kind !== 'finished' || e.state !== 'done')
      throw new Error(`job ${e.kind === 'finished' ? e.error : ''}`)
    return e.result as T
  }
}

describe('fit service', () => {
  const c = new Client()
  let ws: WorkspaceSummary
  const setup = () => ({
    workspaceId: ws.id,
    patch: 'C1N2_Wh_hbb_900_250',
    data: 'observed' as const,
  })

  beforeAll(async () => {
    await c.call('project.create', {
      path: join(mkdtempSync(join(tmpdir(), 'hepwb-fit-')), 'fit.hepwb'),
    })
    ws = (await c.call('fit.import', {
      path: join(LBB, '1Lbb_BkgOnly.json'),
      patchset: join(LBB, '1Lbb_patchset_subset.json'),
    })) as WorkspaceSummary
  })
  afterAll(() => c.service.shutdown())

  it('imports the workspace with its channels and patches', () => {
    expect(ws.channels).toHaveLength(8)
    expect(ws.patches).toContain('C1N2_Wh_hbb_900_250')
    // Signal points by their labelled values (m1, m2) numerically, not as text (the file lists
    // 1000_0 first; issue 17, item 23).
    expect(ws.patches.map((n) => n.replace('C1N2_Wh_hbb_', ''))).toEqual([
      '650_0',
      '700_400',
      '750_100',
      '900_250',
      '1000_0',
      '1000_100',
      '1000_150',
      '1000_200',
      '1000_250',
    ])
    expect(ws.measurements[0].poi).toBe('mu_SIG')
  })

  it('refuses a file that is not a workspace, naming it, and stores nothing', async () => {
    await expect(
      c.call('fit.import', { path: join(LBB, '1Lbb_patch_names.txt'), patchset: null }),
    ).rejects.toThrow(/1Lbb_patch_names\.txt/)
    await expect(
      c.call('fit.import', { path: join(LBB, 'no-such.json'), patchset: null }),
    ).rejects.toThrow(/no-such\.json/)
    expect(await c.call('fit.workspaces', {})).toHaveLength(1)
  })

  it('fits: converged, MINOS on the POI, stacked yields that add up, pulls, correlation', async () => {
    const fit = await c.job<FitOutcome>('fit.fit', { ...setup(), minos: ['poi'] })
    expect(fit.converged).toBe(true)
    const mu = fit.parameters.find((p) => p.name === 'mu_SIG')!
    expect(mu.error).toBeGreaterThan(0)
    expect(mu.minos![0]).toBeLessThan(0)
    expect(mu.minos![1]).toBeGreaterThan(0)
    for (const ch of fit.yields) {
      for (let b = 0; b < ch.data.length; b++) {
        const post = ch.samples.reduce((s, x) => s + x.post[b], 0)
        const pre = ch.samples.reduce((s, x) => s + x.pre[b], 0)
        // Per-sample yields must add up to the model's total (float64 sums: 1e-9 relative).
        expect(post).toBeCloseTo(ch.postTotal[b], 9)
        expect(pre).toBeCloseTo(ch.preTotal[b], 9)
        expect(ch.postError[b]).toBeGreaterThan(0)
      }
    }
    expect(fit.parameters.filter((p) => p.pull !== null).length).toBeGreaterThan(50)
    const n = fit.correlation.names.length
    expect(fit.correlation.matrix).toHaveLength(n)
    for (let i = 0; i < n; i++) expect(fit.correlation.matrix[i][i]).toBeCloseTo(1, 6)
    // Stored in the project: the UI finds it again.
    const stored = (await c.call('fit.results', setup())) as { fit: FitOutcome | null }
    expect(stored.fit?.id).toBe(fit.id)
    // Its run refers to that stored result and keeps only its one-line figures (issue 18).
    const runs = (await c.call('project.runs', {})) as { result?: unknown }[]
    const run = runs.find((r) => JSON.stringify(r.result ?? null).includes(fit.id))
    expect(run?.result).toMatchObject({ stored: { kind: 'fit', id: fit.id }, converged: true })
    expect(JSON.stringify(run?.result).length).toBeLessThan(1000)
  })

  it('saves the post-fit stack of a channel (with the fit band) and the pulls to Plots', async () => {
    const { fit } = (await c.call('fit.results', setup())) as { fit: FitOutcome }
    const ch = fit.yields[0]
    const stack = (await c.call(
      'plots.save',
      channelSave(ch, 'post', '1Lbb', 'Data', () => '#1f77b4'),
    )) as SavedPlot
    if (stack.figure.kind !== 'stack') throw new Error('a stack')
    expect(stack.figure.uncertainty?.error).toEqual(ch.postError)
    const total = ch.postTotal.map((_, b) =>
      stack.figure.kind === 'stack'
        ? stack.figure.components
            .filter((x) => x.role === 'background')
            .reduce((a, x) => a + x.sumw[b], 0)
        : 0,
    )
    total.forEach((t, b) => expect(t).toBeCloseTo(ch.postTotal[b], 9))
    const { svg } = (await c.call('plots.render', { id: stack.id, settings: {} })) as {
      svg: string
    }
    expect(svg).toContain('Post-fit uncertainty')
    expect(svg).not.toContain('Stat. unc.')
    const pulls = (await c.call('plots.save', pullsSave(fit, '1Lbb'))) as SavedPlot
    if (pulls.figure.kind !== 'pulls') throw new Error('pulls')
    expect(pulls.figure.rows).toHaveLength(fit.parameters.filter((p) => p.pull !== null).length)
    const r = (await c.call('plots.render', { id: pulls.id, settings: {} })) as {
      svg: string
      heightCm: number
    }
    // 1Lbb has many nuisance parameters: the figure grows to keep them readable.
    expect(r.heightCm).toBeGreaterThan(20)
    // The correlation matrix: the 30 parameters most correlated with another, ρ as the fit has it.
    const corr = (await c.call('plots.save', fitCorrelationSave(fit, '1Lbb'))) as SavedPlot
    if (corr.figure.kind !== 'heatmap') throw new Error('heatmap')
    expect(corr.figure.xLabels).toHaveLength(Math.min(30, fit.correlation.names.length))
    corr.figure.values.forEach((row, i) => expect(row[i]).toBeCloseTo(1, 6))
    const names = fit.correlation.names
    const a = names.indexOf(corr.figure.xLabels[0].replace(/\\/g, ''))
    const b = names.indexOf(corr.figure.xLabels[1].replace(/\\/g, ''))
    expect(corr.figure.values[0][1]).toBe(fit.correlation.matrix[a][b])
    for (const p of [stack, pulls, corr]) await c.call('plots.remove', { id: p.id })
  })

  it('gives exactly the numbers `hepwb fit --json` prints for the same workspace (one fit report)', async () => {
    const fit = await c.job<FitOutcome>('fit.fit', { ...setup(), minos: ['mu_SIG'] })
    const r = hepwb(
      'fit',
      join(LBB, '1Lbb_BkgOnly.json'),
      '--patch',
      `${join(LBB, '1Lbb_patchset_subset.json')}:C1N2_Wh_hbb_900_250`,
      '--minos',
      'mu_SIG',
      '--json',
    )
    expect(r.code, r.stderr).toBe(0)
    const cli = JSON.parse(r.stdout) as {
      twice_nll: number
      edm: number
      parameters: Record<string, { value: number; error: number | null; minos?: unknown }>
      correlation: FitOutcome['correlation']
      covariance: FitOutcome['correlation']
      minimum: { tolerance: number; calls: number }
      warnings: string[]
    }
    // The same function fits both, at the same tolerance: equal to the last bit (JSON carries
    // doubles exactly), not merely close.
    expect(cli.twice_nll).toBe(fit.twiceNll)
    expect(cli.edm).toBe(fit.edm)
    expect(Object.keys(cli.parameters)).toEqual(fit.parameters.map((p) => p.name))
    for (const p of fit.parameters) {
      expect(cli.parameters[p.name].value, p.name).toBe(p.value)
      expect(cli.parameters[p.name].error, p.name).toBe(p.error)
      expect(cli.parameters[p.name].minos ?? null, p.name).toEqual(p.minos)
    }
    expect(fit.parameters.find((p) => p.name === 'mu_SIG')!.minos).not.toBeNull()
    expect(cli.correlation).toEqual(fit.correlation)
    expect(cli.covariance).toEqual(fit.covariance)
    expect(cli.minimum.tolerance).toBe(fit.minimum!.tolerance)
    expect(cli.minimum.calls).toBe(fit.minimum!.calls)
    expect(cli.warnings).toEqual(fit.warnings)
  })

  it('scans the POI: the Δ(−2 ln L) = 1 crossings agree with MINOS', async () => {
    const fit = ((await c.call('fit.results', setup())) as { fit: FitOutcome }).fit
    const mu = fit.parameters.find((p) => p.name === 'mu_SIG')!
    const scan = await c.job<ScanOutcome>('fit.scan', { ...setup(), points: 41 })
    // Linear interpolation between 41 scan points of a near-parabola: within 2% of the interval.
    const width = mu.minos![1]! - mu.minos![0]!
    expect(Math.abs(scan.interval1[0]! - (mu.value + mu.minos![0]!))).toBeLessThan(0.02 * width)
    expect(Math.abs(scan.interval1[1]! - (mu.value + mu.minos![1]!))).toBeLessThan(0.02 * width)
  })

  it('ranks the free normalisation factors by post-fit impact, with no pre-fit impact (null)', async () => {
    const ranking = await c.job<RankingOutcome>('fit.ranking', setup())
    expect(ranking.poi).toBe('mu_SIG')
    // The cabinetry comparison of issue 18: mu_ST (0.188) and mu_Top (0.176) top the list.
    expect(ranking.impacts.slice(0, 2).map((i) => i.name)).toEqual(['mu_ST', 'mu_Top'])
    const st = ranking.impacts[0]
    expect(st.prefit).toEqual([null, null])
    expect(st.pull).toBeNull()
    // Three decimals quoted there: 1e-3 (see test/unit/stats/ranking.test.ts).
    expect(Math.abs(Math.max(...st.postfit.map((v) => Math.abs(v!))) - 0.188)).toBeLessThan(1e-3)
    expect(ranking.impacts.some((i) => i.name === 'mu_W')).toBe(true)

    // Saved to Plots as the ranking plot: largest impact first, impacts on a ΔPOI top axis.
    const saved = (await c.call('plots.save', rankingSave(ranking, '1Lbb'))) as SavedPlot
    if (saved.figure.kind !== 'pulls') throw new Error('pulls')
    expect(saved.figure.rows.slice(0, 2).map((r) => r.name)).toEqual(['mu_ST', 'mu_Top'])
    expect(saved.figure.rows[0].impact?.post).toEqual(st.postfit)
    const { svg } = (await c.call('plots.render', { id: saved.id, settings: {} })) as {
      svg: string
    }
    expect(svg).toContain('Post-fit impact')
    expect(svg).toContain('mu_ST')
    // Post-fit impact bars: filled rectangles in the +1σ colour.
    expect(svg).toMatch(/<rect[^>]*fill="#1f5fa8"/)
    const [table] = savedPlotTables(saved)
    const post = table.data.dependent_variables.find((d) => d.header.name.includes('post-fit, $+1'))
    expect(post?.values[0].value).toBe(st.postfit[0])
    await c.call('plots.remove', { id: saved.id })
  }, 30_000)

  it('computes CLs limits with the expected band ordered', async () => {
    const limit = await c.job<LimitOutcome>('fit.limit', { ...setup(), points: 5 })
    const exp = limit.exp as number[]
    for (let k = 1; k < 5; k++) expect(exp[k]).toBeGreaterThan(exp[k - 1])
    expect(limit.obs).toBeGreaterThan(0)
    expect(limit.points).toHaveLength(5)
  })

  it('significance: the same numbers and warnings as `hepwb significance --json`', async () => {
    // Observations for a channel the workspace does not have: the model warns.
    const file = countingFile({ observations: [{ name: 'elsewhere', data: [3] }] })
    const w = (await c.call('fit.import', { path: file, patchset: null })) as WorkspaceSummary
    const sig = await c.job<SignificanceOutcome>('fit.significance', {
      workspaceId: w.id,
      patch: null,
      data: 'observed',
    })
    const r = hepwb('significance', file, '--json')
    expect(r.code, r.stderr).toBe(0)
    const cli = JSON.parse(r.stdout) as { z_obs: number; p_obs: number; warnings: string[] }
    expect(cli.z_obs).toBe(sig.zObs)
    expect(cli.p_obs).toBe(sig.pObs)
    expect(sig.warnings.join()).toMatch(/observations of 'elsewhere' have no channel/)
    expect(cli.warnings).toEqual(sig.warnings)
  })

  it('a fit that fails from the start is reported, not refused: −2 ln L null, no MINOS, in both', async () => {
    // A control bin with 3 events and no expectation: −2 ln L = ∞ for every parameter value.
    const file = countingFile({
      channels: [{ name: 'cr', samples: [{ name: 'bkg', data: [0], modifiers: [] }] }],
      observations: [{ name: 'cr', data: [3] }],
    })
    const w = (await c.call('fit.import', { path: file, patchset: null })) as WorkspaceSummary
    const fit = await c.job<FitOutcome>('fit.fit', {
      workspaceId: w.id,
      patch: null,
      data: 'observed',
      minos: ['poi'],
    })
    // What the window receives must pass the contract, as its api client checks it.
    const wire = FitOutcome.parse(JSON.parse(JSON.stringify(fit)))
    expect(wire.converged).toBe(false)
    expect(wire.twiceNll).toBeNull()
    expect(wire.warnings).toContain('MINOS was not run: the fit did not converge')
    const r = hepwb('fit', file, '--minos', 'poi', '--json')
    expect(r.code, r.stderr).toBe(0)
    const cli = JSON.parse(r.stdout) as { converged: boolean; twice_nll: null; warnings: string[] }
    expect(cli.converged).toBe(false)
    expect(cli.twice_nll).toBeNull()
    expect(cli.warnings).toEqual(wire.warnings)
  })
})
