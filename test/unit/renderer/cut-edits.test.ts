/**
 * The cut editor's edits (stores/cut-edits.ts) against the real engine, counting requests:
 * a burst of typing is checked in the window at every keystroke and sends one `cuts.update`,
 * whose answer saves the region and brings its cut-flow; a syntax error is shown at once and
 * sends nothing; an unknown name is shown at once and the engine's check agrees.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CutsRegion } from '../../../src/shared/contract/cuts'
import {
  checkCut,
  cutEdits,
  editorSymbols,
  type EditorSymbols,
} from '../../../src/renderer/src/stores/cut-edits'
import { inProcessEngine } from '../helpers/engine'
import { SKHEP } from '../io/shared-data'

// The store's quiet time (stores/cuts.ts DEBOUNCE_MS): keystrokes 10 ms apart are one burst.
const QUIET_MS = 300
const tmp = mkdtempSync(join(tmpdir(), 'hepwb-cut-edits-'))
const engine = inProcessEngine()
let symbols: EditorSymbols
const SR: CutsRegion = {
  name: 'SR',
  blinded: false,
  cuts: [{ expr: 'Q1*Q2<0' }, { expr: 'M > 80' }],
}

afterAll(() => {
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

beforeAll(async () => {
  await engine.call('project.create', { path: join(tmp, 'edits.hepwb') })
  const r = await engine.job('data.addSample', {
    spec: {
      name: 'Zmumu',
      role: 'background',
      colour: '#1f77b4',
      files: [SKHEP + 'uproot-Zmumu.root'],
      table: 'events',
    },
  })
  expect(r.state, r.error).toBe('done')
  await engine.call('cuts.saveRegion', { region: SR })
  symbols = editorSymbols(await engine.call('cuts.symbols', {}))
}, 60_000)

/** An editor over the engine, with the updates it sent. */
function editor() {
  const sent: CutsRegion[] = []
  const edits = cutEdits({
    update: (region) => {
      sent.push(region)
      return engine.call('cuts.update', { region, sigmaB: 0 })
    },
    symbols: () => symbols,
    debounceMs: QUIET_MS,
  })
  return { edits, sent }
}

const withCut = (expr: string): CutsRegion => ({ ...SR, cuts: [SR.cuts[0], { expr }] })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('cut edits', () => {
  it('send one update per burst of typing, which saves the region and brings its cut-flow', async () => {
    const { edits, sent } = editor()
    const typed = ['M', 'M ', 'M >', 'M > ', 'M > 9', 'M > 95']
    const keystrokes = []
    for (const text of typed) {
      keystrokes.push(edits.edit(withCut(text)))
      await sleep(10)
    }
    // Checked in the window at every keystroke, with nothing sent yet.
    expect(sent).toHaveLength(0)
    expect(keystrokes.map((k) => k.checks[1].ok)).toEqual([true, true, false, false, true, true])
    expect(keystrokes[2].checks[1]).toMatchObject({ syntax: true, position: 3 })

    const answers = await Promise.all(keystrokes.map((k) => k.answer))
    expect(sent).toEqual([withCut('M > 95')])
    expect(answers.slice(0, -1)).toEqual([null, null, null, null, null])
    const last = answers[answers.length - 1]
    expect(last?.saved).toBe(true)
    expect(last?.checks.every((c) => c.ok)).toBe(true)
    expect(last?.regions).toEqual([withCut('M > 95')])
    expect(last?.cutflow?.samples.Zmumu.map((r) => r.cut)).toEqual(['Q1*Q2<0', 'M > 95'])
    expect(await engine.call('cuts.regions', {})).toEqual([withCut('M > 95')])

    // A second burst: a second update.
    const again = edits.edit(withCut('M > 90'))
    expect((await again.answer)?.saved).toBe(true)
    expect(sent).toHaveLength(2)
  })

  it('show a syntax error with its position at once and send nothing', async () => {
    const { edits, sent } = editor()
    const e = edits.edit(withCut('M > 80 &&'))
    expect(e.checks[1]).toEqual({
      ok: false,
      message: "expected a number, a name or '(' at 9 (found the end of the expression)",
      position: 9,
      end: 9,
      syntax: true,
    })
    expect(await e.answer).toBeNull()
    await sleep(QUIET_MS * 2)
    expect(sent).toHaveLength(0)
    expect(checkCut('   ', symbols)).toMatchObject({ ok: false, syntax: true })
  })

  it('show an unknown name at once, as the engine then says it, and save nothing', async () => {
    const { edits, sent } = editor()
    const before = await engine.call('cuts.regions', {})
    const e = edits.edit(withCut('Mm > 80'))
    const local = e.checks[1]
    expect(local).toMatchObject({
      ok: false,
      message: "unknown variable 'Mm' at 0 (did you mean 'M'?)",
      syntax: false,
    })
    const a = await e.answer
    expect(sent).toHaveLength(1)
    expect(a?.saved).toBe(false)
    expect(a?.cutflow).toBeNull()
    const { syntax: _, ...asEngine } = local as Extract<typeof local, { ok: false }>
    expect(a?.checks[1]).toEqual(asEngine)
    expect(a?.symbols).toBe(symbols.key)
    expect(await engine.call('cuts.regions', {})).toEqual(before)
    // Without a symbol table yet (still loading) only the syntax is checked.
    expect(checkCut('Mm > 80', null)).toEqual({ ok: true })
  })

  it('send a waiting edit at once on flush, and drop it on cancel', async () => {
    const { edits, sent } = editor()
    const flushed = edits.edit(withCut('M > 85'))
    await edits.flush()
    expect(sent).toEqual([withCut('M > 85')])
    expect((await flushed.answer)?.saved).toBe(true)

    const dropped = edits.edit(withCut('M > 70'))
    edits.cancel()
    expect(await dropped.answer).toBeNull()
    await sleep(QUIET_MS * 2)
    expect(sent).toHaveLength(1)
    expect(await engine.call('cuts.regions', {})).toEqual([withCut('M > 85')])
  })
})
