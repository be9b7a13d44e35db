/**
 * INFERNO jobs under control through the real engine (wire protocol, job runner): pause, step
 * one epoch / one batch, resume and cancel while paused, with the live soft histograms; the
 * one-click bins study; the export of a trained summary as a pyhf workspace that the Fit
 * methods then fit (MINOS on μ) like any other workspace.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineService } from '../../../src/main/engine/service'
import type { EngineMessage, JobEvent, MethodName, Params, Result } from '../../../src/shared/api'
import { FitOutcome, SignificanceOutcome } from '../../../src/shared/contract/fit'
import { InfernoBenchmarkResult, InfernoStudyResult } from '../../../src/shared/contract/inferno'

/** The engine in-process with every job event recorded (the live stream is what is tested). */
function harness() {
  let next = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const events: JobEvent[] = []
  const service = new EngineService((msg: EngineMessage) => {
    if (msg.type === 'response') {
      const p = pending.get(msg.id)
      pending.delete(msg.id)
      if (msg.ok) p?.resolve(msg.result)
      else p?.reject(new Error(msg.error.message))
    } else if (msg.event === 'job') events.push(msg.payload as JobEvent)
  })
  function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const id = next++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      void service.handle({ type: 'request', id, method, params })
    })
  }
  const metrics = (jobId: string, name: string) =>
    events.flatMap((e) => (e.kind === 'metric' && e.jobId === jobId && e.name === name ? [e] : []))
  const finished = (jobId: string) =>
    events.find(
      (e): e is Extract<JobEvent, { kind: 'finished' }> =>
        e.kind === 'finished' && e.jobId === jobId,
    )
  return { service, call, events, metrics, finished }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const t0 = Date.now()
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-inferno-ctl-'))
const e = harness()
afterAll(() => {
  e.service.shutdown()
  rmSync(tmp, { recursive: true, force: true })
})
beforeAll(async () => {
  await e.call('project.create', { path: join(tmp, 'ctl.hepwb') })
})

/** B2 with 2 INFERNO batches per epoch: epochs take a fraction of a second. */
const SMALL = {
  benchmark: 'B2' as const,
  seeds: 1,
  epochs: 8,
  bceEpochs: 1,
  trainEvents: 4000,
  testEvents: 4000,
  batchSize: 1000,
  patience: 0,
}

/** The soft histogram of one process at one epoch, from the metrics `inferno.soft.<p>.<bin>`. */
function softAt(jobId: string, proc: 'signal' | 'background', step: number): number[] {
  const bins: number[] = []
  for (const m of e.events)
    if (m.kind === 'metric' && m.jobId === jobId && m.step === step) {
      const hit = new RegExp(`^inferno\\.soft\\.${proc}\\.(\\d+)$`).exec(m.name)
      if (hit) bins[Number(hit[1])] = m.value
    }
  return bins
}

