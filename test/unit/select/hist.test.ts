/**
 * The histogram's selection mask (select/hist.ts), which runs the cuts batch by batch and, once
 * few events are left, over a copy of the survivors: equal to the plain AND of every cut's own
 * mask over all events, across many batches; and a cut that does not compile still throws when
 * no event reaches it.
 */
import { describe, expect, it } from 'vitest'
import type { Column } from '../../../src/shared/column'
import { BATCH_EVENTS } from '../../../src/main/engine/select/batch'
import { selectionMask } from '../../../src/main/engine/select/hist'
import { andMasks, evaluateMask } from '../../../src/main/engine/select/mask'
import { columnProvider } from '../../../src/main/engine/select/provider'
import type { PreparedSample } from '../../../src/main/engine/select/cutflow'

/** n events of two columns from a fixed linear congruential sequence, a few NaN. */
function sample(n: number): PreparedSample {
  let s = 12345
  const u = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    x[i] = i % 1001 === 7 ? NaN : 100 * u()
    y[i] = 10 * u() - 5
  }
  const col = (values: Float64Array): Column => ({ kind: 'flat', type: 'float64', values })
  const data = columnProvider({ x: col(x), y: col(y) })
  return { name: 's', role: 'background', group: 's', data, weights: 1 }
}

const cut = (expr: string) => ({ label: expr, expr, path: [] })

describe('selectionMask', () => {
  it('equals the AND of every cut over all events, across batches and gathered survivors', () => {
    const n = 3 * BATCH_EVENTS + 123
    const s = sample(n)
    // The first cuts leave few events (the rest run over a copy), the last keeps most of them.
    const exprs = ['x > 20', 'x < 40', 'abs(y) < 4', 'x + y > 25', 'y != 0']
    const want = andMasks(
      exprs.map((e) => evaluateMask(e, s.data)),
      n,
    )
    expect(Array.from(selectionMask(s, exprs.map(cut)))).toEqual(Array.from(want))
    expect(Array.from(selectionMask(s, []))).toEqual(new Array<number>(n).fill(1))
  })

  it('throws for a cut that does not compile even after a cut no event passes', () => {
    expect(() => selectionMask(sample(1000), [cut('x > 1000'), cut('nope > 1')])).toThrow(/nope/)
  })
})
