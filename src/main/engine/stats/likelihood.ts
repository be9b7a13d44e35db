/**
 * −2 ln L of a compiled model (model.ts), with pyhf's constants, and its analytic gradient.
 *
 * twice_nll = −2 [ Σ_b ln Pois(n_b | λ_b) + Σ_normal ln N(a_p | θ_p, σ_p) + Σ_poisson ln Pois(a_p | θ_p τ_p) ]
 * with the continuous Poisson ln Pois(n | λ) = n ln λ − λ − lnΓ(n + 1) (0·ln 0 = 0), so data
 * and auxiliary data need not be integers (Asimov data), and ln N including −ln(σ√2π).
 *
 * Evaluation is one forward pass over flat typed arrays and one backward pass for the gradient;
 * all scratch space is allocated once per Likelihood, never in the hot loop. Interpolation runs
 * through the code modules of interpolation/ (the model's codes), the same functions their
 * tests check: value in the forward pass, d1 for gradients and Jacobians, d2 for the Hessian. The Jacobian
 * ∂λ_b/∂θ is built as sparse rows (a bin depends only on the factors of its own sample-bins),
 * so it, the Fisher information and the Hessian cost time linear in the number of bins.
 * Negative expected bin totals (an additive histosys can push a sample below zero) are clipped
 * to 0 (pyhf's clip_bin_data = 0); `clippedBins` says how many were clipped at the last
 * evaluation. A bin with λ = 0 and n > 0 gives +∞.
 */
import {
  type HistosysCode,
  type NormsysCode,
  NORMSYS_STRIDE,
  histosysCode,
  normsysCode,
} from './interpolation'
import type { Model } from './model'
import { SCALAR_PARAMETER } from './model'
import { lgamma } from './special'

/** Main-measurement counts (one per bin) and auxiliary data (one per scalar parameter). */
export interface Dataset {
  main: Float64Array
  aux: Float64Array
}

const LOG_2PI = Math.log(2 * Math.PI)
// Module-local copies: an imported binding can compile to a getter call in the hot loop.
const K_PARAMETER: number = SCALAR_PARAMETER
const STRIDE: number = NORMSYS_STRIDE

/** The workspace's observations with the model's nominal auxiliary data. */
export function observedData(model: Model): Dataset {
  return { main: Float64Array.from(model.observed), aux: Float64Array.from(model.auxdata) }
}

/**
 * Sparse rows of the Jacobian ∂λ_b/∂θ_p (CSR): bin b depends on parameters
 * par[start[b] .. start[b+1]) with derivatives value[…] (events per unit of the parameter).
 */
export interface JacobianRows {
  readonly start: Int32Array
  readonly par: Int32Array
  readonly value: Float64Array
}

export class Likelihood {
  readonly model: Model
  readonly data: Dataset
  /** Bins clipped at the last evaluation. */
  clippedBins = 0
  /** Constant part: Σ lnΓ(n+1) over main and Poisson-aux data, Gaussian normalisations. */
  private readonly constant: number
  private readonly lam: Float64Array
  private readonly w: Float64Array
  private readonly sampleS: Float64Array
  private readonly sbA: Float64Array
  private readonly sbP: Float64Array
  private readonly fv: Float64Array
  private readonly fd: Float64Array
  private readonly suffix: Float64Array
  private readonly hw: Float64Array
  private readonly clipped: Uint8Array
  /** Sample-bins grouped by bin: those of bin b are binSb[binSbStart[b] .. binSbStart[b+1]). */
  private readonly binSb: Int32Array
  private readonly binSbStart: Int32Array
  /** Sample of each sample-bin. */
  private readonly sbSample: Int32Array
  /** Per scalar factor k: product of the factors before / after it in its sample. */
  private readonly scPre: Float64Array
  private readonly scSuf: Float64Array
  /** Jacobian rows (CSR), refilled by jacobianRows(). */
  private readonly rows: JacobianRows
  /** Scratch for merging one row: value per parameter, whether set, which were set. */
  private readonly acc: Float64Array
  private readonly mark: Uint8Array
  private readonly touchedPars: Int32Array
  /** Parameters of the last forward pass (the backward pass needs per-bin factor values). */
  private x: ArrayLike<number> = []
  /** The model's interpolation codes. */
  private readonly normsys: NormsysCode
  private readonly histosys: HistosysCode

