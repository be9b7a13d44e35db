/**
 * The signal grid (app/signal-grid.ts) on the ATLAS 1Lbb likelihood and its 9-point patchset
 * subset: every point equals the single hypothesis test and limit that `hepwb hypotest|limit
 * --patch FILE:NAME` computes (the CLI's own model loading), to the last bit; the points come in
 * signal-point order with their labelled values; progress per point; cancel; errors name files.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadCliModel } from '../../../src/main/cli/commands/fit'
import {
  GRID_POINT,
  gridContours,
  gridTasks,
  runSignalGrid,
} from '../../../src/main/engine/app/signal-grid'
import '../../../src/main/engine/app/tasks'
import { runTask, taskKinds } from '../../../src/main/engine/app/task'
import {
  CancelledError,
  silentContext,
  type JobContext,
} from '../../../src/main/engine/jobs/context'
import { AsymptoticCalculator } from '../../../src/main/engine/stats/asymptotics'
import { observedData } from '../../../src/main/engine/stats/likelihood'
import { upperLimit } from '../../../src/main/engine/stats/limit'
import { DATA } from '../io/shared-data'

const LBB = DATA + 'hepdata-pyhf-extractor_1Lbb/'
const WS = LBB + '1Lbb_BkgOnly.json'
const PS = LBB + '1Lbb_patchset_subset.json'

/** A context that records progress and can be cancelled from the outside. */
function recording(): { ctx: JobContext; seen: [number, string | undefined][]; abort: () => void } {
  const ac = new AbortController()
  const seen: [number, string | undefined][] = []
  const base = silentContext(ac.signal)
  return {
    ctx: { ...base, progress: (f, m) => seen.push([f, m]) },
    seen,
    abort: () => ac.abort(),
  }
}

describe('signal grid on the 1Lbb subset', () => {
  it('every point equals the single hypotest and limit of hepwb --patch FILE:NAME, bit for bit', async () => {
    const { ctx, seen } = recording()
    const grid = await runSignalGrid(
      { workspace: WS, patchset: PS, settings: { hypotest: true, limit: true } },
      ctx,
    )
    expect(grid.labels).toEqual(['m1', 'm2'])
    expect(grid.points).toHaveLength(9)
    expect(grid.executor).toBe('this process')
    // Signal-point order: m1, then m2, numerically.
    const mv = grid.points.map((p) => [p.values.m1 as number, p.values.m2 as number])
    expect(mv).toEqual([...mv].sort((a, b) => a[0] - b[0] || a[1] - b[1]))
    const p900 = grid.points.find((p) => p.name === 'C1N2_Wh_hbb_900_250')!
    expect(p900.values).toEqual({ m1: 900, m2: 250 })
    for (const p of grid.points) {
      const model = await loadCliModel(WS, { patch: `${PS}:${p.name}` })
      const h = new AsymptoticCalculator(model, observedData(model), {
        testStat: 'qtilde',
      }).hypotest(1)
      expect(p.hypotest, p.name).toEqual({
        mu: 1,
        clsObs: h.cls,
        clsExp: h.clsExp,
        muHat: h.muHat,
        converged: h.converged,
      })
      const l = upperLimit(model, observedData(model), { cl: 0.95, testStat: 'qtilde' })
      expect(p.limit, p.name).toEqual({ obs: l.obs, exp: l.exp, converged: l.converged })
      expect(p.hypotest!.clsExp[0]).toBeLessThanOrEqual(p.hypotest!.clsExp[4]!)
    }
    // One progress step per point, with the count.
    expect(seen.at(-1)).toEqual([1, '9/9 points'])
    expect(seen.filter(([, m]) => /^\d\/9 points$/.test(m ?? ''))).toHaveLength(10)
    // The contours are computed from the same points.
    expect(grid.contours).toEqual(gridContours(grid.points, grid.labels, 0.05))
  }, 60_000)

  it('only the patches asked for, in signal-point order; --mu elsewhere than 1', async () => {
    const grid = await runSignalGrid(
      {
        workspace: WS,
        patchset: PS,
        patches: ['C1N2_Wh_hbb_900_250', 'C1N2_Wh_hbb_650_0'],
        settings: { mu: 0.5 },
      },
      silentContext(),
    )
    expect(grid.points.map((p) => p.name)).toEqual(['C1N2_Wh_hbb_650_0', 'C1N2_Wh_hbb_900_250'])
    expect(grid.points[0].hypotest!.mu).toBe(0.5)
    expect(grid.points[0].limit).toBeNull()
    const model = await loadCliModel(WS, { patch: `${PS}:C1N2_Wh_hbb_650_0` })
    const h = new AsymptoticCalculator(model, observedData(model)).hypotest(0.5)
    expect(grid.points[0].hypotest!.clsObs).toBe(h.cls)
  }, 30_000)

  it('cancel stops the grid after the point running', async () => {
    const { ctx, abort } = recording()
    let n = 0
    await expect(
      runSignalGrid({ workspace: WS, patchset: PS }, ctx, undefined, () => {
        if (++n === 2) abort()
      }),
    ).rejects.toBeInstanceOf(CancelledError)
    expect(n).toBe(2)
  }, 30_000)

  it('tasks carry file paths and the patch name, not the workspace; the kind is registered', async () => {
    const { tasks } = await gridTasks({ workspace: WS, patchset: PS })
    expect(tasks).toHaveLength(9)
    expect(tasks[0].kind).toBe(GRID_POINT)
    expect(JSON.stringify(tasks[0]).length).toBeLessThan(1000)
    expect(taskKinds()).toContain(GRID_POINT)
    await expect(
      runTask({ kind: GRID_POINT, payload: { patch: 3 } }, silentContext()),
    ).rejects.toThrow(/invalid fit\.grid-point task/)
  })

  it('errors name the file: an unknown patch, a file that is not a patchset', async () => {
    await expect(
      runSignalGrid({ workspace: WS, patchset: PS, patches: ['nope_1_2'] }, silentContext()),
    ).rejects.toThrow(/1Lbb_patchset_subset\.json.*no patch named 'nope_1_2'/)
    await expect(runSignalGrid({ workspace: WS, patchset: WS }, silentContext())).rejects.toThrow(
      /1Lbb_BkgOnly\.json.*not a pyhf patchset/,
    )
  })

  it('a changed file is read again (the per-process cache is keyed by modification time and size)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hepwb-grid-'))
    const ps = JSON.parse(readFileSync(PS, 'utf8'))
    const file = join(dir, 'ps.json')
    ps.patches = ps.patches.slice(0, 3)
    writeFileSync(file, JSON.stringify(ps))
    expect((await gridTasks({ workspace: WS, patchset: file })).tasks).toHaveLength(3)
    ps.patches = ps.patches.slice(0, 1)
    writeFileSync(file, JSON.stringify(ps))
    expect((await gridTasks({ workspace: WS, patchset: file })).tasks).toHaveLength(1)
  })
})
