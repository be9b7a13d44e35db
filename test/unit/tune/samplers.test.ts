/**
 * The samplers against known answers: TPE beats random on Branin and Hartmann-6 (median best
 * after 100 trials over 10 seeds, the comparison of the issue), grid visits exactly its grid,
 * random is reproducible by seed, and conditional parameters appear only on their branch.
 */
import { describe, expect, it } from 'vitest'
import { randomSampler, gridSampler, gridPoints } from '../../../src/main/engine/tune/sampler'
import { parseSpace, applyParams } from '../../../src/main/engine/tune/space'
import { runStudy, type StudySettings } from '../../../src/main/engine/tune/study'

/** Branin on x1 ∈ [−5, 10], x2 ∈ [0, 15]; minimum 0.397887 at three points. */
function branin(p: Record<string, unknown>): number {
  const x1 = p.x1 as number
  const x2 = p.x2 as number
  const b = 5.1 / (4 * Math.PI ** 2)
  const c = 5 / Math.PI
  const t = 1 / (8 * Math.PI)
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10
}

/** Hartmann-6 on [0, 1]⁶; minimum −3.32237. */
const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
]
const P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((r) => r.map((x) => x * 1e-4))
const ALPHA = [1, 1.2, 3, 3.2]
function hartmann6(p: Record<string, unknown>): number {
  let s = 0
  for (let i = 0; i < 4; i++) {
    let e = 0
    for (let j = 0; j < 6; j++) e += A[i][j] * ((p[`x${j}`] as number) - P[i][j]) ** 2
    s += ALPHA[i] * Math.exp(-e)
  }
  return -s
}

async function bestOf(
  algorithm: 'random' | 'tpe',
  space: StudySettings['space'],
  f: (p: Record<string, unknown>) => number,
  seed: number,
): Promise<number> {
  const r = await runStudy(
    {
      space,
      algorithm,
      direction: 'minimize',
      trials: 100,
      parallel: 1,
      seed,
      pruner: { name: 'none', maxResource: 1 },
    },
    async ({ params }) => ({
      state: 'complete',
      value: f(params as Record<string, unknown>),
      intermediate: [],
      epochs: 0,
      seconds: 0,
    }),
  )
  return r.best!.value!
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b)
  return 0.5 * (s[4] + s[5])
}

describe('TPE against random search', () => {
  it('Branin: the median best of 10 seeds after 100 trials is lower with TPE', async () => {
    const space = parseSpace({ x1: { float: [-5, 10] }, x2: { float: [0, 15] } })
    const seeds = [...Array(10).keys()].map((i) => i + 1)
    const tpe = median(await Promise.all(seeds.map((s) => bestOf('tpe', space, branin, s))))
    const rnd = median(await Promise.all(seeds.map((s) => bestOf('random', space, branin, s))))
    console.log(`Branin median best: TPE ${tpe.toFixed(4)}, random ${rnd.toFixed(4)} (min 0.3979)`)
    expect(tpe).toBeLessThan(rnd)
    // Optuna 3's TPE lands within a few hundredths of the minimum here in 100 trials.
    expect(tpe).toBeLessThan(0.5)
  })

  it('Hartmann-6: the median best of 10 seeds after 100 trials is lower with TPE', async () => {
    const space = parseSpace(
      Object.fromEntries([...Array(6).keys()].map((j) => [`x${j}`, { float: [0, 1] }])),
    )
    const seeds = [...Array(10).keys()].map((i) => i + 1)
    const tpe = median(await Promise.all(seeds.map((s) => bestOf('tpe', space, hartmann6, s))))
    const rnd = median(await Promise.all(seeds.map((s) => bestOf('random', space, hartmann6, s))))
    console.log(
      `Hartmann-6 median best: TPE ${tpe.toFixed(4)}, random ${rnd.toFixed(4)} (min −3.3224)`,
    )
    expect(tpe).toBeLessThan(rnd)
    expect(tpe).toBeLessThan(-2.8)
  })
})

