/** The analysis spec schema: defaults, and every problem named by its JSON path. */
import { describe, expect, it } from 'vitest'
import type { SampleSpec } from '../../../src/shared/contract/data'
import {
  specSampleFromProject,
  specSampleToProject,
  formatSpecIssues,
  formatSpecPath,
  parseSpec,
  sampleGroup,
  type AnalysisSpecInput,
} from '../../../src/shared/spec'

const EXAMPLE: AnalysisSpecInput = {
  samples: [
    {
      name: 'Zmumu',
      role: 'background',
      group: 'Z',
      files: ['a.root'],
      tree: 'events',
      weight: '1',
      scale: 1.0,
    },
  ],
  variables: [{ name: 'ptlead', expr: 'max(pt1, pt2)', unit: 'GeV', label: 'p_T^{lead}' }],
  regions: [
    { name: 'presel', cuts: [{ name: 'two muons', expr: 'Q1*Q2 < 0' }] },
    {
      name: 'SR',
      parent: 'presel',
      blinded: false,
      cuts: [{ name: 'mass window', expr: 'M > 80 && M < 100' }],
    },
  ],
}

/** Issues of an invalid spec as `path: message` lines. */
function problems(value: unknown): string[] {
  const r = parseSpec(value)
  if (r.ok) throw new Error('expected the spec to be rejected')
  return formatSpecIssues(r.issues).split('\n')
}

function withRegions(regions: unknown[]): unknown {
  return { ...EXAMPLE, regions }
}

