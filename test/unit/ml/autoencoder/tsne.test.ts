/**
 * t-SNE: three well-separated Gaussian blobs in 10-D stay apart in the 2-D map (k-nearest-
 * neighbour purity of the embedding, against the known labels), the same seed gives the same
 * map and another seed another one; the joint affinities are a symmetric distribution and
 * every conditional row has the asked perplexity (its entropy computed plainly).
 */
import { describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import {
  affinities,
  conditionalAffinities,
  tsne,
} from '../../../../src/main/engine/ml/autoencoder/tsne'

const D = 10
function blobs(perBlob: number, seed: number) {
  const rng = new Random(seed)
  const centres = [0, 1, 2].map(() => Array.from({ length: D }, () => 10 * rng.normal()))
  const x = new Float64Array(3 * perBlob * D)
  const label: number[] = []
  for (let b = 0; b < 3; b++)
    for (let i = 0; i < perBlob; i++) {
      const r = b * perBlob + i
      for (let k = 0; k < D; k++) x[r * D + k] = centres[b][k] + rng.normal()
      label.push(b)
    }
  return { x, label, n: 3 * perBlob }
}

/** Fraction of each point's k nearest neighbours (2-D, Euclidean) with its own label. */
function knnPurity(y: Float64Array, label: number[], k: number): number {
  const n = label.length
  let same = 0
  for (let i = 0; i < n; i++) {
    const d = label.map((_, j) => ({
      j,
      d: (y[2 * i] - y[2 * j]) ** 2 + (y[2 * i + 1] - y[2 * j + 1]) ** 2,
    }))
    d.sort((a, b) => a.d - b.d)
    for (const { j } of d.slice(1, k + 1)) if (label[j] === label[i]) same++
  }
  return same / (n * k)
}

describe('t-SNE', () => {
  const { x, label, n } = blobs(100, 3)

  it('keeps three separated blobs apart, the same seed giving the same map', () => {
    const a = tsne(x, n, D, { seed: 5, iterations: 400 })
    const b = tsne(x, n, D, { seed: 5, iterations: 400 })
    const c = tsne(x, n, D, { seed: 6, iterations: 400 })
    expect(knnPurity(a, label, 10)).toBeGreaterThan(0.95)
    expect(Array.from(b)).toEqual(Array.from(a))
    expect(Array.from(c)).not.toEqual(Array.from(a))
    // Clusters, not a blur: each blob's spread is small against the distance between centres.
    const centre = (blob: number) =>
      [0, 1].map((c) => label.reduce((s, l, i) => s + (l === blob ? a[2 * i + c] : 0), 0) / 100)
    const spread = (blob: number) => {
      const m = centre(blob)
      return Math.sqrt(
        label.reduce(
          (s, l, i) => s + (l === blob ? (a[2 * i] - m[0]) ** 2 + (a[2 * i + 1] - m[1]) ** 2 : 0),
          0,
        ) / 100,
      )
    }
    const [m0, m1] = [centre(0), centre(1)]
    expect(Math.hypot(m0[0] - m1[0], m0[1] - m1[1])).toBeGreaterThan(2 * (spread(0) + spread(1)))
  })

  it('calibrates each point’s Gaussian to the perplexity', () => {
    const m = 60
    const P = affinities(x.subarray(0, m * D), m, D, 10)
    let total = 0
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) {
        total += P[i * m + j]
        expect(P[i * m + j]).toBeCloseTo(P[j * m + i], 15)
      }
    expect(total).toBeCloseTo(1, 9)
    // Each conditional row's entropy, computed plainly, is log(perplexity).
    const cond = conditionalAffinities(x.subarray(0, m * D), m, D, 10)
    for (let i = 0; i < m; i++) {
      let h = 0
      let z = 0
      for (let j = 0; j < m; j++) {
        const p = cond[i * m + j]
        z += p
        if (p > 0) h -= p * Math.log(p)
      }
      expect(z).toBeCloseTo(1, 12)
      expect(cond[i * m + i]).toBe(0)
      expect(h).toBeCloseTo(Math.log(10), 4)
    }
  })
})
