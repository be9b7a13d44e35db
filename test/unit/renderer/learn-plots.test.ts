/**
 * Learn's charts as saved plots (components/learn/plot-requests.ts): built from a real playground
 * session's snapshot and a real study lesson stage, each request is a valid `plots.save` request
 * whose numbers are the ones the view draws (the boundary cell by cell, the ROC, the losses).
 */
import type * as TF from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../../../src/main/engine/ml/backend'
import { ANOMALY_LESSON } from '../../../src/main/engine/ml/playground/anomaly-lesson'
import { PlaygroundSession } from '../../../src/main/engine/ml/playground/session'
import { dataInfo, snapshot } from '../../../src/main/engine/ml/playground/snapshot'
import { StudyRun } from '../../../src/main/engine/ml/playground/study'
import { toyEvents } from '../../../src/main/engine/ml/playground/toy-sets'
import {
  boundaryPlot,
  CURVE_PLOTS,
  lossPlot,
  rocPlot,
  studyPlot,
} from '../../../src/renderer/src/components/learn/plot-requests'
import { LearnSettings, type LearnSnapshot } from '../../../src/shared/contract/learn'
import { SavePlotParams } from '../../../src/shared/contract/plots'

let tf: typeof TF
beforeAll(async () => {
  tf = (await chooseBackend('wasm')).tf
})

describe('Learn charts to Plots', () => {
  it('the boundary, loss, output and ROC of a playground run are saved as drawn', () => {
    const settings = LearnSettings.parse({ layers: [4], seed: 2 })
    const data = { kind: 'toy' as const, set: 'circles' as const, events: 300, noise: 0.1 }
    const session = new PlaygroundSession(
      tf,
      toyEvents({ signalFraction: 0.5, scale: 1, offset: 0, ...data }, 2),
      settings,
    )
    for (let k = 0; k < 30; k++) session.step()
    const s = { session: 'x', ...snapshot(session), lesson: null, millis: 0 } as LearnSnapshot
    const info = dataInfo(session)
    session.dispose()

    const map = SavePlotParams.parse(boundaryPlot(s, info))
    expect(map.step).toBe('learn')
    expect(map.recipe.kind).toBe('none')
    const fig = map.figure!
    if (fig.kind !== 'heatmap') throw new Error('a heat map')
    expect(fig.values).toHaveLength(s.grid)
    // Row r, column c is grid point r·n + c (x fastest, from the plane's minimum).
    const n = s.grid
    for (const [r, c] of [
      [0, 0],
      [3, n - 1],
      [n - 1, 5],
    ])
      expect(fig.values[r][c]).toBe(s.boundary[r * n + c])
    expect(fig.x.expr).toBe(info.plane.x)
    // The first cell is labelled by its centre; labels are sparse so that they do not overprint.
    const [x0, x1] = info.plane.xRange
    expect(Number(fig.xLabels[0])).toBeCloseTo(x0 + (x1 - x0) / (2 * n), 2)
    expect(fig.xLabels.filter((l) => l !== '').length).toBeLessThanOrEqual(10)

    const loss = SavePlotParams.parse(lossPlot(s)).figure!
    if (loss.kind !== 'lines') throw new Error('lines')
    expect(loss.series[0].y).toEqual(s.history.train)
    expect(loss.series[1].y).toEqual(s.history.test)

    const roc = SavePlotParams.parse(rocPlot(s)).figure!
    if (roc.kind !== 'lines') throw new Error('lines')
    expect(roc.series[0].name).toContain(s.roc.aucTest!.toFixed(3))
    expect(roc.series[0].y[0]).toBeCloseTo(1 - s.roc.effB[0], 12)

    // Every curve the view draws except the gradient bars has its saved plot.
    for (const make of CURVE_PLOTS) if (make) SavePlotParams.parse(make(s))
    expect(CURVE_PLOTS[3]).toBeNull()
  })

  it(
    'a study lesson’s histograms and ROCs are saved; its bars are not',
    { timeout: 60_000 },
    async () => {
      const run = new StudyRun(ANOMALY_LESSON, 'r')
      await run.stage(tf)
      const stage = run.progress().stages[0]
      const saved = stage.figures.map((f) => studyPlot(f, ANOMALY_LESSON.title, stage.label))
      expect(saved.every((p) => p !== null)).toBe(true)
      const score = SavePlotParams.parse(saved[0]).figure!
      if (score.kind !== 'lines') throw new Error('lines')
      expect(score.series.map((x) => x.draw)).toEqual(['step', 'step'])
      expect(score.series[1].y).toEqual(stage.figures[0].series[1].y)
      expect(
        studyPlot({ ...stage.figures[0], kind: 'bars' }, ANOMALY_LESSON.title, stage.label),
      ).toBeNull()
    },
  )
})