describe('TPE on choices and integers', () => {
  it('concentrates on the best choice and integer after its random start-up', async () => {
    const space = parseSpace({ c: { choice: ['a', 'b', 'c', 'd'] }, k: { int: [1, 20] } })
    const cost: Record<string, number> = { a: 1, b: 0, c: 2, d: 3 }
    const r = await runStudy(
      {
        space,
        algorithm: 'tpe',
        direction: 'minimize',
        trials: 80,
        parallel: 1,
        seed: 5,
        pruner: { name: 'none', maxResource: 1 },
      },
      async ({ params }) => ({
        state: 'complete',
        value: cost[params.c as string] + Math.abs((params.k as number) - 13) / 4,
        intermediate: [],
        epochs: 0,
        seconds: 0,
      }),
    )
    const late = r.trials.slice(30)
    const share = (f: (t: (typeof late)[number]) => boolean) => late.filter(f).length / late.length
    // Random would give 1/4 and 1/20.
    expect(share((t) => t.params.c === 'b')).toBeGreaterThan(0.5)
    expect(share((t) => Math.abs((t.params.k as number) - 13) <= 1)).toBeGreaterThan(0.3)
    expect(r.best!.params).toEqual({ c: 'b', k: 13 })
  })
})

describe('grid and random', () => {
  const space = parseSpace({
    'options.layers.length': { int: [1, 3] },
    'options.layers.2': { choice: [16, 32], when: { param: 'options.layers.length', in: [3] } },
    'options.learningRate': { float: [1e-4, 1e-2], log: true, grid: 3 },
  })

  it('grid visits exactly the grid, each point once, conditional values only on their branch', async () => {
    const expected = gridPoints(space)
    // depth 1 and 2: 3 learning rates each; depth 3: 2 widths × 3 rates.
    expect(expected).toHaveLength(3 + 3 + 6)
    const seen: string[] = []
    const r = await runStudy(
      {
        space,
        algorithm: 'grid',
        direction: 'minimize',
        trials: 100,
        parallel: 3,
        seed: 7,
        pruner: { name: 'none', maxResource: 1 },
      },
      async ({ params }) => {
        seen.push(JSON.stringify(params))
        return { state: 'complete', value: 0, intermediate: [], epochs: 1, seconds: 0 }
      },
    )
    expect(r.trials).toHaveLength(12)
    expect(new Set(seen).size).toBe(12)
    expect([...seen].sort()).toEqual(expected.map((p) => JSON.stringify(p)).sort())
    const rates = new Set(expected.map((p) => p['options.learningRate'] as number))
    expect([...rates].map((x) => Number(x.toPrecision(6))).sort()).toEqual([0.0001, 0.001, 0.01])
    for (const p of expected) expect('options.layers.2' in p).toBe(p['options.layers.length'] === 3)
  })

  it('random is reproducible by seed, differs between seeds, stays in range', () => {
    const a = randomSampler(space, 3)
    const b = randomSampler(space, 3)
    const c = randomSampler(space, 4)
    const draws = (s: typeof a) =>
      [...Array(50).keys()].map((n) => JSON.stringify(s.suggest(n, [])))
    expect(draws(a)).toEqual(draws(b))
    expect(draws(a)).not.toEqual(draws(c))
    for (let n = 0; n < 200; n++) {
      const p = a.suggest(n, [])
      const lr = p['options.learningRate'] as number
      expect(lr).toBeGreaterThanOrEqual(1e-4)
      expect(lr).toBeLessThanOrEqual(1e-2)
      expect([1, 2, 3]).toContain(p['options.layers.length'])
    }
    // Log-uniform: about half the draws below the geometric middle 1e-3.
    const below = [...Array(1000).keys()].filter(
      (n) => (a.suggest(n, [])['options.learningRate'] as number) < 1e-3,
    ).length
    expect(below).toBeGreaterThan(430)
    expect(below).toBeLessThan(570)
    expect(gridSampler(space, 1).size).toBe(12)
  })

  it('applies parameters at dotted paths, resizing arrays by .length', () => {
    const config = { options: { layers: [64, 64], learningRate: 1e-3 } }
    const out = applyParams(config, {
      'options.layers.length': 3,
      'options.layers.2': 32,
      'options.learningRate': 0.01,
    })
    expect(out).toEqual({ options: { layers: [64, 64, 32], learningRate: 0.01 } })
    expect(config.options.layers).toEqual([64, 64])
    expect(applyParams(config, { 'options.layers.length': 1 }).options.layers).toEqual([64])
  })
})
