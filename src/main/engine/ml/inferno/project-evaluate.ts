/**
 * After training on project samples: the hard summary histogram of the test events (argmax bin
 * for INFERNO, 10 uniform bins of σ(output) for cross entropy), optionally with bins ordered by
 * S/B; per-sample templates at nominal and ±1σ of every nuisance (expected counts); the
 * HistFactory workspace they make (signal samples × normfactor μ; transform and weight
 * nuisances as histosys, normalisations as normsys or a free normfactor); σ_μ from its Asimov
 * Fisher information and from the profile likelihood (stats engine).
 */
import type { SummaryResult, SummaryTemplates } from '../../../../shared/contract/inferno'
import { type Workspace, parseWorkspace } from '../../stats/workspace'
import { fisherMatrix, poiSigmaFromFisher } from './fisher'
import {
  PARTS,
  type ProjectEvents,
  rowsOf,
  scaleInPlace,
  transformedRows,
  variationRowsOf,
} from './project-data'
import type { ProjectNetwork } from './project-model'
import { projectConstraints } from './project-model'
import { argmaxBins, uniformBin } from './soft-histogram'
import { profilePoi } from './summary-fit'
import { finiteOrNull } from '../../../../shared/contract/common'

/** Expected counts per sample (nominal) and per nuisance and sample (up, down). */
export interface ProjectTemplates {
  readonly bins: number
  readonly nominal: Float64Array[]
  /** [nuisance][sample] → counts; null where the nuisance does not act on the sample. */
  readonly up: (Float64Array | null)[][]
  readonly down: (Float64Array | null)[][]
}

/** Bin of each row of raw inputs x (rows × dim) through the trained network. */
function binRows(
  net: ProjectNetwork,
  kind: 'inferno' | 'bce',
  bins: number,
  x: Float32Array,
  dim: number,
): Int32Array {
  const n = x.length / dim
  if (!n) return new Int32Array(0)
  const out = net.net.predict(scaleInPlace(x, net.scaler), n)
  if (kind === 'inferno') return argmaxBins(out, bins)
  return Int32Array.from(out, (z) => uniformBin(1 / (1 + Math.exp(-z)), bins))
}

/**
 * The test events' templates. `all`: every sample's up and down, whether the nuisance acts on
 * it here or not (templates of events read in pieces add up; which samples it acts on is then
 * decided over all of them).
 */
export function projectTemplates(
  ev: ProjectEvents,
  net: ProjectNetwork,
  kind: 'inferno' | 'bce',
  bins: number,
  all = false,
): ProjectTemplates {
  const rows = rowsOf(ev, PARTS.test)
  const S = ev.samples.length
  const fill = (binOf: Int32Array, w: (i: number) => number, only: Uint8Array | null) => {
    const h = Array.from({ length: S }, () => new Float64Array(bins))
    rows.forEach((i, r) => {
      if (!only || only[i]) h[ev.sample[i]][binOf[r]] += w(i)
    })
    return h
  }
  const nomBins = binRows(net, kind, bins, transformedRows(ev, rows, null, 0), ev.dim)
  const nominal = fill(nomBins, (i) => ev.weight[i], null)
  const up: (Float64Array | null)[][] = []
  const down: (Float64Array | null)[][] = []
  for (const [a, nu] of ev.nuisances.entries()) {
    const acts = new Uint8Array(S)
    for (const i of rows) if (nu.affects[i]) acts[ev.sample[i]] = 1
    let u: Float64Array[]
    let d: Float64Array[]
    if (nu.kind === 'transform') {
      const bu = binRows(net, kind, bins, transformedRows(ev, rows, nu, 1), ev.dim)
      const bd = binRows(net, kind, bins, transformedRows(ev, rows, nu, -1), ev.dim)
      u = fill(bu, (i) => ev.weight[i], null)
      d = fill(bd, (i) => ev.weight[i], null)
    } else if (nu.kind === 'samples') {
      // The varied sample's template is its up / down sample's events; the others are nominal.
      const side = (sign: 1 | -1) => {
        const vr = variationRowsOf(ev, PARTS.test, a, sign)
        const h = nominal.map((x) => Float64Array.from(x))
        h[nu.sample].fill(0)
        const b = binRows(net, kind, bins, transformedRows(ev, vr, null, 0), ev.dim)
        vr.forEach((i, r) => (h[nu.sample][b[r]] += ev.weight[i]))
        return h
      }
      u = side(1)
      d = side(-1)
    } else if (nu.kind === 'weight') {
      u = fill(nomBins, (i) => ev.weight[i] * (nu.affects[i] ? nu.up[i] : 1), null)
      d = fill(nomBins, (i) => ev.weight[i] * (nu.affects[i] ? nu.down[i] : 1), null)
    } else {
      // A free factor has no σ: its templates show ±10%.
      const k = nu.width ?? 0.1
      u = nominal.map((h) => h.map((v) => v * (1 + k)))
      d = nominal.map((h) => h.map((v) => v * Math.max(1 - k, 0)))
    }
    up.push(u.map((h, s) => (acts[s] || all ? h : null)))
    down.push(d.map((h, s) => (acts[s] || all ? h : null)))
  }
  return { bins, nominal, up, down }
}

