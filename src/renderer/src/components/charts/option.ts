/**
 * The chart option type, apart from echarts.ts (which registers renderers and touches the DOM),
 * so pure option builders and their unit tests stay free of DOM types.
 */
import type { EChartsCoreOption } from 'echarts/core'

export type EChartsOption = EChartsCoreOption
