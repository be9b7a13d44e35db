/**
 * The Tune view's charts as pure ECharts options, built for thousands of trials (Optuna's
 * dashboard users report hangs there): no animation, one series per state (never one per
 * trial — the intermediate curves are one line series with a gap between trials), `large`
 * scatter and progressive rendering. Log axes where a parameter or the objective is log.
 */
import type { TuneSpace, TuneTrial } from '../../../../shared/contract/tune'
import type { EChartsOption } from '../charts/option'
import { valueAxis } from '../train/chart-style'

export const STATE_COLOURS = {
  complete: '#1f5fa8',
  pruned: '#ff7f0e',
  failed: '#d62728',
  running: '#2ca02c',
} as const

/** A parameter as the charts need it: name, whether numeric, log, and the choices. */
export interface ParamAxis {
  readonly name: string
  readonly log: boolean
  /** Choices (as JSON text) of a categorical parameter; null for numbers. */
  readonly categories: readonly string[] | null
}

/** An axis label without float noise (a log axis's 1e-4 is not 0.00009999999999999999). */
const tick = (v: number): string => String(Number(v.toPrecision(4)))

/** Trials the plots show: every one, or (hide) only the complete ones. */
export function shownTrials(trials: readonly TuneTrial[], hide: boolean): TuneTrial[] {
  return trials.filter((t) => (hide ? t.state === 'complete' : t.state !== 'running'))
}

const short = (name: string) => name.replace(/^options\./, '')
const better = (direction: 'minimize' | 'maximize') => (a: number, b: number) =>
  direction === 'maximize' ? a > b : a < b

/** Objective per trial (one scatter per state) and the running best of complete trials. */
export function historyOption(
  trials: readonly TuneTrial[],
  objective: { name: string; direction: 'minimize' | 'maximize' },
  hide: boolean,
  logY = false,
): EChartsOption {
  const shown = shownTrials(trials, hide)
  const states = ['complete', 'pruned', 'failed'] as const
  const best: [number, number][] = []
  let cur: number | null = null
  const isBetter = better(objective.direction)
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    if (t.state !== 'complete' || t.value === null) continue
    if (cur === null || isBetter(t.value, cur)) cur = t.value
    best.push([t.number, cur])
  }
  return {
    animation: false,
    backgroundColor: '#fff',
    legend: { top: 0, left: 0 },
    tooltip: { trigger: 'item' },
    grid: { left: 70, right: 20, top: 30, bottom: 45 },
    xAxis: valueAxis('trial', { nameLocation: 'middle', nameGap: 28 }),
    yAxis: valueAxis(objective.name, { type: logY ? 'log' : 'value', scale: true, nameGap: 50 }),
    series: [
      ...states.map((s) => ({
        name: s,
        type: 'scatter',
        large: true,
        largeThreshold: 500,
        symbolSize: 6,
        itemStyle: { color: STATE_COLOURS[s] },
        data: shown
          .filter((t) => t.state === s && t.value !== null)
          .map((t) => [t.number, t.value]),
      })),
      {
        name: 'best so far',
        type: 'line',
        step: 'end',
        showSymbol: false,
        lineStyle: { color: '#222', width: 1.5 },
        data: best,
      },
    ],
  }
}

/**
 * Validation loss per epoch for every trial: one line series per state, trials separated by a
 * gap (a null point), so a pruned trial is visibly a line cut off at its rung.
 */