/** Permutation of bins by increasing S/B (bins without background last). */
export function orderBySb(t: ProjectTemplates, ev: ProjectEvents): number[] {
  const sb = Array.from({ length: t.bins }, (_, j) => {
    let s = 0
    let b = 0
    t.nominal.forEach((h, k) => (ev.samples[k].role === 'signal' ? (s += h[j]) : (b += h[j])))
    return b > 0 ? s / b : s > 0 ? Infinity : -1
  })
  return sb.map((_, j) => j).sort((a, c) => sb[a] - sb[c])
}

export function permuteTemplates(t: ProjectTemplates, order: readonly number[]): ProjectTemplates {
  const p = (h: Float64Array) => Float64Array.from(order, (j) => h[j])
  const pp = (h: Float64Array | null) => (h ? p(h) : null)
  return {
    bins: t.bins,
    nominal: t.nominal.map(p),
    up: t.up.map((r) => r.map(pp)),
    down: t.down.map((r) => r.map(pp)),
  }
}

/** The HistFactory workspace (POI 'mu') of the templates; bins empty in every template dropped. */
export function projectWorkspace(t: ProjectTemplates, ev: ProjectEvents): Workspace {
  const keep: number[] = []
  for (let j = 0; j < t.bins; j++) if (t.nominal.some((h) => h[j] > 0)) keep.push(j)
  const pick = (h: Float64Array) => keep.map((j) => Math.max(h[j], 0))
  const params: { name: string; bounds?: number[][]; sigmas?: number[] }[] = [
    { name: 'mu', bounds: [[0, 20]] },
  ]
  ev.nuisances.forEach((nu) => {
    if (nu.kind === 'transform' && nu.free)
      params.push({ name: nu.name, sigmas: [1e4], bounds: [[-20, 20]] })
    if (nu.kind === 'norm' && nu.width === null) params.push({ name: nu.name, bounds: [[0, 20]] })
  })
  const samples = ev.samples.map((s, k) => {
    const modifiers: Record<string, unknown>[] = []
    if (s.role === 'signal') modifiers.push({ name: 'mu', type: 'normfactor', data: null })
    ev.nuisances.forEach((nu, a) => {
      const u = t.up[a][k]
      const d = t.down[a][k]
      if (!u || !d) return
      if (nu.kind === 'norm') {
        if (nu.width === null) modifiers.push({ name: nu.name, type: 'normfactor', data: null })
        else
          modifiers.push({
            name: nu.name,
            type: 'normsys',
            data: { hi: 1 + nu.width, lo: Math.max(1 - nu.width, 1e-3) },
          })
      } else
        modifiers.push({
          name: nu.name,
          type: 'histosys',
          data: { hi_data: pick(u), lo_data: pick(d) },
        })
    })
    return { name: s.name, data: pick(t.nominal[k]), modifiers }
  })
  const observed = keep.map((j) => t.nominal.reduce((a, h) => a + Math.max(h[j], 0), 0))
  return parseWorkspace({
    channels: [{ name: 'summary', samples }],
    observations: [{ name: 'summary', data: observed }],
    measurements: [{ name: 'inferno', config: { poi: 'mu', parameters: params } }],
    version: '1.0.0',
  })
}

