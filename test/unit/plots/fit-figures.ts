/**
 * Fit-step figures for the plot tests: a signal grid's outcome with the engine's own contours
 * (app/signal-grid.ts) and the pulls of a fit.
 */
import { GridSettings, type GridOutcome, type GridPoint } from '../../../src/shared/contract/grid'
import { Figure } from '../../../src/shared/plot/figure'
import { gridContours } from '../../../src/main/engine/app/signal-grid'

/** A 6 × 5 grid excluded below a sloped line m1 + 1.5 m2 ≈ 800 (expected a little further). */
export function gridOutcome(): GridOutcome {
  const points: GridPoint[] = []
  for (let i = 0; i < 6; i++)
    for (let j = 0; j < 5; j++) {
      const m1 = 300 + 100 * i
      const m2 = 60 * j
      const cls = (d: number) => Math.min(1, Math.exp((m1 + 1.5 * m2 - 800 + d) / 60) * 0.05)
      points.push({
        name: `C1N2_${m1}_${m2}`,
        values: { m1, m2 },
        hypotest: {
          mu: 1,
          clsObs: cls(30),
          clsExp: [cls(-120), cls(-60), cls(0), cls(60), cls(120)],
          muHat: 0,
          converged: true,
        },
        limit: null,
        warnings: [],
        seconds: 0.01,
      })
    }
  return {
    workspace: '/data/BkgOnly.json',
    patchset: '/data/patchset.json',
    labels: ['m1', 'm2'],
    settings: GridSettings.parse({}),
    points,
    contours: gridContours(points, ['m1', 'm2'], 0.05),
    executor: 'this process',
    seconds: 1,
  }
}

export const pullsFigure = Figure.parse({
  kind: 'pulls',
  x: { expr: 'pull', label: '(#theta #minus #theta_{0}) / #Delta#theta' },
  rows: [
    { name: 'lumi', pull: 0.1, error: 0.95 },
    { name: 'jes_NP_1', pull: -0.8, error: 0.7 },
    { name: 'ttbar_xsec', pull: 1.4, error: 0.5 },
    { name: 'unconstrained', pull: null, error: null },
  ],
})
