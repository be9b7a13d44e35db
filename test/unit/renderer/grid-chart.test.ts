/**
 * The signal grid's mass plane (components/fit/grid-chart.ts): points at (m1, m2) coloured by
 * log₁₀ CLs (observed or expected), every contour line drawn under one legend name per kind, the
 * ±1σ band's polygons, axes titled with the labels.
 */
import { describe, expect, it } from 'vitest'
import { gridContours } from '../../../src/main/engine/app/signal-grid'
import type { GridOutcome, GridPoint } from '../../../src/shared/contract/grid'
import { GridSettings } from '../../../src/shared/contract/grid'
import { massPlaneOption } from '../../../src/renderer/src/components/fit/grid-chart'

type Series = { type: string; name: string; data: unknown[] }

/** A 5 × 5 grid whose CLs falls with m1 (excluded below m1 ≈ 500) and is 0 at one point. */
function outcome(): GridOutcome {
  const points: GridPoint[] = []
  for (let i = 0; i < 5; i++)
    for (let j = 0; j < 5; j++) {
      const m1 = 200 + 150 * i
      const m2 = 50 * j
      const cls = (d: number) => Math.min(1, Math.exp((m1 - 500 + d) / 80) * 0.05)
      points.push({
        name: `p_${m1}_${m2}`,
        values: { m1, m2 },
        hypotest: {
          mu: 1,
          clsObs: i === 0 && j === 0 ? 0 : cls(0),
          clsExp: [cls(-100), cls(-50), cls(0), cls(50), cls(100)],
          muHat: 0,
          converged: true,
        },
        limit: null,
        warnings: [],
        seconds: 0.01,
      })
    }
  return {
    workspace: 'ws.json',
    patchset: 'ps.json',
    labels: ['m1', 'm2'],
    settings: GridSettings.parse({}),
    points,
    contours: gridContours(points, ['m1', 'm2'], 0.05),
    executor: 'this process',
    seconds: 1,
  }
}

describe('mass plane option', () => {
  it('draws the points, the contours and the band', () => {
    const g = outcome()
    const o = massPlaneOption(g) as {
      series: Series[]
      xAxis: { name: string }
      yAxis: { name: string }
    }
    expect(o.xAxis.name).toBe('m1 [GeV]')
    expect(o.yAxis.name).toBe('m2 [GeV]')
    const byName = (n: string) => o.series.filter((s) => s.name === n)
    expect(byName('Observed')).toHaveLength(g.contours!.observed.lines.length)
    expect(byName('Observed').length).toBeGreaterThan(0)
    expect(byName('Expected')).toHaveLength(g.contours!.expected.lines.length)
    const band = o.series.find((s) => s.type === 'custom')!
    expect(band.data).toHaveLength(g.contours!.band.length)
    expect(g.contours!.band.length).toBeGreaterThan(0)
    const scatter = o.series.find((s) => s.type === 'scatter')!
    const vals = (scatter.data as { value: number[] }[]).map((d) => d.value)
    expect(vals).toHaveLength(25)
    // log10 CLs, clamped at 10⁻⁴ (CLs = 0 at the first point).
    expect(vals[0][2]).toBe(-4)
    expect(vals[12][2]).toBeCloseTo(Math.log10(0.05 * Math.exp(0)), 12)
  })

  it('colours by the expected CLs on request', () => {
    const g = outcome()
    const o = massPlaneOption(g, 'expected') as { series: Series[] }
    const scatter = o.series.find((s) => s.type === 'scatter')!
    expect(scatter.name).toBe('Expected CLs')
    const first = (scatter.data as { value: number[] }[])[0].value
    expect(first[2]).toBeCloseTo(Math.log10(g.points[0].hypotest!.clsExp[2]!), 12)
  })
})
