/** ECharts options for the Fit view: pulls, ranking, correlations, scans and the CLs Brazil band. */
import type {
  FitOutcome,
  LimitOutcome,
  RankingOutcome,
  ScanOutcome,
} from '../../../../shared/contract/fit'
import type { EChartsOption } from '../charts/option'

const FONT = 12
type Api = { value(i: number): number; coord(p: [number, number]): [number, number] }

/** One row per parameter, top to bottom (pulls and ranking plots). */
function parameterAxis(names: string[]) {
  return {
    type: 'category',
    data: names,
    inverse: true,
    axisLabel: { fontSize: 10 },
    axisTick: { show: false },
  }
}

/** Pulls (θ̂ − θ₀)/Δθ with post/pre-fit widths as error bars, on the ±1σ/±2σ bands. */
export function pullsOption(fit: FitOutcome): EChartsOption {
  const rows = fit.parameters.filter((p) => p.pull !== null)
  const names = rows.map((p) => p.name)
  return {
    animation: false,
    backgroundColor: '#fff',
    grid: { left: 200, right: 24, top: 16, bottom: 40 },
    xAxis: {
      type: 'value',
      min: -3,
      max: 3,
      name: '(θ̂ − θ₀) / Δθ',
      nameLocation: 'middle',
      nameGap: 26,
      splitLine: { show: false },
    },
    yAxis: parameterAxis(names),
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'scatter',
        name: 'pull',
        data: rows.map((p, i) => [p.pull, i]),
        itemStyle: { color: '#000' },
        symbolSize: 6,
        markArea: {
          silent: true,
          data: [
            [{ xAxis: -2, itemStyle: { color: 'rgba(253, 216, 53, 0.45)' } }, { xAxis: 2 }],
            [{ xAxis: -1, itemStyle: { color: 'rgba(76, 175, 80, 0.45)' } }, { xAxis: 1 }],
          ],
        },
        markLine: {
          silent: true,
          symbol: 'none',
          data: [{ xAxis: 0 }],
          lineStyle: { color: '#666', type: 'dashed' },
          label: { show: false },
        },
        z: 3,
      },
      {
        type: 'custom',
        name: 'constraint',
        data: rows.map((p, i) => [
          (p.pull ?? 0) - (p.constraint ?? 0),
          (p.pull ?? 0) + (p.constraint ?? 0),
          i,
        ]),
        renderItem: (_p: unknown, api: Api) => {
          const [x0, y] = api.coord([api.value(0), api.value(2)])
          const [x1] = api.coord([api.value(1), api.value(2)])
          return {
            type: 'line',
            shape: { x1: x0, y1: y, x2: x1, y2: y },
            style: { stroke: '#000', lineWidth: 1.2 },
          }
        },
        z: 2,
      },
    ],
  }
}

/** Impact on the POI of ±1σ of each nuisance parameter: pre-fit outlined, post-fit filled. */
export function rankingOption(r: RankingOutcome, top = 20): EChartsOption {
  const size = (i: RankingOutcome['impacts'][number]) =>
    Math.max(Math.abs(i.postfit[0] ?? 0), Math.abs(i.postfit[1] ?? 0))
  const rows = [...r.impacts].sort((a, b) => size(b) - size(a)).slice(0, top)
  const names = rows.map((i) => i.name)
  const bar = (name: string, values: (number | null)[], color: string, border: boolean) => ({
    type: 'bar',
    name,
    stack: name.startsWith('pre') ? 'pre' : 'post',
    barGap: '-100%',
    barWidth: border ? '70%' : '45%',
    data: values,
    itemStyle: border
      ? { color: 'rgba(0,0,0,0)', borderColor: color, borderWidth: 1.5 }
      : { color },
  })
  return {
    animation: false,
    backgroundColor: '#fff',
    legend: { top: 0, textStyle: { fontSize: 11 } },
    grid: { left: 200, right: 24, top: 28, bottom: 40 },
    xAxis: {
      type: 'value',
      name: `Δ${r.poi}`,
      nameLocation: 'middle',
      nameGap: 26,
      splitLine: { show: false },
    },
    yAxis: parameterAxis(names),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    series: [
      bar(
        'pre-fit +1σ',
        rows.map((i) => i.prefit[0]),
        '#1f77b4',
        true,
      ),
      bar(
        'pre-fit −1σ',
        rows.map((i) => i.prefit[1]),
        '#17becf',
        true,
      ),
      bar(
        'post-fit +1σ',
        rows.map((i) => i.postfit[0]),
        '#1f77b4',
        false,
      ),
      bar(
        'post-fit −1σ',
        rows.map((i) => i.postfit[1]),
        '#17becf',
        false,
      ),
    ],
  }
}