describe('inferno job control', () => {
  it('pauses, steps one epoch and one batch, resumes; soft histograms stream per epoch', async () => {
    const { jobId } = await e.call('inferno.benchmark', SMALL)
    const s0 = await e.call('inferno.pause', { jobId })
    expect(s0.paused).toBe(true)
    const losses = () => e.metrics(jobId, 'inferno.loss').length
    // A paused job does not advance: nothing for a second (an epoch takes ≪ 1 s here).
    await sleep(600)
    const n0 = losses()
    const b0 = await e.call('inferno.state', { jobId })
    // A step by one batch answers once the batch has run, with what it did: the count and loss.
    const stepped = await e.call('inferno.step', { jobId, unit: 'batch' })
    expect(stepped.batches).toBe(b0.batches + 1)
    expect(stepped.batchLoss).not.toBeNull()
    expect(Number.isFinite(stepped.batchLoss)).toBe(true)
    expect(stepped.paused).toBe(true)
    await sleep(400)
    // Exactly one more batch ran, and no epoch finished (2 batches per epoch; see below).
    const afterBatch = await e.call('inferno.pause', { jobId })
    expect(afterBatch.batches).toBe(b0.batches + 1)
    expect(losses()).toBe(n0)
    // Step epoch: the epoch under way finishes (its loss, validation and soft histograms), no more.
    await e.call('inferno.step', { jobId, unit: 'epoch' })
    await until('an epoch', () => losses() === n0 + 1)
    await sleep(600)
    expect(losses()).toBe(n0 + 1)
    const s1 = await e.call('inferno.step', { jobId, unit: 'epoch' })
    expect(s1.paused).toBe(true)
    await until('another epoch', () => losses() === n0 + 2)
    await sleep(600)
    expect(losses()).toBe(n0 + 2)
    // Two snapshots: each sums to 1 over the 10 bins, and the bins reorganised between them.
    const h1 = softAt(jobId, 'signal', n0)
    const h2 = softAt(jobId, 'signal', n0 + 1)
    const hb = softAt(jobId, 'background', n0 + 1)
    for (const h of [h1, h2, hb]) {
      expect(h).toHaveLength(10)
      expect(h.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6)
    }
    const moved = h1.reduce((a, v, j) => a + Math.abs(v - h2[j]), 0)
    expect(moved).toBeGreaterThan(1e-4)
    // Stepping a running job is refused, saying why.
    await e.call('inferno.resume', { jobId })
    await expect(e.call('inferno.step', { jobId, unit: 'epoch' })).rejects.toThrow(/not paused/)
    await until('the end', () => e.finished(jobId) !== undefined, 30_000)
    const f = e.finished(jobId)!
    expect(f.state, f.error).toBe('done')
    const res = InfernoBenchmarkResult.parse(f.result)
    expect(res.detail.inferno.epochs).toBe(8)
    expect(losses()).toBe(8)
    // The control is gone with the job.
    await expect(e.call('inferno.pause', { jobId })).rejects.toThrow(/no running INFERNO job/)
  }, 60_000)

  it('cancels a paused job', async () => {
    const { jobId } = await e.call('inferno.benchmark', { ...SMALL, epochs: 200 })
    await e.call('inferno.pause', { jobId })
    await sleep(300)
    expect(e.finished(jobId)).toBeUndefined()
    await e.call('jobs.cancel', { jobId })
    await until('the cancel', () => e.finished(jobId) !== undefined, 5000)
    expect(e.finished(jobId)!.state).toBe('cancelled')
  }, 20_000)

  it('studies σ_s against the number of bins: six points, INFERNO and cross entropy', async () => {
    const { jobId } = await e.call('inferno.study', {
      benchmark: { ...SMALL, epochs: 2 },
      parameter: 'bins',
      epochs: 2,
      bceEpochs: 1,
    })
    await until('the study', () => e.finished(jobId) !== undefined, 60_000)
    const f = e.finished(jobId)!
    expect(f.state, f.error).toBe('done')
    const r = InfernoStudyResult.parse(f.result)
    expect(r.points.map((p) => p.value)).toEqual([5, 8, 11, 14, 17, 20])
    for (const p of r.points) {
      // Finite, and not below B0's no-nuisance bound (≈ 15 for a perfect summary) by much; the
      // margin covers the finite test set (4000 events) of this tiny run.
      expect(p.inferno).not.toBeNull()
      expect(p.bce).not.toBeNull()
      expect(p.inferno!).toBeGreaterThan(10)
      expect(p.bce!).toBeGreaterThan(10)
      expect(p.inferno!).toBeLessThan(200)
    }
    expect(r.bceApplies).toBe(true)
    // The points stream as metrics too, in order.
    expect(e.metrics(jobId, 'study.inferno').map((m) => m.value)).toEqual(
      r.points.map((p) => p.inferno),
    )
  }, 90_000)

  // B3 (r and λ constrained): for B2 exports (r and λ free, their α given σ = 10⁴) the stats
  // engine's background-only fit behind the significance does not always converge (Z null).
  it('exports a trained summary as a workspace the Fit view fits: MINOS on mu', async () => {
    const { jobId } = await e.call('inferno.benchmark', { ...SMALL, benchmark: 'B3', epochs: 3 })
    await until('the run', () => e.finished(jobId) !== undefined, 30_000)
    const res = InfernoBenchmarkResult.parse(e.finished(jobId)!.result)
    const ws = res.detail.inferno.workspace
    const out = await e.call('inferno.export', { workspace: ws, name: 'INFERNO B2' })
    const listed = await e.call('fit.workspaces', {})
    expect(listed.map((w) => w.id)).toContain(out.workspaceId)
    // The Fit view's fit, with the run's interpolation codes: the data are the Asimov data of
    // μ = 1, so μ̂ = 1, and the MINOS half width × s (50 events) is the σ_s the run reported
    // (same model, a different code path: the Fit service; ±2%).
    const setup = {
      workspaceId: out.workspaceId,
      patch: null,
      data: 'observed' as const,
      codes: { normsys: 'code4' as const, histosys: 'code2' as const },
    }
    const fitJob = await e.call('fit.fit', { ...setup, minos: ['poi'] })
    await until('the fit', () => e.finished(fitJob.jobId) !== undefined, 30_000)
    const fit = FitOutcome.parse(e.finished(fitJob.jobId)!.result)
    const mu = fit.parameters.find((p) => p.name === 'mu')!
    expect(fit.poi).toBe('mu')
    expect(mu.value).toBeCloseTo(1, 3)
    const [lo, hi] = mu.minos!
    const sigmaS = ((hi! - lo!) / 2) * 50
    expect(Math.abs(sigmaS / res.detail.inferno.profile.sigma! - 1)).toBeLessThan(0.02)
    // Significance of the expected signal works as for any workspace (the Fit view's default
    // codes, pyhf's).
    const sigJob = await e.call('fit.significance', { ...setup, codes: undefined })
    await until('the significance', () => e.finished(sigJob.jobId) !== undefined, 30_000)
    const sig = SignificanceOutcome.parse(e.finished(sigJob.jobId)!.result)
    expect(sig.zObs!).toBeGreaterThan(1)
    // A file export writes the same workspace as pyhf JSON.
    const path = join(tmp, 'inferno-b2.json')
    const wrote = await e.call('inferno.exportFile', { workspace: ws, path })
    expect(JSON.parse(readFileSync(wrote.path, 'utf8'))).toEqual(ws)
    // Not a workspace: refused, saying so, nothing stored.
    await expect(
      e.call('inferno.export', { workspace: { channels: 3 }, name: 'x' }),
    ).rejects.toThrow(/not a pyhf workspace/)
    expect((await e.call('fit.workspaces', {})).length).toBe(listed.length)
  }, 60_000)
})
