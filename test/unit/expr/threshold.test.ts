/**
 * The threshold of a cut found in its syntax tree (what the N−1 plot draws and a drag rewrites):
 * its value and the span of its text, for every way a physicist writes `x > c`, and the cut
 * rewritten by replacing exactly that span.
 */
import { describe, expect, it } from 'vitest'
import { thresholdOf, withThreshold } from '../../../src/shared/expr'

/** The text of the threshold's span. */
function text(source: string, variable?: string): string | null {
  const t = thresholdOf(source, variable)
  return t ? source.slice(t.start, t.end) : null
}

/** The cut with its threshold set to `value`. */
function moved(source: string, value: number, variable?: string): string | null {
  const t = thresholdOf(source, variable)
  return t ? withThreshold(source, t, value) : null
}

describe('thresholdOf', () => {
  it.each([
    ['M > 80', 80, '80'],
    ['M>80', 80, '80'],
    ['  M   >=   80  ', 80, '80'],
    ['M < 80.5', 80.5, '80.5'],
    ['M <= .5', 0.5, '.5'],
    ['M > 1e3', 1000, '1e3'],
    ['M > 1.5E-3', 0.0015, '1.5E-3'],
    ['M > 2e+2', 200, '2e+2'],
    ['eta > -2.4', -2.4, '-2.4'],
    ['eta > - 2.4', -2.4, '- 2.4'],
    ['eta > +2.4', 2.4, '+2.4'],
    ['eta > - -2.4', 2.4, '- -2.4'],
    ['(M) > (80)', 80, '80'],
    ['(M > 80)', 80, '80'],
    ['((M >= 80))', 80, '80'],
    ['eta > (-2.4)', -2.4, '-2.4'],
    ['30.5 <= pt1', 30.5, '30.5'],
    ['20<pt', 20, '20'],
    ['-2.4 < eta', -2.4, '-2.4'],
    ['(1e2) >= M', 100, '1e2'],
  ])('%s → %s', (source, value, span) => {
    const t = thresholdOf(source)
    expect(t?.value).toBe(value)
    expect(text(source)).toBe(span)
  })

  it('records the variable, the operator as written and which side the constant is on', () => {
    expect(thresholdOf('M > 80')).toMatchObject({ variable: 'M', op: '>', reversed: false })
    expect(thresholdOf('30 <= pt1')).toMatchObject({ variable: 'pt1', op: '<=', reversed: true })
  })

  it('finds the comparison of the plotted variable inside an && chain', () => {
    expect(text('pt>50&&eta<2.4', 'pt')).toBe('50')
    expect(text('pt>50&&eta<2.4', 'eta')).toBe('2.4')
    expect(text('Q1*Q2 < 0 && M > 80')).toBe('80')
    expect(text('(pt > 50) && (abs(eta) < 2.4 && nJet >= 2)', 'nJet')).toBe('2')
  })

  it.each([
    ['M > 80 && M < 100', undefined, 'two edges of M'],
    ['pt>50&&eta<2.4', undefined, 'two variables, none chosen'],
    ['pt>50&&eta<2.4', 'M', 'not a comparison of the plotted variable'],
    ['M > 80 || M < 20', undefined, 'or'],
    ['!(M > 80)', undefined, 'negated'],
    ['abs(eta) < 2.4', undefined, 'a function of the variable'],
    ['pt1 + pt2 > 60', undefined, 'a sum'],
    ['M > 2 * 40', undefined, 'a computed constant'],
    ['M > -(80)', undefined, 'a sign outside parentheses'],
    ['M == 91', undefined, 'equality'],
    ['M > pt', undefined, 'two variables'],
    ['1 < 2', undefined, 'two constants'],
    ['M', undefined, 'no comparison'],
    ['M > ', undefined, 'a syntax error'],
    ['', undefined, 'empty'],
  ])('%s has none (%s)', (source, variable, _why) => {
    expect(thresholdOf(source, variable)).toBeNull()
  })
})

describe('withThreshold', () => {
  it('replaces exactly the number and keeps the cut as typed', () => {
    expect(moved('pt>50&&eta<2.4', 72.5, 'pt')).toBe('pt>72.5&&eta<2.4')
    expect(moved('pt>50&&eta<2.4', 2, 'eta')).toBe('pt>50&&eta<2')
    expect(moved('  M   >=   80  ', 95)).toBe('  M   >=   95  ')
    expect(moved('(M) > (80)', 70)).toBe('(M) > (70)')
    expect(moved('20 < pt', 22.5)).toBe('22.5 < pt')
    expect(moved('M > 1e3', 1250)).toBe('M > 1250')
    expect(moved('M > 1e3', 1e-7)).toBe('M > 1e-7')
  })

  it('moves the sign with the number', () => {
    expect(moved('eta > -2.4', 1.5)).toBe('eta > 1.5')
    expect(moved('eta > - 2.4', -1)).toBe('eta > -1')
    expect(moved('eta>2.4', -2.5)).toBe('eta>-2.5')
    expect(moved('2.4>eta', -2.5)).toBe('-2.5>eta')
  })

  it('gives text that reads back as the value it was given', () => {
    for (const v of [0, -0.5, 1e21, 3.25e-8, 107.8, -1234.5]) {
      const out = moved('x >= 1', v) as string
      expect(thresholdOf(out)?.value).toBe(v)
    }
  })

  it('refuses a value that is not a number', () => {
    expect(() => withThreshold('M > 80', { start: 4, end: 6 }, NaN)).toThrow(/finite/)
    expect(() => withThreshold('M > 80', { start: 4, end: 6 }, Infinity)).toThrow(/finite/)
  })
})
