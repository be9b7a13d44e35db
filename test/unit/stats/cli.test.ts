/** hepwb fit / hypotest / limit / significance as a user runs them (a real process, from source). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hepwb } from '../helpers/cli'
import { DATA } from '../io/shared-data'

const VAL = DATA + 'pyhf-validation-workspaces/'
const LBB = DATA + 'hepdata-pyhf-extractor_1Lbb/'

describe('hepwb likelihood commands', () => {
  it('fit --json with MINOS and a scan', () => {
    const r = hepwb(
      'fit',
      `${VAL}1bin_shapesys.json`,
      '--minos',
      'mu',
      '--scan',
      'mu:0:2:5',
      '--json',
    )
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.converged).toBe(true)
    expect(out.parameters.mu.value).toBeCloseTo(0.5, 5)
    expect(out.parameters.mu.minos[0]).toBeLessThan(0)
    expect(out.parameters.mu.minos[1]).toBeGreaterThan(0)
    expect(out.correlation.names).toEqual(['mu', 'uncorr_bkguncrt[0]'])
    expect(out.scan.parameter).toBe('mu')
    expect(out.scan.values).toHaveLength(5)
    expect(typeof out.seconds).toBe('number')
  })

  it("fit with ROOT's settings reproduces ROOT's MINOS on xmlimport_input (0.005, see validation.test.ts)", () => {
    const tmp = mkdtempSync(join(tmpdir(), 'hepwb-xml-'))
    const ws = JSON.parse(readFileSync(DATA + 'pyhf/validation/xmlimport_input_bkg.json', 'utf8'))
    ws.observations[0].data = [122, 112]
    writeFileSync(join(tmp, 'ws.json'), JSON.stringify(ws))
    const r = hepwb(
      'fit',
      join(tmp, 'ws.json'),
      '--interp',
      'normsys=code1,histosys=code0',
      '--staterror-constraint',
      'poisson',
      '--minos',
      'SigXsecOverSM',
      '--json',
    )
    expect(r.code, r.stderr).toBe(0)
    const p = JSON.parse(r.stdout).parameters.SigXsecOverSM
    expect(p.minos[0]).toBeCloseTo(-0.596829, 2)
    expect(p.minos[1]).toBeCloseTo(0.61159, 2)
    const a = JSON.parse(hepwb('fit', join(tmp, 'ws.json'), '--asimov', '--json').stdout)
    expect(a.parameters.SigXsecOverSM.value).toBeCloseTo(1, 6)
  })

  it('hypotest on the 1Lbb likelihood with a patchset entry; q0, significance and limit', () => {
    const patch = `${LBB}1Lbb_patchset_subset.json:C1N2_Wh_hbb_900_250`
    const h = hepwb('hypotest', `${LBB}1Lbb_BkgOnly.json`, '--patch', patch, '--mu', '1', '--json')
    expect(h.code, h.stderr).toBe(0)
    const ho = JSON.parse(h.stdout)
    expect(ho.cls_obs).toBeGreaterThan(0)
    expect(ho.cls_exp).toHaveLength(5)
    const q0 = JSON.parse(
      hepwb(
        'hypotest',
        `${VAL}1bin_shapesys_q0.json`,
        '--test-stat',
        'q0',
        '--interp',
        'normsys=code1,histosys=code0',
        '--json',
      ).stdout,
    )
    expect(q0.p0_obs).toBeCloseTo(0.003936878, 8)
    expect(q0.z_obs).toBeGreaterThan(2)
    const s = hepwb(
      'significance',
      `${VAL}1bin_shapesys_q0.json`,
      '--interp',
      'normsys=code1,histosys=code0',
      '--json',
    )
    expect(s.code, s.stderr).toBe(0)
    const so = JSON.parse(s.stdout)
    expect(so.z_obs).toBeCloseTo(q0.z_obs, 8)
    expect(so.p_obs).toBeCloseTo(q0.p0_obs, 10)
    expect(so.z_exp).toBeGreaterThan(0)
    const l = hepwb('limit', `${VAL}1bin_shapesys.json`, '--json')
    expect(l.code, l.stderr).toBe(0)
    const lo = JSON.parse(l.stdout)
    expect(lo.exp).toHaveLength(5)
    expect(lo.obs).toBeGreaterThan(lo.exp[0])
  })

  it('bad input: errors on stderr, exit ≠ 0', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'hepwb-fit-'))
    writeFileSync(
      join(tmp, 'ws.json'),
      JSON.stringify({ version: '1.0.0', channels: [], observations: [], measurements: [] }),
    )
    const bad = hepwb('fit', join(tmp, 'ws.json'), '--json')
    expect(bad.code).not.toBe(0)
    expect(JSON.parse(bad.stderr).error).toMatch(/ws\.json: channels/)
    const poi = hepwb('hypotest', `${VAL}1bin_shapesys.json`, '--poi', 'nope', '--json')
    expect(poi.code).not.toBe(0)
    expect(poi.stderr).toMatch(/POI 'nope' is not a parameter/)
    const patch = hepwb(
      'fit',
      `${LBB}1Lbb_BkgOnly.json`,
      '--patch',
      `${LBB}1Lbb_patchset_subset.json:NOPE`,
    )
    expect(patch.code).not.toBe(0)
    expect(patch.stderr).toMatch(/no patch named 'NOPE'/)
  })
})