export function intermediateOption(
  trials: readonly TuneTrial[],
  hide: boolean,
  includeRunning = true,
): EChartsOption {
  const shown = trials.filter(
    (t) => (includeRunning && t.state === 'running') || shownTrials([t], hide).length,
  )
  const states = ['complete', 'pruned', 'failed', 'running'] as const
  const series = states.map((s) => {
    const data: (number | null)[][] = []
    for (const t of shown) {
      if (t.state !== s || !t.intermediate.length) continue
      t.intermediate.forEach((v, i) => data.push([i + 1, v]))
      data.push([null, null])
    }
    return {
      name: s,
      type: 'line',
      // A trial pruned after its first epoch is a single point: pruned and failed ones get markers.
      showSymbol: s !== 'complete',
      symbolSize: 4,
      connectNulls: false,
      progressive: 2000,
      lineStyle: { width: 1, opacity: s === 'complete' ? 0.6 : 0.8, color: STATE_COLOURS[s] },
      itemStyle: { color: STATE_COLOURS[s] },
      data,
    }
  })
  return {
    animation: false,
    backgroundColor: '#fff',
    legend: { top: 0, left: 0 },
    grid: { left: 70, right: 20, top: 30, bottom: 45 },
    xAxis: valueAxis('epoch', { nameLocation: 'middle', nameGap: 28, minInterval: 1 }),
    yAxis: valueAxis('validation loss', { scale: true, nameGap: 50 }),
    series: series.filter((s) => s.data.length),
  }
}

/** The value a parameter takes on its axis: the category's index for choices. */
function axisValue(p: ParamAxis, v: unknown): number | string | null {
  if (v === undefined) return null
  if (p.categories) return JSON.stringify(v)
  return typeof v === 'number' ? v : null
}

/** Parallel coordinates: one axis per parameter and the objective, a line per trial. */
export function parallelOption(
  trials: readonly TuneTrial[],
  params: readonly ParamAxis[],
  objective: { name: string },
  hide: boolean,
): EChartsOption {
  const shown = shownTrials(trials, hide).filter((t) => t.value !== null)
  const dims = [
    ...params.map((p, i) => ({
      dim: i,
      name: short(p.name),
      ...(p.categories
        ? { type: 'category', data: [...p.categories] }
        : { type: p.log ? 'log' : 'value', scale: true }),
    })),
    { dim: params.length, name: objective.name, type: 'value', scale: true },
  ]
  const values = shown.map((t) => t.value as number)
  return {
    animation: false,
    backgroundColor: '#fff',
    parallel: { left: 60, right: 120, top: 40, bottom: 30 },
    parallelAxis: dims,
    visualMap: values.length
      ? {
          show: true,
          type: 'continuous',
          dimension: params.length,
          min: Math.min(...values),
          max: Math.max(...values),
          right: 0,
          top: 'middle',
          itemHeight: 120,
          inRange: { color: ['#d62728', '#fdae61', '#1f5fa8'] },
          text: ['', objective.name],
        }
      : undefined,
    series: [
      {
        type: 'parallel',
        progressive: 500,
        smooth: false,
        lineStyle: { width: 1, opacity: shown.length > 300 ? 0.25 : 0.6 },
        data: shown.map((t) => [...params.map((p) => axisValue(p, t.params[p.name])), t.value]),
      },
    ],
  }
}

/** The objective against one parameter (a slice plot), coloured by trial number. */
export function sliceOption(
  trials: readonly TuneTrial[],
  param: ParamAxis,
  objective: { name: string },
  hide: boolean,
  logY = false,
): EChartsOption {
  const shown = shownTrials(trials, hide).filter(
    (t) => t.value !== null && t.params[param.name] !== undefined,
  )
  const n = Math.max(1, ...shown.map((t) => t.number))
  return {
    animation: false,
    backgroundColor: '#fff',
    title: { text: short(param.name), left: 'center', textStyle: { fontSize: 12 } },
    grid: { left: 55, right: 10, top: 28, bottom: 30 },
    tooltip: { trigger: 'item' },
    xAxis: param.categories
      ? { type: 'category', data: [...param.categories], axisLabel: { fontSize: 10 } }
      : valueAxis('', {
          type: param.log ? 'log' : 'value',
          scale: true,
          axisLabel: { formatter: tick, fontSize: 12, hideOverlap: true },
        }),
    yAxis: valueAxis(objective.name, { type: logY ? 'log' : 'value', scale: true, nameGap: 40 }),
    visualMap: {
      show: false,
      dimension: 2,
      min: 0,
      max: n,
      inRange: { color: ['#c6dbef', '#08306b'] },
    },
    series: [
      {
        type: 'scatter',
        large: true,
        largeThreshold: 1000,
        symbolSize: 5,
        data: shown.map((t) => [axisValue(param, t.params[param.name]), t.value, t.number]),
      },
    ],
  }
}

