/**
 * `hepwb bench inferno` as a user runs it (a real process, from source), tiny settings: one
 * benchmark prints the JSON object; several print one per benchmark, the cross entropy
 * trained once per seed (so its network is the same across benchmarks: B0's σ_s is the pure
 * statistical one and B2's, with r and λ profiled, is larger); --only bce trains no INFERNO.
 */
import { describe, expect, it } from 'vitest'
import { hepwb } from '../helpers/cli'

const tiny = ['--seeds', '1', '--epochs', '2', '--bce-epochs', '1']
const events = ['--train-events', '6000', '--test-events', '6000', '--json']

interface Out {
  benchmark: string
  bce: { sigma_s: number[]; median: number | null }
  inferno: { sigma_s: number[]; median: number | null }
  seconds_per_epoch: { bce: number | null; inferno: number | null }
  backend: string
}

describe('hepwb bench inferno', () => {
  it('one benchmark: the issue’s object', { timeout: 60_000 }, () => {
    const r = hepwb('bench', 'inferno', '--benchmark', 'B1', ...tiny, ...events)
    expect(r.code, r.stderr).toBe(0)
    const o = JSON.parse(r.stdout) as Out
    expect(o.benchmark).toBe('B1')
    expect(o.bce.sigma_s).toHaveLength(1)
    expect(o.inferno.sigma_s).toHaveLength(1)
    expect(o.inferno.median).toBe(o.inferno.sigma_s[0])
    expect(o.seconds_per_epoch.inferno).toBeGreaterThan(0)
    expect(o.backend).toBe('wasm')
  })

  it('several benchmarks, and --only bce', { timeout: 60_000 }, () => {
    const r = hepwb('bench', 'inferno', '--benchmark', 'B2,B0', '--only', 'bce', ...tiny, ...events)
    expect(r.code, r.stderr).toBe(0)
    const [b0, b2] = JSON.parse(r.stdout) as Out[]
    expect([b0.benchmark, b2.benchmark]).toEqual(['B0', 'B2'])
    for (const o of [b0, b2]) {
      expect(o.inferno).toEqual({ sigma_s: [], median: null })
      expect(o.seconds_per_epoch.inferno).toBeNull()
    }
    // The same network: identical training time, and nuisances only widen σ_s.
    expect(b0.seconds_per_epoch.bce).toBe(b2.seconds_per_epoch.bce)
    expect(b2.bce.sigma_s[0]).toBeGreaterThan(b0.bce.sigma_s[0])
    expect(r.stderr).toMatch(/cross entropy: .*trained once per seed/)
  })

  it('names what it takes when a benchmark is unknown', () => {
    const r = hepwb('bench', 'inferno', '--benchmark', 'B0,B7')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/--benchmark takes B0, B1, B2, B3, B4.*got 'B7'/)
  })
})
