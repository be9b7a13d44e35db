/**
 * The study lessons (ml/playground/study-lessons.ts) run headless with their fixed seeds on the
 * workbench's own autoencoder and INFERNO engines and show what their pages promise; each test
 * asserts the promised outcome on the numbers, not only the lesson's verdict.
 */
import type * as TF from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../../../../src/main/engine/ml/backend'
import { numberOf, StudyRun } from '../../../../src/main/engine/ml/playground/study'
import { STUDY_LESSONS } from '../../../../src/main/engine/ml/playground/study-lessons'

let tf: typeof TF
beforeAll(async () => {
  tf = (await chooseBackend('wasm')).tf
})

async function run(id: string) {
  const lesson = STUDY_LESSONS.find((l) => l.id === id)
  if (!lesson) throw new Error(`no lesson ${id}`)
  const r = new StudyRun(lesson, 'test')
  await r.runToEnd(tf)
  const p = r.progress()
  console.log(id, p.verdict?.measured)
  return p
}

describe('study lessons', () => {
  it(
    'autoencoder: misses a signal on the background’s plane that one cut finds, finds one off it',
    { timeout: 60_000 },
    async () => {
      const p = await run('autoencoder-miss')
      const [on, off] = p.stages
      const ae = (s: typeof on) => numberOf(s, 'autoencoder AUC')
      const cut = (s: typeof on) => numberOf(s, 'best single-variable AUC')
      // On the plane: the score barely separates (near chance), one cut on x1 does.
      expect(ae(on)).toBeLessThan(0.7)
      expect(cut(on)).toBeGreaterThan(0.85)
      // Off the plane: the other way round.
      expect(ae(off)).toBeGreaterThan(0.9)
      expect(cut(off)).toBeLessThan(0.75)
      // What the page draws: score and variable histograms for both classes, both ROCs.
      const figures = on.figures
      expect(figures.map((f) => f.kind)).toEqual(['histogram', 'histogram', 'curve'])
      for (const f of figures.slice(0, 2))
        expect(f.series.map((s) => s.role)).toEqual(['background', 'signal'])
      expect(figures[2].series).toHaveLength(2)
      expect(figures[1].title).toContain('x1')
      expect(p.verdict?.passed).toBe(true)
    },
  )

  it(
    'INFERNO vs cross entropy: the nuisance costs the classifier much more σ(s) than INFERNO',
    { timeout: 120_000 },
    async () => {
      const p = await run('inferno-vs-bce')
      const [bce, inferno] = p.stages
      const without = (s: typeof bce) => numberOf(s, 'σ(s) without nuisance (B0)')
      const withNuisance = (s: typeof bce) => numberOf(s, 'σ(s) with r, λ free (B2)')
      expect(withNuisance(inferno)).toBeLessThan(withNuisance(bce))
      expect(withNuisance(bce) / without(bce)).toBeGreaterThan(1.25)
      expect(withNuisance(inferno) / without(inferno)).toBeLessThan(1.2)
      // Without the nuisance the classifier is as good or better: there INFERNO gains nothing.
      expect(without(bce)).toBeLessThanOrEqual(without(inferno) * 1.05)
      // The last stage's σ figure compares both summaries, with and without the nuisance.
      const sigma = inferno.figures.find((f) => f.id === 'sigma')!
      expect(sigma.groups).toEqual(['cross entropy', 'INFERNO'])
      expect(sigma.series.map((s) => s.y.length)).toEqual([2, 2])
      expect(p.verdict?.passed).toBe(true)
    },
  )

  it('every study lesson has a page and at least two stages', () => {
    for (const l of STUDY_LESSONS) {
      expect(l.stages.length, l.id).toBeGreaterThanOrEqual(2)
      for (const text of [l.goal, l.change, l.lookFor, l.explanation])
        expect(text.length, l.id).toBeGreaterThan(20)
    }
  })
})