/**
 * Parameter importance as the main-effect share of the objective's variance (the first-order
 * term of fANOVA, estimated without a forest): each parameter's values are put in up to 8
 * quantile bins (choices: one bin each), and its importance is the correlation ratio η² =
 * between-bin variance / total variance over the complete trials where it is set, normalised
 * to sum 1 over the parameters. Returns the parameters by importance, largest first.
 */
export function paramImportance(
  trials: readonly TuneTrial[],
  params: readonly ParamAxis[],
): { name: string; importance: number }[] {
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== null)
  const raw = params.map((p) => {
    const rows = complete
      .filter((t) => t.params[p.name] !== undefined)
      .map((t) => ({ key: t.params[p.name], y: t.value as number }))
    if (rows.length < 3) return 0
    let bins: number[]
    if (p.categories) {
      const idx = new Map<string, number>()
      bins = rows.map((r) => {
        const k = JSON.stringify(r.key)
        if (!idx.has(k)) idx.set(k, idx.size)
        return idx.get(k)!
      })
    } else {
      const xs = rows.map((r) => (p.log ? Math.log(r.key as number) : (r.key as number)))
      const sorted = [...xs].sort((a, b) => a - b)
      const nb = Math.min(8, Math.max(2, Math.floor(rows.length / 5)))
      const edges = Array.from(
        { length: nb - 1 },
        (_, i) => sorted[Math.floor(((i + 1) * rows.length) / nb)],
      )
      bins = xs.map((x) => edges.filter((e) => x >= e).length)
    }
    const mean = rows.reduce((s, r) => s + r.y, 0) / rows.length
    const total = rows.reduce((s, r) => s + (r.y - mean) ** 2, 0)
    if (!(total > 0)) return 0
    const sums = new Map<number, { s: number; n: number }>()
    rows.forEach((r, i) => {
      const b = sums.get(bins[i]) ?? { s: 0, n: 0 }
      b.s += r.y
      b.n++
      sums.set(bins[i], b)
    })
    let between = 0
    for (const { s, n } of sums.values()) between += n * (s / n - mean) ** 2
    return between / total
  })
  const sum = raw.reduce((a, b) => a + b, 0)
  return params
    .map((p, i) => ({ name: p.name, importance: sum > 0 ? raw[i] / sum : 0 }))
    .sort((a, b) => b.importance - a.importance)
}

export function importanceOption(rows: { name: string; importance: number }[]): EChartsOption {
  const r = [...rows].reverse()
  return {
    animation: false,
    backgroundColor: '#fff',
    grid: { left: 140, right: 30, top: 10, bottom: 35 },
    tooltip: { trigger: 'axis' },
    xAxis: valueAxis('importance (η², normalised)', {
      nameLocation: 'middle',
      nameGap: 24,
      max: 1,
    }),
    yAxis: { type: 'category', data: r.map((x) => short(x.name)) },
    series: [
      {
        type: 'bar',
        itemStyle: { color: '#1f5fa8' },
        data: r.map((x) => Number(x.importance.toFixed(4))),
      },
    ],
  }
}

/** The charts' view of a stored space: numeric or categorical, log or not. */
export function paramAxes(space: TuneSpace): ParamAxis[] {
  return Object.entries(space).map(([name, def]) => ({
    name,
    log: def.log === true,
    categories: Array.isArray(def.choice) ? def.choice.map((c) => JSON.stringify(c)) : null,
  }))
}
