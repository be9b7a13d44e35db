import { writeFileSync } from 'node:fs'
import * as echarts from 'echarts'
import { Resvg } from '@resvg/resvg-js'
import { runSignalGrid } from '/work/wt/grid/src/main/engine/app/signal-grid'
import { silentContext } from '/work/wt/grid/src/main/engine/jobs/context'
import { massPlaneOption } from '/work/wt/grid/src/renderer/src/components/fit/grid-chart'
const D = '/work/shared/data/hepdata-pyhf-extractor_1Lbb/'
const t = performance.now()
const g = await runSignalGrid({ workspace: D + '1Lbb_BkgOnly.json', patchset: D + 'patchsets_v1.json.gz' }, silentContext())
console.log('grid', ((performance.now() - t) / 1000).toFixed(1), 's')
writeFileSync('/tmp/grid/grid125.json', JSON.stringify(g))
for (const c of ['observed', 'expected'] as const) {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 900, height: 560 })
  chart.setOption(massPlaneOption(g, c) as echarts.EChartsOption)
  const svg = chart.renderToSVGString()
  writeFileSync(`/tmp/grid/plane-${c}.png`, new Resvg(svg, { background: '#fff', font: { loadSystemFonts: true } }).render().asPng())
}
