/**
 * `hepwb hypotest|limit WS --patchset FILE --all --json` as a user runs them (real processes):
 * one row per signal point with its labelled values, equal to the single `--patch FILE:NAME`
 * call of the same point; half a grid request is a usage error.
 */
import { describe, expect, it } from 'vitest'
import { hepwb } from '../helpers/cli'
import { DATA } from '../io/shared-data'

const LBB = DATA + 'hepdata-pyhf-extractor_1Lbb/'
const WS = `${LBB}1Lbb_BkgOnly.json`
const PS = `${LBB}1Lbb_patchset_subset.json`

describe('hepwb signal grids', () => {
  it('hypotest --patchset --all --json: 9 rows, each equal to hypotest --patch FILE:NAME', () => {
    const r = hepwb('hypotest', WS, '--patchset', PS, '--all', '--mu', '1', '--json')
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.points).toHaveLength(9)
    expect(out.labels).toEqual(['m1', 'm2'])
    const row = out.points.find((p: { name: string }) => p.name === 'C1N2_Wh_hbb_900_250')
    expect(row.values).toEqual({ m1: 900, m2: 250 })
    expect(row.cls_exp).toHaveLength(5)
    const single = JSON.parse(
      hepwb('hypotest', WS, '--patch', `${PS}:C1N2_Wh_hbb_900_250`, '--mu', '1', '--json').stdout,
    )
    expect(row.cls_obs).toBe(single.cls_obs)
    expect(row.cls_exp).toEqual(single.cls_exp)
  }, 60_000)

  it('limit --patchset --all --json: obs and the expected band per point, equal to limit --patch', () => {
    const r = hepwb('limit', WS, '--patchset', PS, '--all', '--json')
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.points).toHaveLength(9)
    const row = out.points.find((p: { name: string }) => p.name === 'C1N2_Wh_hbb_650_0')
    const single = JSON.parse(
      hepwb('limit', WS, '--patch', `${PS}:C1N2_Wh_hbb_650_0`, '--json').stdout,
    )
    expect(row.obs).toBe(single.obs)
    expect(row.exp).toEqual(single.exp)
    // The text table names every point.
    const text = hepwb('limit', WS, '--patchset', PS, '--all').stdout
    expect(text).toMatch(/^point\s+m1\s+m2\s+obs/)
    expect(text).toContain('C1N2_Wh_hbb_1000_250')
  }, 90_000)

  it('half a grid request is a usage error', () => {
    const a = hepwb('hypotest', WS, '--all', '--json')
    expect(a.code).not.toBe(0)
    expect(JSON.parse(a.stderr).error).toMatch(/--all needs --patchset/)
    const b = hepwb('limit', WS, '--patchset', PS, '--json')
    expect(JSON.parse(b.stderr).error).toMatch(/--patch FILE:NAME/)
  }, 30_000)
})
