/**
 * Learn's charts as saved plots (the Plots step): each a snapshot of the numbers the view shows
 * (recipe `none`: a Learn run lives only in the engine's session, so there is nothing to
 * recompute later) — the decision boundary as a heat map over the plane, the loss curves, the
 * output distributions, the ROC, and a study lesson's histograms and ROCs.
 */
import type { SavePlotParams } from '../../../../shared/contract/plots'
import type {
  LearnDataInfo,
  LearnHistogram,
  LearnSnapshot,
  StudyFigure,
} from '../../../../shared/contract/learn'
import type { LineSeries } from '../../../../shared/plot/figure'
import { BACKGROUND, SIGNAL } from '../train/chart-style'
import { thin } from '../train/roc-option'

const line = (
  name: string,
  x: number[],
  y: (number | null)[],
  colour: string | null,
  draw: LineSeries['draw'] = 'line',
  dash: LineSeries['dash'] = 'solid',
): LineSeries => ({ name, x, y, colour, draw, dash })

const save = (name: string, source: string, figure: SavePlotParams['figure']): SavePlotParams => ({
  name,
  tags: ['learn'],
  step: 'learn',
  source: `Learn · ${source}`,
  recipe: { kind: 'none' },
  figure,
})

/** Where the run stands, for the plot's name ("step 120, epoch 2.4"). */
const at = (s: LearnSnapshot) => `step ${s.step}, epoch ${s.epoch.toFixed(1)}`

/**
 * The network output over the plane (grid × grid, rows from the plane's y minimum up). Cells are
 * labelled by their centres, every few cells only: 40 labels per axis would overprint.
 */
export function boundaryPlot(s: LearnSnapshot, d: LearnDataInfo): SavePlotParams {
  const n = s.grid
  const every = Math.ceil(n / 8)
  const centres = ([lo, hi]: [number, number]) =>
    Array.from({ length: n }, (_, k) =>
      k % every ? '' : Number((lo + ((hi - lo) * (k + 0.5)) / n).toPrecision(3)),
    )
  const values = Array.from({ length: n }, (_, r) => s.boundary.slice(r * n, (r + 1) * n))
  const slice = d.slice ? ` (slice at ${d.slice})` : ''
  return save(`Learn · decision boundary, ${at(s)}${slice}`, 'decision boundary', {
    kind: 'heatmap',
    flavour: 'boundary',
    xLabels: centres(d.plane.xRange).map(String),
    yLabels: centres(d.plane.yRange).map(String),
    values,
    x: { expr: d.plane.x, label: '', unit: '' },
    y: { expr: d.plane.y, label: '', unit: '' },
    z: { expr: 'network output', label: '', unit: '' },
    diverging: false,
  })
}

export function lossPlot(s: LearnSnapshot): SavePlotParams {
  const h = s.history
  return save(`Learn · loss, ${at(s)}`, 'loss', {
    kind: 'lines',
    flavour: 'loss',
    x: { expr: 'epoch', label: '', unit: '' },
    y: { expr: 'loss', label: 'binary cross entropy', unit: '' },
    series: [
      line('training', h.epoch, h.train, '#333333'),
      line('validation (test events)', h.epoch, h.test, '#e08a00', 'line', 'dashed'),
    ],
    refLines: [],
  })
}

function centres(h: LearnHistogram): number[] {
  const w = (h.hi - h.lo) / h.signal.length
  return h.signal.map((_, i) => h.lo + (i + 0.5) * w)
}

export function outputPlot(s: LearnSnapshot): SavePlotParams {
  const { train, test } = s.output
  const x = centres(train)
  return save(`Learn · output, ${at(s)}`, 'output distributions', {
    kind: 'lines',
    flavour: 'overtraining',
    x: { expr: 'network output', label: '', unit: '' },
    y: { expr: 'density', label: '', unit: '' },
    series: [
      line('signal (train)', x, train.signal, SIGNAL, 'step'),
      line('background (train)', x, train.background, BACKGROUND, 'step'),
      line('signal (test)', x, test.signal, SIGNAL, 'points'),
      line('background (test)', x, test.background, BACKGROUND, 'points'),
    ],
    refLines: [],
  })
}

/** As the view draws it: signal efficiency against background rejection 1 − ε_B. */
export function rocPlot(s: LearnSnapshot): SavePlotParams {
  const pts = thin(s.roc.effS.map((e, i) => [e, 1 - s.roc.effB[i]] as const))
  const auc = s.roc.aucTest === null ? '' : ` (AUC = ${s.roc.aucTest.toFixed(3)})`
  return save(`Learn · ROC, ${at(s)}`, 'ROC', {
    kind: 'lines',
    flavour: 'roc',
    x: { expr: 'eff_s', label: '#varepsilon_{S}', unit: '' },
    y: { expr: 'roc_rejection', label: '1 − #varepsilon_{B}', unit: '' },
    series: [
      line(
        `test${auc}`,
        pts.map((p) => p[0]),
        pts.map((p) => p[1]),
        SIGNAL,
      ),
    ],
    refLines: [],
  })
}

/** The curve plots in the order the view draws its curves (loss, output, ROC); gradients: none. */
export const CURVE_PLOTS = [lossPlot, outputPlot, rocPlot, null] as const

const ROLE_COLOURS: Record<string, string> = {
  signal: SIGNAL,
  background: BACKGROUND,
  model: SIGNAL,
  baseline: '#e08a00',
  up: '#7a5eb2',
  down: '#2ca02c',
  without: '#8fa8c8',
  with: SIGNAL,
}

/**
 * A study lesson's histogram (as steps) or curves (ROCs); null for bars (a Plots figure has no
 * grouped bars: those charts export as SVG / PNG).
 */
export function studyPlot(f: StudyFigure, lesson: string, stage: string): SavePlotParams | null {
  if (f.kind === 'bars') return null
  return save(`Learn · ${lesson} · ${stage} · ${f.title}`.slice(0, 200), `lesson ${lesson}`, {
    kind: 'lines',
    flavour: f.kind === 'curve' ? 'roc' : 'histogram',
    x: { expr: f.xLabel, label: '', unit: '' },
    y: { expr: f.yLabel, label: '', unit: '' },
    series: f.series.map((s) =>
      line(
        s.name,
        s.x,
        s.y.map((v) => (Number.isFinite(v) ? v : null)),
        ROLE_COLOURS[s.role] ?? null,
        f.kind === 'histogram' ? 'step' : 'line',
      ),
    ),
    refLines: [],
  })
}
