/** Numbers the workbench writes into cuts are short (issue 17, item 20). */
import { describe, expect, it } from 'vitest'
import { niceStep, roundCutValue, snapCutValue } from '../../../src/shared/format/cut-value'

describe('roundCutValue', () => {
  it('keeps 4 significant digits, lower bounds down and upper bounds up', () => {
    expect(roundCutValue(107.8112266919961, 'lower')).toBe(107.8)
    expect(roundCutValue(107.8112266919961, 'upper')).toBe(107.9)
    expect(roundCutValue(107.8112266919961, 'nearest')).toBe(107.8)
    expect(roundCutValue(0.000123456, 'lower')).toBe(0.0001234)
    expect(roundCutValue(-0.51234, 'lower')).toBe(-0.5124)
    expect(roundCutValue(-0.51234, 'upper')).toBe(-0.5123)
    expect(roundCutValue(123456.7, 'upper')).toBe(123500)
    // Already short: unchanged, whatever the float noise of the division.
    expect(roundCutValue(107.8, 'lower')).toBe(107.8)
    expect(roundCutValue(0.3, 'upper')).toBe(0.3)
    expect(roundCutValue(0, 'lower')).toBe(0)
  })

  it('gives integer inputs the whole number that selects the same events', () => {
    expect(roundCutValue(1.5, 'lower', { integer: true })).toBe(2)
    expect(roundCutValue(2.7, 'upper', { integer: true })).toBe(2)
    expect(roundCutValue(2, 'lower', { integer: true })).toBe(2)
  })

  it('never lets an event inside the exact interval fall out (random bounds)', () => {
    for (let k = 0; k < 2000; k++) {
      const v = (Math.random() - 0.5) * 10 ** (Math.random() * 8 - 3)
      const lo = roundCutValue(v, 'lower')
      const hi = roundCutValue(v, 'upper')
      expect(lo).toBeLessThanOrEqual(v)
      expect(hi).toBeGreaterThanOrEqual(v)
      // At most 4 significant digits, written without float noise.
      expect(Number(lo.toPrecision(4))).toBe(lo)
      expect(String(hi).length).toBeLessThanOrEqual(String(Number(hi.toPrecision(4))).length)
      expect(Math.abs(hi - v)).toBeLessThanOrEqual(Math.abs(v) * 1e-3 + 1e-300)
    }
  })
})

describe('snapCutValue', () => {
  it('snaps a dragged threshold to a nice step of about 1% of the axis', () => {
    expect(niceStep(2.5)).toBe(2.5)
    expect(niceStep(0.6)).toBe(1)
    expect(snapCutValue(70.47, 0, 250)).toBe(70)
    expect(snapCutValue(71.3, 0, 250)).toBe(72.5)
    expect(snapCutValue(70.47, 60, 120)).toBe(70)
    expect(snapCutValue(0.4473, 0, 1)).toBe(0.45)
    expect(snapCutValue(0.30000000000000004, 0, 1)).toBe(0.3)
  })

  it('stays on the axis and gives integer variables whole numbers', () => {
    expect(snapCutValue(-3, 0, 250)).toBe(0)
    expect(snapCutValue(251, 0, 250)).toBe(250)
    expect(snapCutValue(2.4, -0.5, 6.5, true)).toBe(2)
    expect(snapCutValue(6.4, -0.5, 6.5, true)).toBe(6)
  })
})
