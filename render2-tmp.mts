import { readFileSync, writeFileSync } from 'node:fs'
import * as echarts from 'echarts'
import { Resvg } from '@resvg/resvg-js'
import { gridContours } from './src/main/engine/app/signal-grid'
import { massPlaneOption } from './src/renderer/src/components/fit/grid-chart'
const g = JSON.parse(readFileSync('/tmp/grid/grid125.json', 'utf8'))
g.contours = gridContours(g.points, g.labels, 0.05)
const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 900, height: 560 })
chart.setOption(massPlaneOption(g, 'observed') as echarts.EChartsOption)
writeFileSync('/tmp/grid/plane2.png', new Resvg(chart.renderToSVGString(), { background: '#fff', font: { loadSystemFonts: true } }).render().asPng())
