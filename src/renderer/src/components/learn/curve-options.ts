/**
 * The Learn view's curves beside the maps, as ECharts options: training and validation loss,
 * the output of signal and background (training filled, test as points: the overtraining plot,
 * with the KS p-values), the ROC with its AUC, and the gradient size per layer (log scale, so
 * that vanishing and exploding gradients show).
 */
import type { EChartsOption } from '../charts/option'
import type { LearnHistogram, LearnSnapshot } from '../../../../shared/contract/learn'
import { BACKGROUND, BACKGROUND_FILL, SIGNAL, SIGNAL_FILL, valueAxis } from '../train/chart-style'

const base = (title: string): EChartsOption => ({
  animation: false,
  backgroundColor: '#fff',
  // Left-aligned: the export buttons sit at the top right.
  title: { text: title, left: 8, top: 2, textStyle: { fontSize: 12 } },
  legend: { top: 22, left: 8, textStyle: { fontSize: 10 }, itemWidth: 14, itemHeight: 8 },
  grid: { left: 56, right: 14, top: 52, bottom: 40 },
  tooltip: { trigger: 'axis' },
})

const f3 = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3))

export function lossCurves(s: LearnSnapshot): EChartsOption {
  const h = s.history
  const pts = (v: (number | null)[]) => h.epoch.map((e, i) => [e, v[i]])
  return {
    ...base('Loss (binary cross entropy)'),
    xAxis: valueAxis('epoch', { min: 0, scale: true }),
    yAxis: valueAxis('loss', { scale: true, nameGap: 40 }),
    series: [
      {
        type: 'line',
        name: 'training',
        data: pts(h.train),
        showSymbol: false,
        lineStyle: { color: '#333', width: 2 },
        itemStyle: { color: '#333' },
      },
      {
        type: 'line',
        name: 'validation (test events)',
        data: pts(h.test),
        showSymbol: false,
        lineStyle: { color: '#e08a00', width: 2, type: 'dashed' },
        itemStyle: { color: '#e08a00' },
      },
    ],
  }
}

function centres(h: LearnHistogram): number[] {
  const w = (h.hi - h.lo) / h.signal.length
  return h.signal.map((_, i) => h.lo + (i + 0.5) * w)
}

export function outputCurves(s: LearnSnapshot): EChartsOption {
  const { train, test, ksSignal, ksBackground } = s.output
  const x = centres(train)
  const filled = (values: number[], name: string, colour: string, fill: string) => ({
    type: 'line',
    name,
    step: 'middle',
    data: x.map((c, i) => [c, values[i]]),
    showSymbol: false,
    lineStyle: { color: colour, width: 1.5 },
    areaStyle: { color: fill },
    itemStyle: { color: colour },
  })
  const points = (values: number[], name: string, colour: string) => ({
    type: 'scatter',
    name,
    data: x.map((c, i) => [c, values[i]]),
    symbolSize: 5,
    itemStyle: { color: colour },
  })
  return {
    ...base(`Output · KS p train vs test: S ${f3(ksSignal)}, B ${f3(ksBackground)}`),
    grid: { left: 56, right: 14, top: 66, bottom: 40 },
    xAxis: valueAxis('network output', { min: 0, max: 1 }),
    yAxis: valueAxis('density', { nameGap: 40 }),
    series: [
      filled(train.signal, 'signal (train)', SIGNAL, SIGNAL_FILL),
      filled(train.background, 'background (train)', BACKGROUND, BACKGROUND_FILL),
      points(test.signal, 'signal (test)', SIGNAL),
      points(test.background, 'background (test)', BACKGROUND),
    ],
  }
}

export function rocCurve(s: LearnSnapshot): EChartsOption {
  const { effS, effB, aucTest, aucTrain } = s.roc
  return {
    ...base(`ROC (test) · AUC ${f3(aucTest)} (train ${f3(aucTrain)})`),
    grid: { left: 56, right: 14, top: 32, bottom: 40 },
    legend: undefined,
    tooltip: { trigger: 'item' },
    xAxis: valueAxis('signal efficiency', { min: 0, max: 1 }),
    yAxis: valueAxis('background rejection 1 − ε_B', { min: 0, max: 1, nameGap: 40 }),
    series: [
      {
        type: 'line',
        data: effS.map((e, i) => [e, 1 - effB[i]]),
        showSymbol: false,
        lineStyle: { color: SIGNAL, width: 2 },
      },
      {
        type: 'line',
        data: [
          [0, 1],
          [1, 0],
        ],
        showSymbol: false,
        silent: true,
        lineStyle: { color: '#aaa', type: 'dotted' },
      },
    ],
  }
}

export function gradientBars(s: LearnSnapshot): EChartsOption {
  const names = [...s.settings.layers.map((_, k) => `hidden ${k + 1}`), 'output']
  return {
    ...base('Gradient size ‖∂loss/∂W‖ per layer (last batch)'),
    grid: { left: 56, right: 14, top: 32, bottom: 40 },
    legend: undefined,
    xAxis: { type: 'category', data: names, axisLabel: { fontSize: 10 } },
    yAxis: { type: 'log', name: 'norm', nameGap: 40, nameLocation: 'middle' },
    series: [
      {
        type: 'bar',
        data: s.gradientNorms.map((v) => (v === null || v <= 0 ? null : v)),
        itemStyle: { color: '#7a5eb2' },
        barMaxWidth: 28,
      },
    ],
  }
}
