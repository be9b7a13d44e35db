/**
 * Project events with a variation-sample nuisance (project-data.ts): the up / down samples' events
 * sit beside the nominal ones but belong to no process, each part of each is scaled to its own
 * yield, and their ±w/2 enter only their nuisance's derivative in the loss block — checked
 * against the Fisher information written out plainly from the same network outputs.
 */
import { Matrix, inverse } from 'ml-matrix'
import type * as TF from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { InfernoProjectConfig } from '../../../../src/shared/contract/inferno'
import { Random } from '../../../../src/main/engine/data/random'
import { chooseBackend } from '../../../../src/main/engine/ml/backend'
import type { SelectedEvents } from '../../../../src/main/engine/ml/build-dataset'
import { buildTrunk } from '../../../../src/main/engine/ml/inferno/network'
import {
  InfernoSetupError,
  PARTS,
  fitScaler,
  projectEvents,
  rowsOf,
  scaleInPlace,
  variationRowsOf,
  variationSampleNames,
} from '../../../../src/main/engine/ml/inferno/project-data'
import {
  blockLoss,
  lossBlock,
  projectConstraints,
} from '../../../../src/main/engine/ml/inferno/project-model'

let tf: typeof TF
beforeAll(async () => {
  tf = (await chooseBackend()).tf
})

/** n events of one input around `mean`, each of weight w. */
function sample(
  name: string,
  role: 'signal' | 'background',
  n: number,
  mean: number,
  w: number,
  seed: number,
): SelectedEvents {
  const rng = new Random(seed)
  return {
    name,
    role,
    columns: [Float64Array.from({ length: n }, () => mean + rng.normal())],
    weight: new Float64Array(n).fill(w),
  }
}

const config = InfernoProjectConfig.parse({
  inputs: ['x'],
  nuisances: [
    { kind: 'norm', name: 'n', samples: ['bkg'], width: 0.05 },
    { kind: 'samples', name: 'jes', samples: ['bkg'], up: 'bkg_up', down: 'bkg_dn' },
  ],
  options: { validation: 0.2, test: 0.3 },
})
const nominal = [sample('sig', 'signal', 300, 1, 0.1, 1), sample('bkg', 'background', 900, 0, 2, 2)]
const variations = [
  sample('bkg_up', 'background', 800, 0.2, 2.3, 3),
  sample('bkg_dn', 'background', 700, -0.2, 2.4, 4),
]

describe('project events with variation samples', () => {
  it('keeps variation events apart, each part scaled to its own sample’s yield', () => {
    expect(variationSampleNames(config.nuisances)).toEqual(['bkg_up', 'bkg_dn'])
    const ev = projectEvents(nominal, config, variations)
    expect(ev.samples.map((s) => s.name)).toEqual(['sig', 'bkg'])
    expect(ev.x.length).toBe(300 + 900 + 800 + 700)
    expect(ev.yields.signal).toBeCloseTo(30, 9)
    expect(ev.yields.background).toBeCloseTo(1800, 9)
    // rowsOf: nominal events only.
    const parts: number[] = [PARTS.train, PARTS.validation, PARTS.test]
    const nominalRows = parts.reduce((a, p) => a + rowsOf(ev, p).length, 0)
    expect(nominalRows).toBe(1200)
    for (const p of [PARTS.train, PARTS.validation, PARTS.test]) {
      const up = variationRowsOf(ev, p, 1, 1)
      const dn = variationRowsOf(ev, p, 1, -1)
      const sum = (rows: Int32Array) => rows.reduce((a, i) => a + ev.weight[i], 0)
      // Each part of a variation sample carries its whole yield (800 × 2.3, 700 × 2.4).
      expect(sum(up)).toBeCloseTo(1840, 9)
      expect(sum(dn)).toBeCloseTo(1680, 9)
      // They stand for the background sample (index 1) and are background.
      for (const i of [...up, ...dn]) {
        expect(ev.sample[i]).toBe(1)
        expect(ev.signal[i]).toBe(0)
      }
      expect(variationRowsOf(ev, p, 0, 1)).toHaveLength(0)
    }
    // No nuisance acts on a variation event through `affects`.
    for (const nu of ev.nuisances)
      for (let i = 1200; i < ev.x.length; i++) expect(nu.affects[i]).toBe(0)
  })

  it('names a variation of an unknown sample, one not read and one empty in the region', () => {
    const bad = InfernoProjectConfig.parse({
      ...config,
      nuisances: [{ kind: 'samples', name: 'jes', samples: ['ttbar'], up: 'a', down: 'b' }],
    })
    expect(() => projectEvents(nominal, bad, variations)).toThrow(InfernoSetupError)
    expect(() => projectEvents(nominal, bad, variations)).toThrow(/jes.*'ttbar'/)
    expect(() => projectEvents(nominal, config, variations.slice(0, 1))).toThrow(
      /jes.*no sample 'bkg_dn'/,
    )
    const empty = { ...variations[1], columns: [new Float64Array(0)], weight: new Float64Array(0) }
    expect(() => projectEvents(nominal, config, [variations[0], empty])).toThrow(
      /jes.*'bkg_dn' has no events in this region/,
    )
  })

  it('enters the loss as ±w/2 of the up and down events in the nuisance’s derivative only', () => {
    const ev = projectEvents(nominal, config, variations)
    const sc = fitScaler(ev)
    const b = 4
    const tau = 0.5
    const net = buildTrunk(tf, [6], b, 2, { optimizer: 'adam', learningRate: 1e-3 }, 1)
    const rows = rowsOf(ev, PARTS.validation)
    const vrows = Int32Array.from([
      ...variationRowsOf(ev, PARTS.validation, 1, 1),
      ...variationRowsOf(ev, PARTS.validation, 1, -1),
    ])
    const loss = blockLoss(
      net,
      lossBlock(ev, sc, rows, () => 1, vrows),
      tau,
      projectConstraints(ev),
    )
    // Plain: soft assignments of every validation event, then λ, ∂λ/∂μ, ∂λ/∂n, ∂λ/∂jes.
    const soft = (i: number): number[] => {
      const z = net.predict(scaleInPlace(Float32Array.from([ev.x[i]]), sc), 1)
      const e = Array.from(z, (v) => Math.exp(v / tau))
      const s = e.reduce((a, c) => a + c, 0)
      return e.map((v) => v / s)
    }
    const lam = new Array<number>(b).fill(0)
    const d = [0, 1, 2].map(() => new Array<number>(b).fill(0))
    for (const i of rows) {
      const a = soft(i)
      for (let j = 0; j < b; j++) {
        lam[j] += ev.weight[i] * a[j]
        if (ev.signal[i]) d[0][j] += ev.weight[i] * a[j]
        else d[1][j] += 0.05 * ev.weight[i] * a[j]
      }
    }
    for (const i of vrows) {
      const a = soft(i)
      for (let j = 0; j < b; j++) d[2][j] += (Math.sign(ev.variation[i]) * ev.weight[i] * a[j]) / 2
    }
    const fisher = d.map((di, p) =>
      d.map(
        (dk, c) => di.reduce((s, v, j) => s + (v * dk[j]) / lam[j], 0) + (p === c && p > 0 ? 1 : 0),
      ),
    )
    const expected = inverse(new Matrix(fisher)).get(0, 0)
    // float32 network against float64 sums here.
    expect(loss / expected).toBeCloseTo(1, 4)
    net.dispose()
  })
})
