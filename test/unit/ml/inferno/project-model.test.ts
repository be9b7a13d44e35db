/**
 * INFERNO on project samples (ml/inferno/project-*.ts): the differentiable loss of a block of
 * events — all nuisance kinds through one weight matrix — against the Asimov Fisher information
 * computed plainly here in float64 from the same network outputs; and the profile-likelihood
 * width of the hard templates' workspace against their Fisher σ.
 */
import { Matrix, inverse } from 'ml-matrix'
import type * as TF from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import { chooseBackend } from '../../../../src/main/engine/ml/backend'
import { buildTrunk } from '../../../../src/main/engine/ml/inferno/network'
import type { TrainableDense } from '../../../../src/main/engine/ml/trainable-dense'
import {
  type ProjectEvents,
  type ResolvedNuisance,
  fitScaler,
  scaleInPlace,
} from '../../../../src/main/engine/ml/inferno/project-data'
import {
  blockLoss,
  lossBlock,
  projectConstraints,
} from '../../../../src/main/engine/ml/inferno/project-model'
import {
  projectTemplates,
  projectWorkspace,
  templatesFisherSigma,
} from '../../../../src/main/engine/ml/inferno/project-evaluate'
import { profilePoi } from '../../../../src/main/engine/ml/inferno/summary-fit'

let tf: typeof TF
const ADAM = { optimizer: 'adam', learningRate: 1e-3 } as const
beforeAll(async () => {
  tf = (await chooseBackend()).tf
})

/** Two processes in 2D: signal around (1, 1), background around (0, 0); all rows in `part`. */
function events(
  n: number,
  part: number,
  nuisances: (a: Uint8Array, w: Float64Array) => ResolvedNuisance[],
): ProjectEvents {
  const rng = new Random(5)
  const x = new Float32Array(2 * n)
  const sample = new Int32Array(n)
  const signal = new Uint8Array(n)
  const weight = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const s = i % 4 === 0 ? 1 : 0
    signal[i] = s
    sample[i] = s ? 0 : 1
    x[2 * i] = rng.normal() + s
    x[2 * i + 1] = rng.normal() + s
    weight[i] = s ? 0.5 : 2
  }
  const bkg = Uint8Array.from(signal, (s) => 1 - s)
  const up = Float64Array.from({ length: n }, (_, i) => 1 + 0.3 * (x[2 * i] > 0 ? 1 : 0))
  return {
    dim: 2,
    inputs: ['a', 'b'],
    samples: [
      { name: 'sig', role: 'signal' },
      { name: 'bkg', role: 'background' },
    ],
    x,
    sample,
    signal,
    part: new Uint8Array(n).fill(part),
    weight,
    variation: new Int16Array(n),
    nuisances: nuisances(bkg, up),
    yields: { signal: 0, background: 0 },
    warnings: [],
  }
}

const allKinds = (bkg: Uint8Array, up: Float64Array): ResolvedNuisance[] => [
  {
    kind: 'transform',
    name: 'shift',
    affects: bkg,
    input: 0,
    mode: 'shift',
    delta: 0.3,
    free: false,
  },
  {
    kind: 'weight',
    name: 'w',
    affects: bkg,
    up,
    down: up.map((u) => 2 - u),
    interpolation: 'code4p',
  },
  { kind: 'norm', name: 'n', affects: bkg, width: null },
]

/** Soft assignments softmax(z/τ) of rows (float64) from the network's logits. */
function soft(net: TrainableDense, x: Float32Array, tau: number, b: number): number[][] {
  const z = net.predict(x, x.length / 2)
  const out: number[][] = []
  for (let i = 0; i < z.length / b; i++) {
    const row = Array.from({ length: b }, (_, j) => z[i * b + j] / tau)
    const m = Math.max(...row)
    const e = row.map((v) => Math.exp(v - m))
    const s = e.reduce((a, c) => a + c, 0)
    out.push(e.map((v) => v / s))
  }
  return out
}

describe('INFERNO loss on project samples', () => {
  it('equals (I⁻¹)_μμ computed plainly from the soft histograms, all three nuisance kinds', () => {
    const ev = events(200, 0, allKinds)
    const sc = fitScaler(ev)
    const b = 4
    const tau = 0.5
    const net = buildTrunk(tf, [8], b, 3, ADAM, 2)
    const rows = Array.from({ length: 200 }, (_, i) => i)
    const loss = blockLoss(
      net,
      lossBlock(ev, sc, rows, () => 1),
      tau,
      projectConstraints(ev),
    )
    // Plain: per bin λ, ∂λ/∂μ, and each nuisance's derivative.
    const rowsX = (shift: number) => {
      const x = Float32Array.from(ev.x)
      for (let i = 0; i < 200; i++) if (!ev.signal[i]) x[2 * i] += shift
      return scaleInPlace(x, sc)
    }
    const nom = soft(net, rowsX(0), tau, b)
    const upA = soft(net, rowsX(0.3), tau, b)
    const dnA = soft(net, rowsX(-0.3), tau, b)
    const up = (ev.nuisances[1] as { up: Float64Array }).up
    const lam = new Array(b).fill(0)
    const d = [0, 1, 2, 3].map(() => new Array(b).fill(0))
    for (let i = 0; i < 200; i++) {
      const w = ev.weight[i]
      for (let j = 0; j < b; j++) {
        lam[j] += w * nom[i][j]
        if (ev.signal[i]) d[0][j] += w * nom[i][j]
        else {
          d[1][j] += (w * (upA[i][j] - dnA[i][j])) / 2
          d[2][j] += (w * (up[i] - (2 - up[i])) * nom[i][j]) / 2
          d[3][j] += w * nom[i][j]
        }
      }
    }
    const fisher = d.map((di, a) =>
      d.map(
        (dk, c) =>
          di.reduce((s, v, j) => s + (v * dk[j]) / lam[j], 0) +
          (a === c && a === 1 ? 1 : 0) +
          (a === c && a === 2 ? 1 : 0),
      ),
    )
    const expected = inverse(new Matrix(fisher)).get(0, 0)
    // float32 network and sums against float64 here: 1e-4 relative.
    expect(loss / expected).toBeCloseTo(1, 4)
    net.dispose()
  })

  it('gives a profile-likelihood width of μ close to the templates’ Fisher σ', () => {
    const ev = events(4000, 2, (bkg) => [{ kind: 'norm', name: 'n', affects: bkg, width: 0.05 }])
    const net = {
      net: buildTrunk(tf, [8], 5, 4, ADAM, 2),
      scaler: fitScaler({ ...ev, part: new Uint8Array(4000) }),
    }
    const t = projectTemplates(ev, net as never, 'inferno', 5)
    const fisher = templatesFisherSigma(t, ev)
    const prof = profilePoi(projectWorkspace(t, ev), { normsys: 'code4', histosys: 'code4p' })
    // A 5% normsys is nearly linear at ±1σ, so the Asimov profile width and the Fisher σ agree
    // to a few per cent (code4's curvature and the Poisson likelihood's asymmetry).
    expect(prof.sigma! / fisher).toBeGreaterThan(0.97)
    expect(prof.sigma! / fisher).toBeLessThan(1.03)
    expect(prof.names).toEqual(['mu', 'n'])
    net.net.dispose()
  })
})
