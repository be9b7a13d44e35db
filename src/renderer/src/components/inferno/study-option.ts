/**
 * A one-click study's plot and table: σ of the POI (half the 68% interval) against the studied
 * setting, INFERNO and — where it applies — the cross-entropy baseline. τ spans three decades, so
 * its axis is logarithmic.
 */
import type { InfernoStudyResult, StudyParameter } from '../../../../shared/contract/inferno'
import type { EChartsOption } from '../charts/option'
import { valueAxis } from '../train/chart-style'
import { BCE_COLOUR, INFERNO_COLOUR } from './loss-compare-option'

export const STUDY_LABELS: Record<StudyParameter, string> = {
  bins: 'number of bins',
  tau: 'softmax temperature τ',
  fraction: 'fraction of the training data',
}

export interface StudyRow {
  value: string
  inferno: string
  bce: string
}

const fmt = (v: number | null): string => (v === null ? '—' : v.toFixed(2))

/** Table rows: the setting, INFERNO's σ and the baseline's ('n/a' where it does not apply). */
export function studyRows(r: InfernoStudyResult): StudyRow[] {
  return r.points.map((p) => ({
    value: String(p.value),
    inferno: fmt(p.inferno),
    bce: r.bceApplies ? fmt(p.bce) : 'n/a',
  }))
}

export function studyOption(r: InfernoStudyResult, poiLabel: string): EChartsOption {
  const param = r.config.parameter
  const line = (name: string, data: [number, number][], colour: string) => ({
    type: 'line',
    name,
    data,
    symbolSize: 7,
    lineStyle: { color: colour, width: 2 },
    itemStyle: { color: colour },
  })
  const pts = (k: 'inferno' | 'bce') =>
    r.points.flatMap((p) => (p[k] === null ? [] : [[p.value, p[k]] as [number, number]]))
  const series = [line('INFERNO', pts('inferno'), INFERNO_COLOUR)]
  if (r.bceApplies) series.push(line('cross entropy', pts('bce'), BCE_COLOUR))
  return {
    animation: false,
    backgroundColor: '#fff',
    title: {
      text: `σ of ${poiLabel} vs ${STUDY_LABELS[param]}`,
      left: 'center',
      textStyle: { fontSize: 13 },
    },
    legend: { top: 24, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 64, right: 24, top: 60, bottom: 48 },
    xAxis:
      param === 'tau'
        ? valueAxis(STUDY_LABELS[param], { type: 'log', logBase: 10 })
        : valueAxis(STUDY_LABELS[param], { scale: true, minInterval: param === 'bins' ? 1 : 0 }),
    yAxis: valueAxis(`σ (½ width of the 68% interval)`, { nameGap: 44, scale: true }),
    series,
  } as EChartsOption
}