  constructor(model: Model, data: Dataset) {
    if (data.main.length !== model.nbins)
      throw new Error(`data has ${data.main.length} bins, the model ${model.nbins}`)
    if (data.aux.length !== model.npar)
      throw new Error(`auxdata has ${data.aux.length} entries, the model ${model.npar} parameters`)
    this.model = model
    this.data = data
    this.normsys = normsysCode(model.codes.normsys)
    this.histosys = histosysCode(model.codes.histosys)
    let c = 0
    for (let b = 0; b < model.nbins; b++) c += 2 * lgamma(data.main[b] + 1)
    for (let p = 0; p < model.npar; p++) {
      if (model.constraint[p] === 1) c += 2 * Math.log(model.sigma[p]) + LOG_2PI
      else if (model.constraint[p] === 2) c += 2 * lgamma(data.aux[p] + 1)
    }
    this.constant = c
    const nsb = model.sbNom.length
    const ns = model.samples.length
    this.lam = new Float64Array(model.nbins)
    this.w = new Float64Array(model.nbins)
    this.clipped = new Uint8Array(model.nbins)
    this.sampleS = new Float64Array(ns)
    this.sbA = new Float64Array(nsb)
    this.sbP = new Float64Array(nsb)
    this.fv = new Float64Array(model.scPar.length)
    this.fd = new Float64Array(model.scPar.length)
    let maxSc = 1
    for (let s = 0; s < ns; s++) maxSc = Math.max(maxSc, model.scStart[s + 1] - model.scStart[s])
    this.suffix = new Float64Array(maxSc + 1)
    this.hw = new Float64Array(4 * model.npar)
    this.scPre = new Float64Array(model.scPar.length)
    this.scSuf = new Float64Array(model.scPar.length)
    // Counting sort of sample-bins by bin (stable: samples keep their order within a bin).
    const { sbBin, sampleStart, scStart, hsStart, pbStart } = model
    const binSbStart = new Int32Array(model.nbins + 1)
    for (let i = 0; i < nsb; i++) binSbStart[sbBin[i] + 1]++
    for (let b = 0; b < model.nbins; b++) binSbStart[b + 1] += binSbStart[b]
    const fillAt = binSbStart.slice(0, model.nbins)
    const binSb = new Int32Array(nsb)
    const sbSample = new Int32Array(nsb)
    let cap = 0
    for (let s = 0; s < ns; s++) {
      const K = scStart[s + 1] - scStart[s]
      for (let i = sampleStart[s]; i < sampleStart[s + 1]; i++) {
        binSb[fillAt[sbBin[i]]++] = i
        sbSample[i] = s
        cap += K + hsStart[i + 1] - hsStart[i] + pbStart[i + 1] - pbStart[i]
      }
    }
    this.binSb = binSb
    this.binSbStart = binSbStart
    this.sbSample = sbSample
    this.rows = {
      start: new Int32Array(model.nbins + 1),
      par: new Int32Array(cap),
      value: new Float64Array(cap),
    }
    this.acc = new Float64Array(model.npar)
    this.mark = new Uint8Array(model.npar)
    this.touchedPars = new Int32Array(model.npar)
  }

  /** Expected main-measurement yields λ_b (events per bin) at `pars`, unclipped. */
  expected(pars: ArrayLike<number>, out = new Float64Array(this.model.nbins)): Float64Array {
    this.forward(pars)
    for (let b = 0; b < out.length; b++) out[b] = this.lam[b]
    return out
  }

  /** twice_nll at `pars` (length npar). */
  twiceNll(pars: ArrayLike<number>): number {
    this.forward(pars)
    return this.finish(pars, null)
  }