describe('analysis spec', () => {
  it('accepts the documented example and fills in defaults', () => {
    const r = parseSpec(EXAMPLE)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.spec.regions[0].blinded).toBe(false)
    const minimal = parseSpec({ samples: [{ name: 'd', files: ['x.csv'] }] })
    expect(minimal.ok && minimal.spec).toMatchObject({
      samples: [{ name: 'd', role: 'background', group: '', weight: '', scale: 1 }],
      variables: [],
      regions: [],
    })
    expect(sampleGroup({ name: 'd', group: '' })).toBe('d')
  })

  it('accepts the optional keys: colour, cross-section normalisation, binning', () => {
    const r = parseSpec({
      samples: [
        { name: 'tt', files: ['t.root'], colour: '#ff8800', xsec: 831.8, lumi: 138e3, sumw: 1e6 },
      ],
      variables: [{ name: 'm', expr: 'M', binning: { bins: 40, lo: 0, hi: 200 } }],
    })
    expect(r.ok).toBe(true)
  })

  it('names the JSON path of shape errors', () => {
    expect(problems({ samples: [{ name: 'a', files: [] }] })).toEqual([
      'samples[0].files: a sample needs at least one file',
    ])
    expect(problems({ samples: [{ name: 'a', files: ['x'], wieght: 'w' }] })[0]).toMatch(
      /^samples\[0\]: .*wieght/,
    )
    expect(problems({ samples: [{ name: 'a', files: ['x'], scale: 'big' }] })[0]).toMatch(
      /^samples\[0\]\.scale: /,
    )
    expect(problems({ samples: [{ name: 'a', files: ['x'], xsec: 1 }] })).toEqual([
      'samples[0].lumi: xsec (pb) and lumi (pb⁻¹) go together',
    ])
    expect(problems({ samples: [] })).toEqual(['samples: a spec needs at least one sample'])
    expect(problems([1, 2])[0]).toMatch(/expected object/)
  })

  it('rejects duplicate names', () => {
    const spec = { samples: [...EXAMPLE.samples, { name: 'Zmumu', files: ['b.root'] }] }
    expect(problems(spec)).toEqual([
      "samples[1].name: duplicate sample name 'Zmumu' (also samples[0])",
    ])
    expect(
      problems({
        ...EXAMPLE,
        variables: [
          { name: 'pt', expr: '1' },
          { name: 'pt', expr: '2' },
        ],
      }),
    ).toEqual(["variables[1].name: duplicate variable name 'pt' (also variables[0])"])
  })

  it('rejects unknown parents and parent cycles', () => {
    expect(problems(withRegions([{ name: 'SR', parent: 'presel' }]))).toEqual([
      "regions[0].parent: unknown parent region 'presel' (regions: 'SR')",
    ])
    expect(
      problems(
        withRegions([
          { name: 'A', parent: 'B' },
          { name: 'B', parent: 'A' },
          { name: 'C', parent: 'A' },
        ]),
      ),
    ).toEqual([
      'regions[0].parent: parent cycle: A → B → A',
      'regions[1].parent: parent cycle: B → A → B',
    ])
    expect(problems(withRegions([{ name: 'A', parent: 'A' }]))).toEqual([
      'regions[0].parent: parent cycle: A → A',
    ])
  })

  it('reports expression syntax errors at their path and position', () => {
    const spec = withRegions([{ name: 'SR', cuts: [{ expr: 'M > 1' }, { expr: '(M > 80' }] }])
    expect(problems(spec)).toEqual([
      "regions[0].cuts[1].expr: expected ')' at 7 (found the end of the expression)",
    ])
    expect(problems({ ...EXAMPLE, variables: [{ name: '2x', expr: 'x' }] })[0]).toMatch(
      /^variables\[0\]\.name: a variable name is a letter/,
    )
    expect(problems({ samples: [{ name: 'a', files: ['x'], weight: 'w *' }] })[0]).toMatch(
      /^samples\[0\]\.weight: /,
    )
  })

  it('converts a project sample to a spec sample and back', () => {
    const project: SampleSpec = {
      name: 'tt',
      role: 'background',
      group: 'top',
      colour: '#fd8d3c',
      files: ['/data/tt.root'],
      table: 'Events',
      weight: 'genWeight',
      normalisation: { kind: 'xsec', crossSection: 831.8, luminosity: 0.5, sumGenWeights: null },
      missing: null,
    }
    const s = specSampleFromProject(project)
    expect(s).toMatchObject({ tree: 'Events', xsec: 831.8, lumi: 0.5, scale: 1 })
    expect(s.sumw).toBeUndefined()
    // What the project holds survives the JSON of a spec file.
    const reread = parseSpec(JSON.parse(JSON.stringify({ samples: [s] })))
    expect(
      reread.ok && specSampleToProject(reread.spec.samples[0], { table: '', colour: '#000000' }),
    ).toEqual(project)
    // The missing-value marker travels too (issue 17).
    const marked: SampleSpec = { ...project, missing: -999 }
    expect(specSampleFromProject(marked).missing).toBe(-999)
    expect(specSampleToProject(specSampleFromProject(marked), { table: '', colour: '' })).toEqual(
      marked,
    )
    const scaled: SampleSpec = { ...project, normalisation: { kind: 'scale', factor: 2 } }
    expect(specSampleToProject(specSampleFromProject(scaled), { table: '', colour: '' })).toEqual(
      scaled,
    )
    // A spec with both a scale and a cross-section folds the scale into σ.
    const both = specSampleToProject(
      {
        name: 'x',
        role: 'signal',
        group: '',
        files: ['a.csv'],
        weight: '1',
        scale: 2,
        xsec: 3,
        lumi: 4,
      },
      { table: '', colour: '#123456' },
    )
    expect(both).toMatchObject({ colour: '#123456', table: '', weight: '' })
    expect(both.normalisation).toEqual({
      kind: 'xsec',
      crossSection: 6,
      luminosity: 4,
      sumGenWeights: null,
    })
  })

  it('formats JSON paths', () => {
    expect(formatSpecPath(['regions', 1, 'cuts', 0, 'expr'])).toBe('regions[1].cuts[0].expr')
    expect(formatSpecPath([])).toBe('')
  })
})
