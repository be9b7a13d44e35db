import { describe, expect, it } from 'vitest'
import { Random } from '../../../src/main/engine/data/random'

describe('Random', () => {
  it('gives the same numbers for the same seed and others for another', () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.uint32()
      )(new Random(42)),
    )
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.uint32()
      )(new Random(42)),
    )
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.uint32()
      )(new Random(43)),
    )
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
  })

  it('draws uniform, normal and exponential numbers with the right moments', () => {
    const r = new Random(7)
    const n = 200_000
    let su = 0
    let sn = 0
    let sn2 = 0
    let se = 0
    let lo = 1
    let hi = 0
    for (let i = 0; i < n; i++) {
      const u = r.uniform()
      lo = Math.min(lo, u)
      hi = Math.max(hi, u)
      su += u
      const z = r.normal()
      sn += z
      sn2 += z * z
      se += r.exponential(2)
    }
    expect(lo).toBeGreaterThanOrEqual(0)
    expect(hi).toBeLessThan(1)
    // 5σ of the mean of n draws: uniform σ = 0.289, normal 1, exponential(2) 0.5.
    expect(Math.abs(su / n - 0.5)).toBeLessThan((5 * 0.289) / Math.sqrt(n))
    expect(Math.abs(sn / n)).toBeLessThan(5 / Math.sqrt(n))
    expect(Math.abs(sn2 / n - 1)).toBeLessThan((5 * Math.SQRT2) / Math.sqrt(n))
    expect(Math.abs(se / n - 0.5)).toBeLessThan((5 * 0.5) / Math.sqrt(n))
  })

  it('permutes every index exactly once', () => {
    const p = new Random(1).permutation(1000)
    expect(new Set(p).size).toBe(1000)
    expect(Math.max(...p)).toBe(999)
  })

  it('resumes from its state (Random.at), also after the state travelled as JSON', () => {
    const r = new Random(7)
    for (let i = 0; i < 13; i++) r.uniform()
    const state = JSON.parse(JSON.stringify(r.state())) as number[]
    const resumed = Random.at(state)
    const next = Array.from({ length: 6 }, () => r.uniform())
    expect(Array.from({ length: 6 }, () => resumed.uniform())).toEqual(next)
    // The state is a copy: drawing on does not move it.
    expect(Random.at(state).uniform()).toBe(next[0])
  })
})
