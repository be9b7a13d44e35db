/**
 * The Fit build form's observable check (stores/observable-check.ts), made in the window with
 * src/shared/expr against the engine's symbol table (cuts.symbols), on a real project with a
 * jagged sample (uproot-HZZ.root): a list per event is refused as the engine's build refuses
 * it, in the same words; a typo and a syntax error are shown with their position.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { editorSymbols, type EditorSymbols } from '../../../src/renderer/src/stores/cut-edits'
import { observableProblem } from '../../../src/renderer/src/stores/observable-check'
import { inProcessEngine } from '../helpers/engine'
import { SKHEP } from '../io/shared-data'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-observable-'))
const engine = inProcessEngine()
let symbols: EditorSymbols

afterAll(() => {
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

beforeAll(async () => {
  await engine.call('project.create', { path: join(tmp, 'observable.hepwb') })
  const r = await engine.job('data.addSample', {
    spec: {
      name: 'HZZ',
      role: 'signal',
      colour: '#1f77b4',
      files: [SKHEP + 'uproot-HZZ.root'],
      table: 'events',
    },
  })
  expect(r.state, r.error).toBe('done')
  await engine.call('cuts.saveRegion', {
    region: { name: 'SR', blinded: false, cuts: [{ expr: 'NMuon >= 1' }] },
  })
  symbols = editorSymbols(await engine.call('cuts.symbols', {}))
}, 60_000)

/** The engine's answer to a build with `observable`: its error, or null when it built. */
async function engineBuild(observable: string): Promise<string | null> {
  const r = await engine.job('fit.build', {
    name: 'ws',
    channels: [{ region: 'SR', observable, bins: 4, lo: -100, hi: 100 }],
    staterror: true,
    normsys: [],
    histosys: [],
  })
  return r.state === 'done' ? null : (r.error ?? r.state)
}

describe('the build form checks an observable in the window', () => {
  it('refuses a list per event, as the engine does, and accepts one element of it', async () => {
    const problem = observableProblem('Muon_Px', symbols)
    expect(problem).toBe(
      'the observable must be one value per event, but this is a list per event at 0 ' +
        '(reduce it with Any(…), All(…), Sum(…), Count(…) or pick an element with [0])',
    )
    // The engine's build says the same of it (with where it is used).
    expect(await engineBuild('Muon_Px')).toContain(problem)
    expect(observableProblem('Muon_Px[0]', symbols)).toBeNull()
    expect(observableProblem('Sum(Muon_Px)', symbols)).toBeNull()
    expect(await engineBuild('Muon_Px[0]')).toBeNull()
  }, 60_000)

  it('shows a typo and a syntax error with their position; nothing while empty', () => {
    expect(observableProblem('MET_pxx', symbols)).toMatch(
      /^unknown variable 'MET_pxx' at 0 \(did you mean 'MET_px'\?\)$/,
    )
    // Without the symbol table yet (still loading), the syntax is checked all the same.
    expect(observableProblem('MET_px +', null)).toBe(
      "expected a number, a name or '(' at 8 (found the end of the expression)",
    )
    expect(observableProblem('MET_pxx', null)).toBeNull()
    expect(observableProblem('  ', symbols)).toBeNull()
  })
})
