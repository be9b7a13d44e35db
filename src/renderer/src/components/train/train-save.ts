/**
 * The Train step's overtraining check and efficiency-vs-cut chart as saved plots (snapshots of
 * the evaluation's numbers), as `lines` figures: the training shapes as step outlines, the test
 * shapes as points with √Σw² error bars (TMVA's overtraining plot), each normalised to unit
 * area; the signal and background efficiencies against the cut with the best cut marked; the
 * input variables' shapes; the input correlation matrices.
 */
import type { ClassifierEvaluation, SplitHistogram } from '../../../../shared/contract/train'
import type { SavePlotParams } from '../../../../shared/contract/plots'
import { escapeMarkup } from '../../../../shared/plot/markup'
import { BACKGROUND, SIGNAL } from './chart-style'
import { outputLegend, type ClassifierOutput } from './output-option'
import { toShape, type Shape } from './shape'
import { correlationPlot } from '../plots/correlation-plot'

type Efficiency = NonNullable<ClassifierEvaluation['efficiency']>

const hex = (c: string) => (/^#[0-9a-fA-F]{6}$/.test(c) ? c : null)

/** A shape as a step outline: x the edges, y each bin's value (the last repeated). */
function step(name: string, s: Shape, colour: string) {
  return {
    name,
    x: s.edges,
    y: [...s.y, s.y[s.y.length - 1] ?? 0],
    colour: hex(colour),
    draw: 'step' as const,
  }
}

/** A shape as points at the bin centres with its error bars. */
function points(name: string, s: Shape, colour: string) {
  return {
    name,
    x: s.y.map((_, i) => (s.edges[i] + s.edges[i + 1]) / 2),
    y: s.y,
    yLo: s.y.map((y, i) => y - s.err[i]),
    yHi: s.y.map((y, i) => y + s.err[i]),
    colour: hex(colour),
    draw: 'points' as const,
  }
}

export function overtrainingSave(model: string, o: ClassifierOutput): SavePlotParams {
  const shape = (h: ClassifierOutput['train'], which: 'signal' | 'background') =>
    toShape(h.lo, h.hi, h[which].sumw, h[which].sumw2)
  const names = outputLegend(o)
  return {
    name: `Overtraining · ${model}`,
    step: 'train',
    source: 'Train · overtraining check',
    recipe: { kind: 'none' },
    figure: {
      kind: 'lines',
      flavour: 'overtraining',
      x: { expr: 'output', label: `${escapeMarkup(model)} output`, unit: '' },
      y: { expr: 'density', label: '1/N dN/dx', unit: '' },
      series: [
        step(names.sTrain, shape(o.train, 'signal'), SIGNAL),
        step(names.bTrain, shape(o.train, 'background'), BACKGROUND),
        points(names.sTest, shape(o.test, 'signal'), SIGNAL),
        points(names.bTest, shape(o.test, 'background'), BACKGROUND),
      ],
    },
  }
}

export function efficiencySave(model: string, e: Efficiency): SavePlotParams {
  return {
    name: `Efficiency vs cut · ${model}`,
    step: 'train',
    source: 'Train · efficiency vs cut',
    recipe: { kind: 'none' },
    figure: {
      kind: 'lines',
      flavour: 'efficiency',
      x: { expr: 'cut', label: `Cut on ${escapeMarkup(model)} output`, unit: '' },
      y: { expr: 'efficiency', label: 'Efficiency', unit: '' },
      series: [
        { name: 'Signal efficiency', x: e.cut, y: e.eff_s, colour: hex(SIGNAL) },
        { name: 'Background efficiency', x: e.cut, y: e.eff_b, colour: hex(BACKGROUND) },
      ],
      refLines: e.best
        ? [
            {
              axis: 'x',
              value: e.best.cut,
              label: `best S/#sqrt{S+B}: ${e.best.cut.toPrecision(3)}`,
            },
          ]
        : [],
    },
  }
}

/** The inputs' linear correlations among signal or background events, as a heatmap. */
export function trainCorrelationSave(
  model: string,
  role: 'Signal' | 'Background',
  variables: readonly string[],
  matrix: readonly (readonly (number | null)[])[],
): SavePlotParams {
  const labels = variables.map((v) => escapeMarkup(v))
  return correlationPlot({
    name: `Correlations, ${role.toLowerCase()} · ${model}`,
    step: 'train',
    source: `Train · input correlations (${role.toLowerCase()})`,
    labels,
    values: matrix.map((row) => [...row]),
    zLabel: `Correlation coefficient (${role.toLowerCase()})`,
    heightCm: 12,
  })
}

/** One input's signal and background shapes (unit area, training and test events together). */
export function inputShapeSave(
  model: string,
  h: SplitHistogram & { input: string },
): SavePlotParams {
  const s = toShape(h.lo, h.hi, h.signal.sumw, h.signal.sumw2)
  const b = toShape(h.lo, h.hi, h.background.sumw, h.background.sumw2)
  return {
    name: `Input ${h.input} · ${model}`,
    step: 'train',
    source: 'Train · input variable shapes',
    recipe: { kind: 'none' },
    figure: {
      kind: 'lines',
      flavour: 'shapes',
      x: { expr: h.input, label: escapeMarkup(h.input), unit: '' },
      y: { expr: 'density', label: '1/N dN/dx', unit: '' },
      series: [step('Signal', s, SIGNAL), step('Background', b, BACKGROUND)],
    },
  }
}
