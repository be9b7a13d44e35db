/**
 * The closed-form INFERNO loss head (fisher-head.ts) against two independent routes: tfjs
 * autodiff through the tensor form of the same loss (fisher.ts infernoLossTf on soft histograms,
 * with its unrolled differentiable inverse), and central finite differences of the float64 loss.
 */
import type * as TF from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import { chooseBackend } from '../../../../src/main/engine/ml/backend'
import { BENCHMARKS, type Benchmark } from '../../../../src/main/engine/ml/inferno/benchmarks'
import {
  type ShapeNuisance,
  constraintTerms,
  shapeNuisances,
} from '../../../../src/main/engine/ml/inferno/fisher'
import { fisherLoss } from '../../../../src/main/engine/ml/inferno/fisher-head'
import { infernoLossTf, softHistogram } from './autodiff-reference'
import { benchmarkBlock } from '../../../../src/main/engine/ml/inferno/train'

let tf: typeof TF
beforeAll(async () => {
  tf = (await chooseBackend()).tf
})

const steps = { r: 0.05, lambda: 0.1 }
const bins = 5
const tau = 0.4

function randomLogits(rows: number, seed: number): Float32Array {
  const rng = new Random(seed)
  return Float32Array.from({ length: rows * bins }, () => 1.5 * rng.normal())
}

/** Loss and d loss / d logits by tfjs autodiff of the tensor form on the benchmark's blocks. */
function autodiff(
  bm: Benchmark,
  logits: Float32Array,
  ns: number,
  nb: number,
): { loss: number; grad: Float32Array } {
  const variations = shapeNuisances(bm)
  const sizes = [ns, nb, ...variations.flatMap(() => [nb, nb])]
  const rows = sizes.reduce((a, b) => a + b, 0)
  const z = tf.tensor2d(logits, [rows, bins])
  const f = (l: TF.Tensor): TF.Scalar => {
    const h = (tf.split(l as TF.Tensor2D, sizes, 0) as TF.Tensor2D[]).map((p) =>
      softHistogram(tf, p, tau),
    )
    const up: Partial<Record<ShapeNuisance, TF.Tensor1D>> = {}
    const down: Partial<Record<ShapeNuisance, TF.Tensor1D>> = {}
    variations.forEach((v, i) => {
      up[v] = h[2 + 2 * i]
      down[v] = h[3 + 2 * i]
    })
    return infernoLossTf(tf, { signal: h[0], background: h[1], up, down }, bm, steps)
  }
  const { value, grad } = tf.valueAndGrad(f)(z)
  const out = { loss: value.dataSync()[0], grad: grad.dataSync() as Float32Array }
  value.dispose()
  grad.dispose()
  z.dispose()
  return out
}

describe('INFERNO loss head in closed form', () => {
  for (const name of ['B0', 'B2', 'B4'] as const) {
    it(`${name}: loss and gradient equal tfjs autodiff of the tensor form`, () => {
      const bm = BENCHMARKS[name]
      const ns = 9
      const nb = 11
      const block = benchmarkBlock(bm, ns, nb, steps)
      const logits = randomLogits(block.rows, 3)
      const ours = fisherLoss(logits, bins, block, tau, constraintTerms(bm), true)
      const ref = autodiff(bm, logits, ns, nb)
      // float32 tensors against float64 here.
      expect(ours.loss / ref.loss).toBeCloseTo(1, 4)
      let scale = 0
      for (const g of ref.grad) scale = Math.max(scale, Math.abs(g))
      expect(scale).toBeGreaterThan(0)
      for (let i = 0; i < ref.grad.length; i++)
        expect(Math.abs(ours.dLogits![i] - ref.grad[i])).toBeLessThan(2e-3 * scale)
    })
  }

  it('B3: the gradient equals central finite differences of the float64 loss', () => {
    const bm = BENCHMARKS.B3
    const block = benchmarkBlock(bm, 6, 7, steps)
    const cons = constraintTerms(bm)
    const logits = randomLogits(block.rows, 8)
    const { dLogits } = fisherLoss(logits, bins, block, tau, cons, true)
    const h = 1e-2
    const rng = new Random(2)
    for (let t = 0; t < 25; t++) {
      const i = Math.floor(rng.uniform() * logits.length)
      const at = (d: number): number => {
        const l = Float32Array.from(logits)
        l[i] += d
        return fisherLoss(l, bins, block, tau, cons, false).loss
      }
      // h is exact in float32 (a power of two would be too; 1e-2 rounds by < 1e-9 relative here).
      const lp = Float32Array.from(logits)
      lp[i] += h
      const lm = Float32Array.from(logits)
      lm[i] -= h
      const fd = (at(h) - at(-h)) / (lp[i] - lm[i])
      expect(Math.abs(dLogits![i] - fd)).toBeLessThan(1e-3 * Math.max(1, Math.abs(fd)))
    }
  })
})
