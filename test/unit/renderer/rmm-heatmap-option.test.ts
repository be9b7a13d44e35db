/** The RMM heatmap's items: row 0 drawn at the top, log colour of positive cells, zeros blank. */
import { describe, expect, it } from 'vitest'
import {
  cellText,
  rmmHeatmapOption,
  rmmItems,
} from '../../../src/renderer/src/components/features/rmm-heatmap-option'

const M = [
  [0.01, 0.5, 0],
  [0.2, 1e-5, 0.03],
  [0, null, 2],
]

describe('RMM heatmap option', () => {
  it('puts row 0 at the top and keeps every value for the tooltip', () => {
    const items = rmmItems(M, false)
    expect(items).toHaveLength(9)
    // Cell [0][1] (row 0, column 1) is drawn at y = n − 1 − 0 = 2.
    expect(items).toContainEqual([1, 2, 0.5, 0.5])
    expect(items).toContainEqual([1, 0, '-', null])
    expect(items).toContainEqual([2, 2, 0, 0])
  })

  it('colours by log10 on the log scale and leaves zeros blank', () => {
    const items = rmmItems(M, true)
    expect(items).toContainEqual([0, 2, -2, 0.01])
    expect(items).toContainEqual([2, 2, '-', 0])
    const option = rmmHeatmapOption(['MET', 'j1', 'j2'], M, 't', true) as {
      visualMap: { min: number; max: number }
      yAxis: { data: string[] }
    }
    expect(option.visualMap.min).toBeCloseTo(-5, 12)
    expect(option.visualMap.max).toBeCloseTo(Math.log10(2), 12)
    expect(option.yAxis.data).toEqual(['j2', 'j1', 'MET'])
  })

  it('prints cells in three significant digits', () => {
    expect(cellText(0.123456)).toBe('0.123')
    expect(cellText(0)).toBe('0')
    expect(cellText(null)).toBe('–')
    expect(cellText(1.5e-5)).toBe('1.5e-5')
  })
})