  /** twice_nll at `pars`; writes ∂ twice_nll / ∂θ into `grad` (length npar). */
  twiceNllGrad(pars: ArrayLike<number>, grad: Float64Array): number {
    this.forward(pars, true)
    const v = this.finish(pars, grad)
    if (Number.isFinite(v)) this.backward(this.w, grad)
    return v
  }

  /**
   * Jacobian ∂λ_b/∂θ_p at `pars` (row-major nbins × npar), for the Fisher information the
   * minimiser starts from. Dense: prefer jacobianRows() when npar is large.
   */
  jacobian(
    pars: ArrayLike<number>,
    out = new Float64Array(this.model.nbins * this.model.npar),
  ): Float64Array {
    const { nbins, npar } = this.model
    const { start, par, value } = this.jacobianRows(pars)
    out.fill(0)
    for (let b = 0; b < nbins; b++)
      for (let t = start[b]; t < start[b + 1]; t++) out[b * npar + par[t]] = value[t]
    return out
  }

  /**
   * Sparse Jacobian ∂λ_b/∂θ_p at `pars` (also runs the forward pass): row b holds the parameters
   * bin b depends on, each once. Time and size are linear in the number of sample-bins. The
   * arrays are this Likelihood's scratch space, valid until its next call.
   */
  jacobianRows(pars: ArrayLike<number>): JacobianRows {
    this.forward(pars, true)
    const m = this.model
    const { fv, fd, sampleS, sbA, sbP, hw, scPre, scSuf, acc, mark, touchedPars, rows } = this
    const { binSb, binSbStart, sbSample } = this
    const x = this.x
    const { scStart, scPar, pbStart, pbPar, hsStart, hsPar, hsU, hsD } = m
    const ns = scStart.length - 1
    // Products of the other scalar factors of a sample, without dividing (a normfactor may be 0).
    for (let s = 0; s < ns; s++) {
      let p = 1
      for (let k = scStart[s]; k < scStart[s + 1]; k++) {
        scPre[k] = p
        p *= fv[k]
      }
      p = 1
      for (let k = scStart[s + 1] - 1; k >= scStart[s]; k--) {
        scSuf[k] = p
        p *= fv[k]
      }
    }
    const { start, par, value } = rows
    let nnz = 0
    let nt = 0
    const add = (p: number, v: number): void => {
      if (mark[p]) acc[p] += v
      else {
        mark[p] = 1
        acc[p] = v
        touchedPars[nt++] = p
      }
    }
    for (let b = 0; b < m.nbins; b++) {
      start[b] = nnz
      nt = 0
      // Same terms in the same order as backward() with a unit weight on bin b.
      for (let t = binSbStart[b]; t < binSbStart[b + 1]; t++) {
        const i = binSb[t]
        const s = sbSample[i]
        const S = sampleS[s]
        const A = sbA[i]
        const P = sbP[i]
        const cH = S * P
        for (let h = hsStart[i]; h < hsStart[i + 1]; h++) {
          const o = 4 * hsPar[h]
          add(hsPar[h], cH * (hw[o + 2] * hsU[h] + hw[o + 3] * hsD[h]))
        }
        const j0 = pbStart[i]
        const j1 = pbStart[i + 1]
        if (j1 > j0) {
          const cP = A * S
          if (j1 - j0 === 1) add(pbPar[j0], cP)
          else {
            for (let j = j0; j < j1; j++) {
              let others = 1
              for (let q = j0; q < j1; q++) if (q !== j) others *= x[pbPar[q]]
              add(pbPar[j], cP * others)
            }
          }
        }
        const T = A * P
        if (T === 0) continue
        for (let k = scStart[s]; k < scStart[s + 1]; k++)
          add(scPar[k], T * scPre[k] * scSuf[k] * fd[k])
      }
      for (let q = 0; q < nt; q++) {
        const p = touchedPars[q]
        par[nnz] = p
        value[nnz++] = acc[p]
        mark[p] = 0
      }
    }
    start[m.nbins] = nnz
    return rows
  }

