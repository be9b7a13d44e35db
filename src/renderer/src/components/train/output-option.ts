/**
 * The overtraining check as TMVA draws it: the classifier output on the training events as filled
 * histograms and on the test events as points with error bars, signal and background, each
 * normalised to unit area; the Kolmogorov–Smirnov p-values (train vs test) in the legend.
 */
import type { ClassifierEvaluation } from '../../../../shared/contract/train'
// The option type from echarts itself: charts/echarts.ts needs the DOM, these builders do not.
import type { EChartsOption } from '../charts/option'
import {
  BACKGROUND,
  BACKGROUND_FILL,
  SIGNAL,
  SIGNAL_FILL,
  NO_END_LABELS,
  niceCeil,
  fixed3,
  short,
  valueAxis,
} from './chart-style'
import { toShape } from './shape'
import { filledSeries, pointSeries } from './shape-series'

export type ClassifierOutput = NonNullable<ClassifierEvaluation['output']>

/** Legend labels, the KS p-values on the test entries. */
export function outputLegend(o: ClassifierOutput): {
  sTrain: string
  bTrain: string
  sTest: string
  bTest: string
} {
  return {
    sTrain: 'Signal (train)',
    bTrain: 'Background (train)',
    sTest: `Signal (test), KS p = ${fixed3(o.ks_p_signal)}`,
    bTest: `Background (test), KS p = ${fixed3(o.ks_p_background)}`,
  }
}

export function outputOption(o: ClassifierOutput, xLabel = 'classifier output'): EChartsOption {
  const sTrain = toShape(o.train.lo, o.train.hi, o.train.signal.sumw, o.train.signal.sumw2)
  const bTrain = toShape(o.train.lo, o.train.hi, o.train.background.sumw, o.train.background.sumw2)
  const sTest = toShape(o.test.lo, o.test.hi, o.test.signal.sumw, o.test.signal.sumw2)
  const bTest = toShape(o.test.lo, o.test.hi, o.test.background.sumw, o.test.background.sumw2)
  const names = outputLegend(o)
  const ymax = Math.max(
    ...sTrain.y,
    ...bTrain.y,
    ...sTest.y.map((y, i) => y + sTest.err[i]),
    ...bTest.y.map((y, i) => y + bTest.err[i]),
    0,
  )
  return {
    animation: false,
    backgroundColor: '#fff',
    legend: {
      top: 4,
      left: 70,
      right: 96,
      data: [names.sTrain, names.bTrain, names.sTest, names.bTest],
      textStyle: { fontSize: 11 },
      itemWidth: 14,
      itemHeight: 10,
    },
    tooltip: { trigger: 'item' },
    grid: { left: 70, right: 24, top: 56, bottom: 48 },
    xAxis: valueAxis(xLabel, {
      min: Math.min(o.train.lo, o.test.lo),
      max: Math.max(o.train.hi, o.test.hi),
      axisLabel: { fontSize: 12, formatter: short, hideOverlap: true, ...NO_END_LABELS },
    }),
    yAxis: valueAxis('normalised (1/N dN/dx)', {
      min: 0,
      max: niceCeil(ymax * 1.25),
      nameGap: 48,
    }),
    series: [
      filledSeries(names.sTrain, sTrain, SIGNAL_FILL, SIGNAL),
      filledSeries(names.bTrain, bTrain, BACKGROUND_FILL, BACKGROUND),
      ...pointSeries(names.sTest, sTest, SIGNAL),
      ...pointSeries(names.bTest, bTest, BACKGROUND),
    ],
  }
}
