/** Computed variables (applied model outputs) read like columns by cuts and derived variables. */
import { describe, expect, it } from 'vitest'
import { compile } from '../../../src/main/engine/select/compile'
import {
  baseColumns,
  checkVariables,
  withDerived,
  type ComputedVariable,
} from '../../../src/main/engine/select/derived'
import { columnProvider } from '../../../src/main/engine/select/provider'
import { flat } from './fixtures'

const COLUMNS = { pt1: flat([10, 50, 30, NaN]), pt2: flat([20, 5, 30, 1], 'f32') }
const SYMBOLS = columnProvider(COLUMNS).symbols

/** score = 2·x0 − x1, counting its calls. */
function linear(name: string, inputs: string[]): ComputedVariable & { calls: number } {
  const v = {
    name,
    inputs,
    calls: 0,
    compute(cols: readonly Float64Array[], n: number) {
      v.calls++
      return Float64Array.from({ length: n }, (_, i) => 2 * cols[0][i] - cols[1][i])
    },
  }
  return v
}

describe('computed variables', () => {
  it('are computed from their inputs (columns or derived variables) once per batch', () => {
    const nn = linear('nn', ['ptsum', 'pt2'])
    const checked = checkVariables(
      [
        { name: 'ptsum', expr: 'pt1 + pt2' },
        { name: 'hi', expr: 'nn > 40' },
      ],
      SYMBOLS,
      'here',
      [nn],
    )
    expect(checked.failed.size).toBe(0)
    expect(baseColumns(['hi'], checked.checked, checked.computed).sort()).toEqual(['pt1', 'pt2'])
    const data = withDerived(columnProvider(COLUMNS), checked)
    expect(Array.from(data.column('nn').values)).toEqual([40, 105, 90, NaN])
    const hi = compile(checked.checked.get('hi')!, data).evaluate(data)
    expect(Array.from(hi.values)).toEqual([0, 1, 1, 0])
    expect(nn.calls).toBe(1)
  })

  it('fail for this sample (not everywhere) when an input is unknown or a list, with the reason', () => {
    const checked = checkVariables([], SYMBOLS, "in sample 'Z'", [linear('nn', ['pt1', 'Jet_pt'])])
    expect(checked.computed.has('nn')).toBe(false)
    expect(checked.failed.get('nn')?.message).toMatch(/in sample 'Z': input 2 of 'nn' \(Jet_pt\)/)
    expect(checked.symbols.has('nn')).toBe(false)
  })

  it('refuse an input that reads the variable itself', () => {
    const checked = checkVariables([], SYMBOLS, 'here', [linear('nn', ['pt1', 'nn * 2'])])
    expect(checked.failed.get('nn')?.message).toMatch(/reads 'nn' itself/)
  })
})
