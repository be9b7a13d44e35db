/**
 * The signal grid's mass plane as a saved plot's figure (a snapshot of the grid's numbers): the
 * points with the CLs the chart colours them by, the observed and expected contours with the
 * ±1σ lines and band as the engine drew them (app/signal-grid.ts).
 */
import type { GridContours, GridOutcome } from '../../../../shared/contract/grid'
import type { SavePlotParams } from '../../../../shared/contract/plots'
import type { PlaneColour } from './grid-chart'

type Role = 'observed' | 'expected' | 'expectedMinus1' | 'expectedPlus1'

/** "Save to Plots" for the mass plane of `g`; null when it has no two numeric labels. */
export function massPlaneSave(g: GridOutcome, colour: PlaneColour): SavePlotParams | null {
  const [xl, yl] = g.labels
  if (!xl || !yl) return null
  const points = g.points
    .filter((p) => typeof p.values[xl] === 'number' && typeof p.values[yl] === 'number')
    .map((p) => ({
      name: p.name,
      x: p.values[xl] as number,
      y: p.values[yl] as number,
      cls: (colour === 'observed' ? p.hypotest?.clsObs : p.hypotest?.clsExp[2]) ?? null,
    }))
  if (!points.length) return null
  const c = g.contours
  const curve = (role: Role, name: string, line: GridContours['observed']) => ({
    name,
    role,
    pieces: line.lines.map((l) => ({ points: l.points, closed: l.closed })),
  })
  const curves = c
    ? [
        curve('expectedMinus1', 'Expected #minus 1#sigma', c.expectedMinus1),
        curve('expectedPlus1', 'Expected #plus 1#sigma', c.expectedPlus1),
        curve('expected', 'Expected limit', c.expected),
        curve('observed', 'Observed limit', c.observed),
      ].filter((q) => q.pieces.length)
    : []
  const file = g.patchset.split(/[\\/]/).pop() ?? g.patchset
  return {
    name: `Mass plane · ${file}`,
    step: 'fit',
    source: 'Fit · signal grid mass plane',
    recipe: { kind: 'none' },
    figure: {
      kind: 'contour',
      x: { expr: xl, label: '', unit: 'GeV' },
      y: { expr: yl, label: '', unit: 'GeV' },
      cl: g.settings.cl,
      points,
      curves,
      band: c?.band ?? [],
    },
  }
}