  /** Adds c_b · J_b J_bᵀ over bins to `out` (npar × npar), from the sparse rows. */
  private addOuter(rows: JacobianRows, weight: (b: number) => number, out: Float64Array): void {
    const { nbins, npar } = this.model
    const { start, par, value } = rows
    for (let b = 0; b < nbins; b++) {
      const t0 = start[b]
      const t1 = start[b + 1]
      if (t1 === t0) continue
      const wb = weight(b)
      if (wb === 0) continue
      for (let t = t0; t < t1; t++) {
        const jp = value[t]
        if (jp === 0) continue
        const c = wb * jp
        const rp = par[t] * npar
        for (let u = t0; u < t1; u++) out[rp + par[u]] += c * value[u]
      }
    }
  }

  /**
   * Expected Fisher information of twice_nll (npar × npar, row-major): 2 Σ_b J_bp J_bq / λ_b
   * plus the constraint curvature. Close to the Hessian near the minimum.
   */
  fisher(
    pars: ArrayLike<number>,
    out = new Float64Array(this.model.npar * this.model.npar),
  ): Float64Array {
    const { npar } = this.model
    const rows = this.jacobianRows(pars)
    const lam = this.lam
    out.fill(0)
    this.addOuter(rows, (b) => (lam[b] > 0 ? 2 / lam[b] : 0), out)
    const m = this.model
    for (let p = 0; p < npar; p++) {
      if (m.constraint[p] === 1) out[p * npar + p] += 2 / (m.sigma[p] * m.sigma[p])
      else if (m.constraint[p] === 2) {
        const r = pars[p] * m.factor[p]
        const a = this.data.aux[p]
        out[p * npar + p] +=
          r > 0 && a > 0 ? (2 * a * m.factor[p] * m.factor[p]) / (r * r) : 2 * m.factor[p]
      }
    }
    return out
  }