/** Correlation matrix heatmap, −1 (blue) … +1 (red). */
export function correlationOption(fit: FitOutcome, maxParams = 60): EChartsOption {
  // With many parameters, show those most correlated with anything else.
  const { names, matrix } = fit.correlation
  let idx = names.map((_, i) => i)
  if (names.length > maxParams) {
    const strength = idx.map((i) =>
      Math.max(...matrix[i].map((v, j) => (i === j || v === null ? 0 : Math.abs(v)))),
    )
    idx = idx
      .sort((a, b) => strength[b] - strength[a])
      .slice(0, maxParams)
      .sort((a, b) => a - b)
  }
  const labels = idx.map((i) => names[i])
  const data: [number, number, number | null][] = []
  idx.forEach((i, a) =>
    idx.forEach((j, b) =>
      data.push([
        b,
        a,
        matrix[i][j] === null ? null : Math.round((matrix[i][j] as number) * 100) / 100,
      ]),
    ),
  )
  const small = labels.length <= 16
  return {
    animation: false,
    backgroundColor: '#fff',
    grid: { left: 190, right: 80, top: 16, bottom: 150 },
    xAxis: {
      type: 'category',
      data: labels,
      axisLabel: { rotate: 60, fontSize: 10 },
      splitArea: { show: false },
    },
    yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { fontSize: 10 } },
    visualMap: {
      min: -1,
      max: 1,
      calculable: true,
      orient: 'vertical',
      right: 8,
      top: 'middle',
      inRange: { color: ['#2166ac', '#f7f7f7', '#b2182b'] },
      textStyle: { fontSize: 10 },
    },
    tooltip: { position: 'top' },
    series: [
      {
        type: 'heatmap',
        data,
        label: { show: small, fontSize: 9 },
        emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } },
      },
    ],
  }
}

/** Δ(−2 ln L) profile scan with the 1σ and 2σ lines. */
export function scanOption(s: ScanOutcome): EChartsOption {
  const pts = s.values.map((v, i) => [v, s.deltaTwiceNll[i]]).filter(([, d]) => d !== null)
  const ymax = Math.max(5, ...pts.map(([, d]) => d as number))
  return {
    animation: false,
    backgroundColor: '#fff',
    grid: { left: 64, right: 24, top: 24, bottom: 48 },
    xAxis: {
      type: 'value',
      name: s.parameter,
      nameLocation: 'middle',
      nameGap: 28,
      min: s.values[0],
      max: s.values[s.values.length - 1],
      splitLine: { show: false },
      axisLabel: { fontSize: FONT },
    },
    yAxis: {
      type: 'value',
      name: 'Δ(−2 ln L)',
      min: 0,
      max: Math.ceil(ymax),
      splitLine: { show: false },
      axisLabel: { fontSize: FONT },
    },
    tooltip: { trigger: 'axis' },
    series: [
      {
        type: 'line',
        name: 'profile',
        data: pts,
        symbolSize: 5,
        smooth: false,
        lineStyle: { color: '#1f4e99', width: 2 },
        itemStyle: { color: '#1f4e99' },
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: '#999', type: 'dashed' },
          data: [
            { yAxis: 1, label: { formatter: '1σ', position: 'insideEndTop' } },
            { yAxis: 4, label: { formatter: '2σ', position: 'insideEndTop' } },
          ],
        },
      },
    ],
  }
}

/** CLs vs μ: expected median (dashed) with ±1σ (green) and ±2σ (yellow), observed, and 1 − CL. */
export function clsOption(l: LimitOutcome, poi: string): EChartsOption {
  const pts = [...l.points].sort((a, b) => a.mu - b.mu)
  const mu = pts.map((p) => p.mu)
  const e = (k: number) => pts.map((p) => p.clsExp[k] ?? NaN)
  const band = (lo: number[], hi: number[], name: string, color: string) => [
    {
      type: 'line',
      name,
      stack: name,
      data: mu.map((m, i) => [m, lo[i]]),
      lineStyle: { opacity: 0 },
      itemStyle: { color },
      symbol: 'none',
      silent: true,
      tooltip: { show: false },
    },
    {
      type: 'line',
      name,
      stack: name,
      data: mu.map((m, i) => [m, hi[i] - lo[i]]),
      lineStyle: { opacity: 0 },
      itemStyle: { color },
      symbol: 'none',
      areaStyle: { color, opacity: 1 },
      silent: true,
    },
  ]
  return {
    animation: false,
    backgroundColor: '#fff',
    legend: { top: 0, data: ['Observed', 'Expected', '±1σ', '±2σ'], textStyle: { fontSize: 11 } },
    grid: { left: 64, right: 24, top: 32, bottom: 48 },
    xAxis: {
      type: 'value',
      name: poi,
      nameLocation: 'middle',
      nameGap: 28,
      min: mu[0],
      max: mu[mu.length - 1],
      splitLine: { show: false },
    },
    yAxis: { type: 'value', name: 'CLs', min: 0, max: 1, splitLine: { show: false } },
    tooltip: { trigger: 'axis' },
    series: [
      ...band(e(0), e(4), '±2σ', '#fde725'),
      ...band(e(1), e(3), '±1σ', '#35b779'),
      {
        type: 'line',
        name: 'Expected',
        data: mu.map((m, i) => [m, e(2)[i]]),
        symbol: 'none',
        lineStyle: { color: '#000', type: 'dashed', width: 1.5 },
        itemStyle: { color: '#000' },
      },
      {
        type: 'line',
        name: 'Observed',
        data: pts.map((p) => [p.mu, p.cls]),
        symbolSize: 5,
        lineStyle: { color: '#000', width: 2 },
        itemStyle: { color: '#000' },
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: '#c0392b' },
          data: [
            {
              yAxis: 1 - l.cl,
              label: { formatter: `CLs = ${(1 - l.cl).toFixed(2)}`, position: 'insideEndTop' },
            },
          ],
        },
      },
    ],
  }
}
