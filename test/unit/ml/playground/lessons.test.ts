/**
 * Every guided lesson runs headless with its fixed seed and shows what its page promises
 * (ml/playground/lessons.ts); each test asserts the promised outcome on the numbers themselves,
 * not only the lesson's own verdict.
 */
import type * as TF from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../../../../src/main/engine/ml/backend'
import { LESSONS, LessonRun } from '../../../../src/main/engine/ml/playground/lessons'

let tf: typeof TF
beforeAll(async () => {
  tf = (await chooseBackend('wasm')).tf
})

function run(id: string) {
  const lesson = LESSONS.find((l) => l.id === id)
  if (!lesson) throw new Error(`no lesson ${id}`)
  const r = new LessonRun(tf, lesson)
  r.runToEnd()
  const p = r.progress()
  r.session.dispose()
  console.log(id, p.verdict?.measured)
  return p
}

describe('guided lessons', () => {
  it('overtraining: the validation loss turns up with few events, not with many', () => {
    const p = run('overtraining')
    const [few, many] = p.stages
    expect(few.bestEpoch).toBeLessThan(150)
    expect(few.testLoss! - few.minTestLoss!).toBeGreaterThan(0.1)
    expect(many.testLoss! - many.trainLoss!).toBeLessThan(few.testLoss! - few.trainLoss!)
    // Training and test outputs differ more (a smaller KS p-value) with few events.
    const ks = (s: typeof few) => Math.min(s.ksSignal!, s.ksBackground!)
    expect(ks(few)).toBeLessThan(ks(many))
    expect(p.verdict?.passed).toBe(true)
  })

  it('learning rate: too large and too small both end with a higher loss', () => {
    const p = run('learning-rate')
    const [good, large, small] = p.stages.map((s) => s.trainLoss ?? Infinity)
    expect(large).toBeGreaterThan(good + 0.1)
    expect(small).toBeGreaterThan(good + 0.1)
    expect(p.verdict?.passed).toBe(true)
  })

  it('standardisation: the same network learns with standardised inputs only', () => {
    const p = run('standardisation')
    const [raw, std] = p.stages
    expect(raw.testLoss!).toBeGreaterThan(std.testLoss! + 0.15)
    expect(p.verdict?.passed).toBe(true)
  })

  it('linear vs one hidden layer: only the hidden layer separates back-to-back events', () => {
    const p = run('linear-vs-hidden')
    const [linear, hidden] = p.stages
    expect(linear.aucTest!).toBeLessThan(0.65)
    expect(hidden.aucTest!).toBeGreaterThan(linear.aucTest! + 0.15)
    expect(p.verdict?.passed).toBe(true)
  })

  it('class imbalance: balanced weights let the signal pass 0.5, the AUC stays', () => {
    const p = run('class-imbalance')
    const [plain, balanced] = p.stages
    expect(balanced.signalEfficiency!).toBeGreaterThan(plain.signalEfficiency! + 0.2)
    expect(Math.abs(plain.aucTest! - balanced.aucTest!)).toBeLessThan(0.05)
    expect(p.verdict?.passed).toBe(true)
  })

  it('vanishing gradients: sigmoid layers starve the first layer, ReLU does not', () => {
    const p = run('vanishing-gradients')
    const [sigmoid, relu] = p.stages
    expect(sigmoid.gradientRatio!).toBeLessThan(0.05)
    expect(relu.gradientRatio!).toBeGreaterThan(10 * sigmoid.gradientRatio!)
    expect(p.verdict?.passed).toBe(true)
  })

  it('every lesson has a page: goal, change, what to look for, explanation', () => {
    for (const l of LESSONS) {
      expect(l.stages.length, l.id).toBeGreaterThanOrEqual(2)
      for (const text of [l.goal, l.change, l.lookFor, l.explanation])
        expect(text.length, l.id).toBeGreaterThan(20)
    }
  })
})