  /**
   * Exact Hessian of twice_nll at `pars` (npar × npar, row-major), analytic:
   * Σ_b [(2 n_b/λ_b²) ∇λ_b ∇λ_bᵀ + w_b ∇²λ_b] + the constraint curvature, with
   * w_b = 2(1 − n_b/λ_b). ∇²λ_b couples the factors of one sample: scalar × scalar,
   * scalar × histosys, scalar × per-bin, histosys × per-bin, per-bin × per-bin and the second
   * derivatives of normsys and histosys interpolation. Clipped bins contribute nothing.
   */
  hessian(pars: ArrayLike<number>): Float64Array {
    const m = this.model
    const { npar } = m
    const x = pars
    const H = new Float64Array(npar * npar)
    const v = this.twiceNll(x)
    if (!Number.isFinite(v)) return H.fill(NaN)
    const n = this.data.main
    // 1. Gauss–Newton part from the Jacobian (observed counts).
    const rows = this.jacobianRows(x)
    const { lam, clipped } = this
    this.addOuter(
      rows,
      (b) => (clipped[b] || !(lam[b] > 0) || n[b] === 0 ? 0 : (2 * n[b]) / (lam[b] * lam[b])),
      H,
    )
    // jacobianRows() ran forward() at x, so fv, fd, sbA, sbP, sampleS, hw and w are current.
    const { fv, fd, sampleS, sbA, sbP, hw, w } = this
    const {
      scStart,
      scPar,
      scKind,
      scData,
      pbStart,
      pbPar,
      hsStart,
      hsPar,
      hsU,
      hsD,
      sbBin,
      sampleStart,
    } = m
    const nsD2 = this.normsys.d2
    const hsD2 = this.histosys.d2
    const add = (p: number, q: number, val: number): void => {
      H[p * npar + q] += val
      H[q * npar + p] += val
    }
    // Second derivatives of the histosys weights (d²cu, d²cd per parameter).
    const h2 = new Float64Array(2 * npar)
    for (const p of m.histosysParams) {
      h2[2 * p] = hsD2(x[p], 1, 0)
      h2[2 * p + 1] = hsD2(x[p], 0, 1)
    }
    const ns = sampleStart.length - 1
    const dA = new Float64Array(npar)
    const mark = new Uint8Array(npar)
    const touched: number[] = []
    for (let s = 0; s < ns; s++) {
      const S = sampleS[s]
      const k0 = scStart[s]
      const k1 = scStart[s + 1]
      const K = k1 - k0
      // Products of the scalar factors without one or two of them, robust to exact zeros.
      let zeros = 0
      let z1 = -1
      let z2 = -1
      let prodNz = 1
      for (let k = k0; k < k1; k++) {
        if (fv[k] === 0) {
          zeros++
          if (z1 < 0) z1 = k
          else if (z2 < 0) z2 = k
        } else prodNz *= fv[k]
      }
      const without1 = (k: number): number =>
        zeros === 0 ? prodNz / fv[k] : zeros === 1 && k === z1 ? prodNz : 0
      const without2 = (k: number, l: number): number => {
        if (zeros === 0) return prodNz / (fv[k] * fv[l])
        if (zeros === 1) return k === z1 ? prodNz / fv[l] : l === z1 ? prodNz / fv[k] : 0
        if (zeros === 2) return (k === z1 && l === z2) || (k === z2 && l === z1) ? prodNz : 0
        return 0
      }
      let T = 0
      touched.length = 0
      for (let i = sampleStart[s]; i < sampleStart[s + 1]; i++) {
        const wi = w[sbBin[i]]
        if (wi === 0) continue
        const A = sbA[i]
        const P = sbP[i]
        T += wi * A * P
        const h0 = hsStart[i]
        const h1 = hsStart[i + 1]
        const j0 = pbStart[i]
        const j1 = pbStart[i + 1]
        // histosys: d²A/dp² and the per-sample sums Σ_i w_i P_i ∂A_i/∂p for the scalar cross terms.
        for (let h = h0; h < h1; h++) {
          const p = hsPar[h]
          const o = 4 * p
          const dAdp = hw[o + 2] * hsU[h] + hw[o + 3] * hsD[h]
          H[p * npar + p] += wi * S * P * (h2[2 * p] * hsU[h] + h2[2 * p + 1] * hsD[h])
          if (!mark[p]) {
            mark[p] = 1
            touched.push(p)
          }
          dA[p] += wi * P * dAdp
          // histosys × per-bin
          for (let j = j0; j < j1; j++) {
            let others = 1
            for (let q = j0; q < j1; q++) if (q !== j) others *= x[pbPar[q]]
            add(p, pbPar[j], wi * S * dAdp * others)
          }
        }
        // per-bin × per-bin (distinct factors of the same sample-bin)
        for (let j = j0; j < j1; j++) {
          for (let l = j + 1; l < j1; l++) {
            let others = 1
            for (let q = j0; q < j1; q++) if (q !== j && q !== l) others *= x[pbPar[q]]
            add(pbPar[j], pbPar[l], wi * A * S * others)
          }
          // scalar × per-bin
          let others = 1
          for (let q = j0; q < j1; q++) if (q !== j) others *= x[pbPar[q]]
          const e = wi * A * others
          if (e !== 0)
            for (let k = k0; k < k1; k++) add(scPar[k], pbPar[j], e * fd[k] * without1(k))
        }
      }
      if (K > 0) {
        for (let k = k0; k < k1; k++) {
          const exk = without1(k)
          // scalar × histosys (also the shared-α normsys/histosys diagonal, added twice).
          for (const p of touched) add(scPar[k], p, fd[k] * exk * dA[p])
          if (T === 0) continue
          // scalar diagonal: f'' (0 for normfactor and lumi)
          const f2 = scKind[k] === K_PARAMETER ? 0 : nsD2(x[scPar[k]], scData, STRIDE * k)
          H[scPar[k] * npar + scPar[k]] += T * f2 * exk
          // scalar × scalar
          for (let l = k + 1; l < k1; l++)
            add(scPar[k], scPar[l], T * fd[k] * fd[l] * without2(k, l))
        }
      }
      for (const p of touched) {
        dA[p] = 0
        mark[p] = 0
      }
    }
    // 3. Constraints.
    for (let p = 0; p < npar; p++) {
      if (m.constraint[p] === 1) H[p * npar + p] += 2 / (m.sigma[p] * m.sigma[p])
      else if (m.constraint[p] === 2) {
        const a = this.data.aux[p]
        const r = x[p] * m.factor[p]
        if (a > 0) H[p * npar + p] += (2 * a * m.factor[p] * m.factor[p]) / (r * r)
      }
    }
    return H
  }

