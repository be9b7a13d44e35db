/**
 * Comparing two use-case results computed over different partitions: counts (raw, entries,
 * nan, count) and extremes must be equal exactly, sums may differ by rounding only — the same numbers added in
 * another grouping — so within 1e-12 relative (with an absolute floor of 1e-12 × the largest
 * magnitude seen, for sums that cancel to near zero).
 */
import { expect } from 'vitest'

const EXACT = new Set(['raw', 'entries', 'nan', 'count', 'min', 'max'])

/** Asserts `a` and `b` have the same shape, equal counts and sums within 1e-12 relative. */
export function expectSameUpToRounding(a: unknown, b: unknown, path = '', key = ''): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (EXACT.has(key) || Number.isNaN(a) || !Number.isFinite(a)) {
      expect(b, path).toBe(a)
      return
    }
    const tol = 1e-12 * Math.max(Math.abs(a), Math.abs(b)) + 1e-300
    if (Math.abs(a - b) > tol) expect(b, path).toBe(a)
    return
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(b.length, path).toBe(a.length)
    a.forEach((x, i) => expectSameUpToRounding(x, b[i], `${path}[${i}]`, key))
    return
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(b).sort(), path).toEqual(Object.keys(a).sort())
    for (const k of Object.keys(a))
      expectSameUpToRounding(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
        k,
      )
    return
  }
  expect(b, path).toEqual(a)
}