/** √(I⁻¹)_μμ of the Asimov Fisher information of the templates. */
export function templatesFisherSigma(t: ProjectTemplates, ev: ProjectEvents): number {
  const lambda = new Float64Array(t.bins)
  const dMu = new Float64Array(t.bins)
  t.nominal.forEach((h, k) =>
    h.forEach((v, j) => {
      lambda[j] += v
      if (ev.samples[k].role === 'signal') dMu[j] += v
    }),
  )
  const derivs = [dMu]
  ev.nuisances.forEach((nu, a) => {
    const d = new Float64Array(t.bins)
    t.nominal.forEach((h, k) => {
      const u = t.up[a][k]
      const dn = t.down[a][k]
      if (!u || !dn) return
      for (let j = 0; j < t.bins; j++)
        d[j] += nu.kind === 'norm' && nu.width === null ? h[j] : (u[j] - dn[j]) / 2
    })
    derivs.push(d)
  })
  return poiSigmaFromFisher(fisherMatrix(lambda, derivs, projectConstraints(ev)), derivs.length)
}

/** Display form of the templates: per-sample nominal, total ±1σ per nuisance. */
export function templatesForDisplay(t: ProjectTemplates, ev: ProjectEvents): SummaryTemplates {
  const total = t.nominal.reduce(
    (acc, h) => acc.map((v, j) => v + h[j]),
    new Array<number>(t.bins).fill(0),
  )
  const shifted = (side: (Float64Array | null)[]) =>
    total.map((v, j) => v + side.reduce((a, h, k) => a + (h ? h[j] - t.nominal[k][j] : 0), 0))
  return {
    bins: t.bins,
    processes: ev.samples.map((s, k) => ({
      name: s.name,
      role: s.role,
      nominal: Array.from(t.nominal[k]),
    })),
    variations: ev.nuisances.map((nu, a) => ({
      nuisance: nu.name,
      label:
        nu.kind === 'transform'
          ? `${ev.inputs[nu.input]} ${nu.mode === 'shift' ? '±' : '×(1 ±'} ${nu.delta}${nu.mode === 'scale' ? ')' : ''}${nu.free ? ', free' : ' = ±1σ'}`
          : nu.kind === 'weight'
            ? 'weight up / down = ±1σ'
            : nu.kind === 'samples'
              ? 'up / down samples = ±1σ'
              : nu.width === null
                ? 'free (±10% shown)'
                : `norm ± ${nu.width * 100}% = ±1σ`,
      up: shifted(t.up[a]),
      down: shifted(t.down[a]),
    })),
  }
}

/** The full result for one trained summary (INFERNO or cross entropy). */
export function evaluateProjectSummary(
  ev: ProjectEvents,
  net: ProjectNetwork,
  kind: 'inferno' | 'bce',
  bins: number,
  sortBySb: boolean,
): SummaryResult {
  return evaluateOrderedSummary(ev, net, kind, bins, sortBySb).summary
}

/**
 * The full result with the order of its bins: order[k] is the network's output bin shown as
 * bin k (what a stored summary needs to give events the bins the result shows). `templates`:
 * the test events' templates when they were summed elsewhere (streamed; `ev` then only gives
 * the set-up: samples, nuisances, yields).
 */
export function evaluateOrderedSummary(
  ev: ProjectEvents,
  net: ProjectNetwork,
  kind: 'inferno' | 'bce',
  bins: number,
  sortBySb: boolean,
  templates: ProjectTemplates = projectTemplates(ev, net, kind, bins),
): { summary: SummaryResult; order: number[] } {
  let t = templates
  const order = sortBySb ? orderBySb(t, ev) : Array.from({ length: bins }, (_, j) => j)
  if (sortBySb) t = permuteTemplates(t, order)
  const code0 = ev.nuisances.some(
    (n) => (n.kind === 'weight' || n.kind === 'samples') && n.interpolation === 'code0',
  )
  const sigma = templatesFisherSigma(t, ev)
  const workspace = projectWorkspace(t, ev)
  const summary: SummaryResult = {
    kind,
    sigmaFisher: finiteOrNull(sigma),
    profile: profilePoi(workspace, {
      normsys: 'code4',
      histosys: code0 ? 'code0' : 'code4p',
    }),
    templates: templatesForDisplay(t, ev),
    history: { loss: net.history.history.loss, val_loss: net.history.history.val_loss },
    epochs: net.history.epochs,
    workspace,
  }
  return { summary, order }
}