  /**
   * Forward pass: per-sample scalar factors, per-sample-bin additive and per-bin parts, λ; with
   * `slopes` also the first derivatives the gradient, Jacobian and Hessian need (d factor/dα of
   * each whole-sample factor, d/dα of the histosys weights).
   */
  private forward(x: ArrayLike<number>, slopes = false): void {
    this.x = x
    const m = this.model
    const { fv, sampleS, sbA, sbP, lam, hw } = this
    const { scStart, pbStart, pbPar, hsStart, hsPar, hsU, hsD, sbNom, sbBin, sampleStart } = m
    this.interpolate(x, slopes)
    lam.fill(0)
    const ns = sampleStart.length - 1
    for (let s = 0; s < ns; s++) {
      let S = 1
      for (let k = scStart[s]; k < scStart[s + 1]; k++) S *= fv[k]
      sampleS[s] = S
      for (let i = sampleStart[s]; i < sampleStart[s + 1]; i++) {
        let A = sbNom[i]
        for (let h = hsStart[i]; h < hsStart[i + 1]; h++) {
          const o = 4 * hsPar[h]
          A += hw[o] * hsU[h] + hw[o + 1] * hsD[h]
        }
        let P = 1
        for (let j = pbStart[i]; j < pbStart[i + 1]; j++) P *= x[pbPar[j]]
        sbA[i] = A
        sbP[i] = P
        lam[sbBin[i]] += A * S * P
      }
    }
  }

  /**
   * The interpolation codes at x: each whole-sample factor (fv; with `slopes` its d/dα in fd)
   * and the histosys weights (hw). A method of its own so that V8 inlines the code functions
   * here within its inlining budget (inside forward() the budget runs out and each factor
   * becomes a call).
   */
  private interpolate(x: ArrayLike<number>, slopes: boolean): void {
    const m = this.model
    const { fv, fd, hw } = this
    const { scPar, scKind, scData } = m
    const { value: nsValue, d1: nsD1 } = this.normsys
    const { value: hsValue, d1: hsD1 } = this.histosys
    const hp = m.histosysParams
    // Every histosys code is linear in (U, D): its weights at (1, 0) and (0, 1), once per α.
    for (let i = 0; i < hp.length; i++) {
      const p = hp[i]
      const a = x[p]
      hw[4 * p] = hsValue(a, 1, 0)
      hw[4 * p + 1] = hsValue(a, 0, 1)
      if (slopes) {
        hw[4 * p + 2] = hsD1(a, 1, 0)
        hw[4 * p + 3] = hsD1(a, 0, 1)
      }
    }
    // normfactor and lumi act as the parameter itself; normsys through its code.
    for (let k = 0; k < scPar.length; k++) {
      const a = x[scPar[k]]
      if (scKind[k] === K_PARAMETER) {
        fv[k] = a
        fd[k] = 1
      } else {
        fv[k] = nsValue(a, scData, STRIDE * k)
        if (slopes) fd[k] = nsD1(a, scData, STRIDE * k)
      }
    }
  }

  /** Value from the forward pass; fills w = ∂ twice_nll/∂λ and the constraint gradient. */
  private finish(x: ArrayLike<number>, grad: Float64Array | null): number {
    const m = this.model
    const n = this.data.main
    const aux = this.data.aux
    const { lam, w, clipped } = this
    let v = this.constant
    let nclip = 0
    for (let b = 0; b < lam.length; b++) {
      let l = lam[b]
      clipped[b] = 0
      if (l < 0) {
        l = 0
        lam[b] = 0
        clipped[b] = 1
        nclip++
      }
      const nb = n[b]
      if (nb > 0) {
        if (l <= 0) {
          this.clippedBins = nclip
          return Infinity
        }
        v += 2 * (l - nb * Math.log(l))
        w[b] = clipped[b] ? 0 : 2 * (1 - nb / l)
      } else {
        v += 2 * l
        w[b] = clipped[b] ? 0 : 2
      }
    }
    this.clippedBins = nclip
    if (grad) grad.fill(0)
    const { constraint, sigma, factor } = m
    for (let p = 0; p < m.npar; p++) {
      const c = constraint[p]
      if (c === 1) {
        const s = sigma[p]
        const z = (aux[p] - x[p]) / s
        v += z * z
        if (grad) grad[p] -= (2 * z) / s
      } else if (c === 2) {
        const f = factor[p]
        const r = x[p] * f
        const a = aux[p]
        if (a > 0) {
          if (!(r > 0)) return Infinity
          v += 2 * (r - a * Math.log(r))
          if (grad) grad[p] += 2 * f * (1 - a / r)
        } else {
          v += 2 * r
          if (grad) grad[p] += 2 * f
        }
      }
    }
    return v
  }

  /** Backward pass: out += Σ_b wb ∂λ_b/∂θ (out must be zeroed or hold other terms). */
  private backward(wb: Float64Array, out: Float64Array): void {
    const m = this.model
    const { fv, fd, sampleS, sbA, sbP, hw, suffix } = this
    const x = this.x
    const { scStart, scPar, pbStart, pbPar, hsStart, hsPar, hsU, hsD, sbBin, sampleStart } = m
    const ns = sampleStart.length - 1
    for (let s = 0; s < ns; s++) {
      const S = sampleS[s]
      let T = 0
      for (let i = sampleStart[s]; i < sampleStart[s + 1]; i++) {
        const wi = wb[sbBin[i]]
        if (wi === 0) continue
        const A = sbA[i]
        const P = sbP[i]
        T += wi * A * P
        const h0 = hsStart[i]
        const h1 = hsStart[i + 1]
        if (h1 > h0) {
          const cH = wi * S * P
          for (let h = h0; h < h1; h++) {
            const o = 4 * hsPar[h]
            out[hsPar[h]] += cH * (hw[o + 2] * hsU[h] + hw[o + 3] * hsD[h])
          }
        }
        const j0 = pbStart[i]
        const j1 = pbStart[i + 1]
        if (j1 > j0) {
          const cP = wi * A * S
          if (j1 - j0 === 1) out[pbPar[j0]] += cP
          else {
            for (let j = j0; j < j1; j++) {
              let others = 1
              for (let q = j0; q < j1; q++) if (q !== j) others *= x[pbPar[q]]
              out[pbPar[j]] += cP * others
            }
          }
        }
      }
      if (T === 0) continue
      // Product of the other scalar factors without dividing (a normfactor may be exactly 0).
      const k0 = scStart[s]
      const k1 = scStart[s + 1]
      suffix[k1 - k0] = 1
      for (let k = k1 - 1; k >= k0; k--) suffix[k - k0] = suffix[k - k0 + 1] * fv[k]
      let prefix = 1
      for (let k = k0; k < k1; k++) {
        out[scPar[k]] += T * prefix * suffix[k - k0 + 1] * fd[k]
        prefix *= fv[k]
      }
    }
  }
}

/**
 * Asimov data at `pars` as pyhf's expected_data: main counts λ_b(θ) (clipped at 0) and auxiliary
 * data at the parameters' values (θ for Gaussian constraints, θ τ for Poisson ones).
 */
export function asimovData(model: Model, pars: ArrayLike<number>): Dataset {
  const lik = new Likelihood(model, observedData(model))
  const main = lik.expected(pars)
  for (let b = 0; b < main.length; b++) if (main[b] < 0) main[b] = 0
  const aux = new Float64Array(model.npar)
  for (let p = 0; p < model.npar; p++) {
    if (model.constraint[p] === 1) aux[p] = pars[p]
    else if (model.constraint[p] === 2) aux[p] = pars[p] * model.factor[p]
  }
  return { main, aux }
}
