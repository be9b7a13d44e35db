/**
 * Compiles a workspace + measurement into flat typed arrays for fast evaluation (likelihood.ts).
 *
 * Parameters follow pyhf: one parameter set per modifier name (shared across samples and
 * channels; normsys and histosys of the same name share one α), sets ordered by name, vector
 * sets (staterror, shapesys, shapefactor) labelled `name[i]`. Defaults as pyhf:
 *   normfactor  init 1, bounds [0, 10], free
 *   shapefactor init 1, bounds [0, 10] per bin, free
 *   lumi        init 1, bounds [0, 10], Gaussian(aux, σ) with aux and σ from the measurement
 *   normsys/histosys α: init 0, bounds [−5, 5], Gaussian(0, 1)
 *   staterror   γ: init 1, bounds [1e−10, 10], Gaussian(1, σ_b) with
 *               σ_b = √(Σ_s δ_sb²) / Σ_s nom_sb over the samples that carry it; σ_b = 0 → fixed
 *               (optionally Poisson, as ROOT's StatErrorConfig ConstraintType="Poisson")
 *   shapesys    γ: init 1, bounds [1e−10, 10], Poisson(τ_b | γ_b τ_b), τ_b = (nom_b/δ_b)²;
 *               bins with nom or δ = 0 fixed (τ = 1)
 * Expected yield of sample s in bin b: (nom + Σ histosys deltas) × Π scalar factors × Π per-bin
 * factors, summed over samples per bin.
 */
import { type InterpolationCodes, PYHF_CODES, code4Coefficients } from './interpolation'
import { type Workspace, WorkspaceError, getMeasurement } from './workspace'

export type ParamKind = 'normfactor' | 'shapefactor' | 'lumi' | 'alpha' | 'staterror' | 'shapesys'
export type ConstraintType = 'none' | 'normal' | 'poisson'

export interface ParamSet {
  name: string
  kind: ParamKind
  /** Index of the first scalar parameter of the set. */
  offset: number
  size: number
  constraint: ConstraintType
}

export interface ModelOptions {
  /** Measurement name (default: the first). */
  measurement?: string
  /** Parameter of interest; default the measurement's. `null`: a model without POI. */
  poi?: string | null
  codes?: InterpolationCodes
  /** Constraint of staterror γ: pyhf uses 'normal'; ROOT can use 'poisson' (Gamma). */
  staterrorConstraint?: 'normal' | 'poisson'
}

/** Kinds of scalar (whole-sample) multiplicative factors. */
export const SCALAR_PLAIN = 0
export const SCALAR_NORMSYS_CODE1 = 1
export const SCALAR_NORMSYS_CODE4 = 2

export interface Model {
  readonly npar: number
  readonly parNames: string[]
  readonly paramSets: ParamSet[]
  readonly init: Float64Array
  readonly lower: Float64Array
  readonly upper: Float64Array
  /** 1 = held constant at its init value. */
  readonly fixed: Uint8Array
  /** 0 none, 1 normal, 2 poisson; per scalar parameter. */
  readonly constraint: Uint8Array
  readonly auxdata: Float64Array
  readonly sigma: Float64Array
  /** Poisson constraint rate factor τ (rate = γ τ). */
  readonly factor: Float64Array
  /** POI index, −1 when none. */
  readonly poi: number
  readonly poiName: string | null
  readonly channels: { name: string; nbins: number; offset: number }[]
  readonly nbins: number
  readonly observed: Float64Array
  readonly samples: { channel: string; name: string }[]
  /** Sample s owns sample-bins [sampleStart[s], sampleStart[s+1]). */
  readonly sampleStart: Int32Array
  readonly sbBin: Int32Array
  readonly sbNom: Float64Array
  /** Scalar factors of sample s: [scStart[s], scStart[s+1]). */
  readonly scStart: Int32Array
  readonly scPar: Int32Array
  readonly scKind: Uint8Array
  readonly scLnHi: Float64Array
  readonly scLnLo: Float64Array
  /** code4 polynomial coefficients, 6 per scalar factor. */
  readonly scCoef: Float64Array
  /** Per-bin factors of sample-bin i: [pbStart[i], pbStart[i+1]). */
  readonly pbStart: Int32Array
  readonly pbPar: Int32Array
  /** histosys terms of sample-bin i: [hsStart[i], hsStart[i+1]). */
  readonly hsStart: Int32Array
  readonly hsPar: Int32Array
  readonly hsU: Float64Array
  readonly hsD: Float64Array
  /** α parameters that drive at least one histosys (weights computed once per evaluation). */
  readonly histosysParams: Int32Array
  readonly codes: InterpolationCodes
  readonly staterrorConstraint: 'normal' | 'poisson'
  /** Things the user should know (ignored measurement entries, fixed empty bins). */
  readonly warnings: string[]
}

interface SetBuild {
  name: string
  kind: ParamKind
  size: number
  init: number[]
  lower: number[]
  upper: number[]
  fixed: boolean[]
  aux: number[]
  sigma: number[]
  factor: number[]
  constraint: ConstraintType
  /** shapefactor/shapesys: the nbins it was declared with; staterror: channels it covers. */
  nbins?: number
  channels?: string[]
  where: string
}

const KIND_OF: Record<string, ParamKind> = {
  normfactor: 'normfactor',
  shapefactor: 'shapefactor',
  lumi: 'lumi',
  normsys: 'alpha',
  histosys: 'alpha',
  staterror: 'staterror',
  shapesys: 'shapesys',
}

function filled(n: number, v: number): number[] {
  return new Array<number>(n).fill(v)
}

/**
 * Builds the model. Throws WorkspaceError (with the JSON path) for inconsistent modifiers,
 * a missing POI, or measurement entries that do not fit the parameter.
 */
export function compileModel(ws: Workspace, options: ModelOptions = {}): Model {
  const codes = options.codes ?? PYHF_CODES
  const statCon = options.staterrorConstraint ?? 'normal'
  const meas = getMeasurement(ws, options.measurement)
  const measIndex = ws.measurements.indexOf(meas)
  const warnings: string[] = []

  // pyhf orders channels by name; the data vector follows that order.
  const chOrder = ws.channels
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (a.c.name < b.c.name ? -1 : a.c.name > b.c.name ? 1 : 0))
  const channels: { name: string; nbins: number; offset: number }[] = []
  let nbins = 0
  for (const { c } of chOrder) {
    channels.push({ name: c.name, nbins: c.samples[0].data.length, offset: nbins })
    nbins += c.samples[0].data.length
  }
  const chInfo = new Map(channels.map((c) => [c.name, c]))

  // 1. Parameter sets.
  const sets = new Map<string, SetBuild>()
  for (const { c, i: ci } of chOrder) {
    const nb = c.samples[0].data.length
    c.samples.forEach((s, si) => {
      s.modifiers.forEach((m, mi) => {
        const where = `channels[${ci}].samples[${si}].modifiers[${mi}]`
        const kind = KIND_OF[m.type]
        const prev = sets.get(m.name)
        if (prev) {
          if (prev.kind !== kind) {
            throw new WorkspaceError(
              where,
              `modifier '${m.name}' is a ${m.type} here but a ${prev.kind === 'alpha' ? 'normsys/histosys' : prev.kind} at ${prev.where}; parameters are shared by name and must be of one kind`,
            )
          }
          if (kind === 'shapefactor' && prev.nbins !== nb) {
            throw new WorkspaceError(
              where,
              `shapefactor '${m.name}' is used on channels with ${prev.nbins} and ${nb} bins`,
            )
          }
          if (kind === 'shapesys') {
            throw new WorkspaceError(
              where,
              `shapesys '${m.name}' is used on more than one sample (pyhf does not share shapesys parameters)`,
            )
          }
          if (kind === 'staterror' && !prev.channels!.includes(c.name)) prev.channels!.push(c.name)
          return
        }
        const b: SetBuild = {
          name: m.name,
          kind,
          size: 1,
          init: [1],
          lower: [0],
          upper: [10],
          fixed: [false],
          aux: [0],
          sigma: [1],
          factor: [1],
          constraint: 'none',
          where,
        }
        if (kind === 'alpha') {
          Object.assign(b, {
            init: [0],
            lower: [-5],
            upper: [5],
            aux: [0],
            sigma: [1],
            constraint: 'normal',
          })
        } else if (kind === 'lumi') {
          Object.assign(b, { aux: [NaN], sigma: [NaN], constraint: 'normal' })
        } else if (kind === 'shapefactor') {
          Object.assign(b, {
            size: nb,
            nbins: nb,
            init: filled(nb, 1),
            lower: filled(nb, 0),
            upper: filled(nb, 10),
            fixed: new Array<boolean>(nb).fill(false),
            aux: filled(nb, 0),
            sigma: filled(nb, 1),
            factor: filled(nb, 1),
          })
        } else if (kind === 'staterror') {
          b.channels = [c.name]
        } else if (kind === 'shapesys' && m.type === 'shapesys') {
          const fixed: boolean[] = []
          const factor: number[] = []
          for (let k = 0; k < nb; k++) {
            const nom = s.data[k]
            const unc = m.data[k]
            const valid = nom > 0 && unc > 0
            fixed.push(!valid)
            factor.push(valid ? (nom * nom) / (unc * unc) : 1)
          }
          Object.assign(b, {
            size: nb,
            nbins: nb,
            init: filled(nb, 1),
            lower: filled(nb, 1e-10),
            upper: filled(nb, 10),
            fixed,
            aux: [...factor],
            sigma: filled(nb, 1),
            factor,
            constraint: 'poisson',
          })
        }
        sets.set(m.name, b)
      })
    })
  }

  // staterror: one γ per bin of every channel it appears in; σ from all samples carrying it.
  for (const b of sets.values()) {
    if (b.kind !== 'staterror') continue
    const chs = channels.filter((c) => b.channels!.includes(c.name)).map((c) => c.name)
    b.channels = chs
    const sigma: number[] = []
    for (const chName of chs) {
      const ch = ws.channels.find((c) => c.name === chName)!
      const nb = chInfo.get(chName)!.nbins
      const nomSum = filled(nb, 0)
      const unc2 = filled(nb, 0)
      for (const s of ch.samples) {
        const m = s.modifiers.find((x) => x.type === 'staterror' && x.name === b.name)
        if (!m || m.type !== 'staterror') continue
        for (let k = 0; k < nb; k++) {
          nomSum[k] += s.data[k]
          unc2[k] += m.data[k] * m.data[k]
        }
      }
      for (let k = 0; k < nb; k++) sigma.push(nomSum[k] > 0 ? Math.sqrt(unc2[k]) / nomSum[k] : 0)
    }
    const n = sigma.length
    b.size = n
    b.init = filled(n, 1)
    b.lower = filled(n, 1e-10)
    b.upper = filled(n, 10)
    b.fixed = sigma.map((x) => x === 0)
    b.sigma = sigma.map((x) => (x === 0 ? 1 : x))
    if (statCon === 'poisson') {
      b.constraint = 'poisson'
      b.factor = b.sigma.map((x, k) => (sigma[k] === 0 ? 1 : 1 / (x * x)))
      b.aux = [...b.factor]
    } else {
      b.constraint = 'normal'
      b.aux = filled(n, 1)
      b.factor = filled(n, 1)
    }
    const nFixed = b.fixed.filter(Boolean).length
    if (nFixed)
      warnings.push(`staterror '${b.name}': ${nFixed} bin(s) without uncertainty held fixed`)
  }

  // 2. The measurement's parameter settings.
  meas.config.parameters.forEach((pc, j) => {
    const path = `measurements[${measIndex}].config.parameters[${j}]`
    const b = sets.get(pc.name)
    if (!b) {
      warnings.push(
        `measurement '${meas.name}' configures '${pc.name}', which no modifier uses; ignored`,
      )
      return
    }
    const need = (field: string, arr: unknown[] | undefined): void => {
      if (arr && arr.length !== b.size) {
        throw new WorkspaceError(
          `${path}.${field}`,
          `expected array of ${b.size} ${field === 'bounds' ? 'pairs' : 'numbers'}, got ${arr.length}`,
        )
      }
    }
    need('inits', pc.inits)
    need('bounds', pc.bounds)
    need('auxdata', pc.auxdata)
    need('sigmas', pc.sigmas)
    need('factors', pc.factors)
    if (pc.inits) b.init = [...pc.inits]
    if (pc.bounds) {
      b.lower = pc.bounds.map((x) => x[0])
      b.upper = pc.bounds.map((x) => x[1])
    }
    if (pc.fixed !== undefined) b.fixed = new Array<boolean>(b.size).fill(pc.fixed)
    if (pc.auxdata) {
      if (b.constraint === 'none')
        throw new WorkspaceError(
          `${path}.auxdata`,
          `'${pc.name}' is not constrained; auxdata does not apply`,
        )
      b.aux = [...pc.auxdata]
    }
    if (pc.sigmas) {
      if (b.constraint !== 'normal')
        throw new WorkspaceError(
          `${path}.sigmas`,
          `'${pc.name}' has no Gaussian constraint; sigmas do not apply`,
        )
      b.sigma = [...pc.sigmas]
    }
    if (pc.factors) {
      if (b.constraint !== 'poisson')
        throw new WorkspaceError(
          `${path}.factors`,
          `'${pc.name}' has no Poisson constraint; factors do not apply`,
        )
      b.factor = [...pc.factors]
    }
  })
  for (const b of sets.values()) {
    if (b.kind === 'lumi' && (Number.isNaN(b.aux[0]) || Number.isNaN(b.sigma[0]))) {
      throw new WorkspaceError(
        `measurements[${measIndex}].config.parameters`,
        `lumi modifier '${b.name}' needs auxdata and sigmas in measurement '${meas.name}'`,
      )
    }
    for (let k = 0; k < b.size; k++) {
      if (!(b.lower[k] <= b.init[k] && b.init[k] <= b.upper[k])) {
        throw new WorkspaceError(
          b.where,
          `init ${b.init[k]} of '${b.name}' is outside its bounds [${b.lower[k]}, ${b.upper[k]}]`,
        )
      }
    }
  }

  // 3. Flatten parameters, ordered by set name as pyhf does.
  const ordered = [...sets.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )
  const paramSets: ParamSet[] = []
  const parNames: string[] = []
  let npar = 0
  for (const b of ordered) {
    paramSets.push({
      name: b.name,
      kind: b.kind,
      offset: npar,
      size: b.size,
      constraint: b.constraint,
    })
    for (let k = 0; k < b.size; k++)
      parNames.push(
        b.size === 1 && b.kind !== 'staterror' && b.kind !== 'shapesys' && b.kind !== 'shapefactor'
          ? b.name
          : `${b.name}[${k}]`,
      )
    npar += b.size
  }
  const init = new Float64Array(npar)
  const lower = new Float64Array(npar)
  const upper = new Float64Array(npar)
  const fixed = new Uint8Array(npar)
  const constraint = new Uint8Array(npar)
  const auxdata = new Float64Array(npar)
  const sigma = new Float64Array(npar)
  const factor = new Float64Array(npar)
  const setOffset = new Map<string, number>()
  ordered.forEach((b, i) => {
    const o = paramSets[i].offset
    setOffset.set(b.name, o)
    for (let k = 0; k < b.size; k++) {
      init[o + k] = b.init[k]
      lower[o + k] = b.lower[k]
      upper[o + k] = b.upper[k]
      fixed[o + k] = b.fixed[k] ? 1 : 0
      constraint[o + k] = b.constraint === 'none' ? 0 : b.constraint === 'normal' ? 1 : 2
      auxdata[o + k] = b.constraint === 'none' ? 0 : b.aux[k]
      sigma[o + k] = b.sigma[k]
      factor[o + k] = b.factor[k]
    }
  })

  // 4. POI.
  const poiName = options.poi === null ? null : (options.poi ?? meas.config.poi)
  let poi = -1
  if (poiName !== null) {
    const set = paramSets.find((p) => p.name === poiName)
    if (!set) {
      throw new WorkspaceError(
        `measurements[${measIndex}].config.poi`,
        `POI '${poiName}' is not a parameter of the model (no modifier of that name)`,
      )
    }
    if (
      set.size !== 1 ||
      set.kind === 'staterror' ||
      set.kind === 'shapesys' ||
      set.kind === 'shapefactor'
    ) {
      throw new WorkspaceError(
        `measurements[${measIndex}].config.poi`,
        `POI '${poiName}' must be a scalar parameter (normfactor), not a ${set.kind}`,
      )
    }
    poi = set.offset
  }

  // 5. Samples, sample-bins and their modifiers.
  const samples: { channel: string; name: string }[] = []
  const sampleStart: number[] = [0]
  const sbBin: number[] = []
  const sbNom: number[] = []
  const scStart: number[] = [0]
  const scPar: number[] = []
  const scKind: number[] = []
  const scLnHi: number[] = []
  const scLnLo: number[] = []
  const scCoef: number[] = []
  const pbStart: number[] = [0]
  const pbPar: number[] = []
  const hsStart: number[] = [0]
  const hsPar: number[] = []
  const hsU: number[] = []
  const hsD: number[] = []
  const histosysParams = new Set<number>()
  const coef = new Float64Array(6)
  for (const { c } of chOrder) {
    const info = chInfo.get(c.name)!
    for (const s of c.samples) {
      samples.push({ channel: c.name, name: s.name })
      for (const m of s.modifiers) {
        const o = setOffset.get(m.name)!
        if (m.type === 'normfactor' || m.type === 'lumi') {
          scPar.push(o)
          scKind.push(SCALAR_PLAIN)
          scLnHi.push(0)
          scLnLo.push(0)
          for (let k = 0; k < 6; k++) scCoef.push(0)
        } else if (m.type === 'normsys') {
          scPar.push(o)
          scKind.push(codes.normsys === 'code1' ? SCALAR_NORMSYS_CODE1 : SCALAR_NORMSYS_CODE4)
          scLnHi.push(Math.log(m.data.hi))
          scLnLo.push(Math.log(m.data.lo))
          code4Coefficients(m.data.lo, m.data.hi, coef)
          for (let k = 0; k < 6; k++) scCoef.push(coef[k])
        }
      }
      scStart.push(scPar.length)
      for (let k = 0; k < info.nbins; k++) {
        sbBin.push(info.offset + k)
        sbNom.push(s.data[k])
        for (const m of s.modifiers) {
          const o = setOffset.get(m.name)!
          if (m.type === 'shapefactor' || m.type === 'shapesys') {
            pbPar.push(o + k)
          } else if (m.type === 'staterror') {
            const set = sets.get(m.name)!
            let pos = 0
            for (const chName of set.channels!) {
              if (chName === c.name) break
              pos += chInfo.get(chName)!.nbins
            }
            pbPar.push(o + pos + k)
          } else if (m.type === 'histosys') {
            const u = m.data.hi_data[k] - s.data[k]
            const d = s.data[k] - m.data.lo_data[k]
            // Published signal patches carry many histosys equal to nominal: skip the zeros.
            if (u === 0 && d === 0) continue
            hsPar.push(o)
            hsU.push(u)
            hsD.push(d)
            histosysParams.add(o)
          }
        }
        pbStart.push(pbPar.length)
        hsStart.push(hsPar.length)
      }
      sampleStart.push(sbBin.length)
    }
  }

  const observed = new Float64Array(nbins)
  for (const o of ws.observations) {
    const info = chInfo.get(o.name)
    if (!info) {
      warnings.push(`observations of '${o.name}' have no channel; ignored`)
      continue
    }
    for (let k = 0; k < info.nbins; k++) observed[info.offset + k] = o.data[k]
  }

  return {
    npar,
    parNames,
    paramSets,
    init,
    lower,
    upper,
    fixed,
    constraint,
    auxdata,
    sigma,
    factor,
    poi,
    poiName,
    channels,
    nbins,
    observed,
    samples,
    sampleStart: Int32Array.from(sampleStart),
    sbBin: Int32Array.from(sbBin),
    sbNom: Float64Array.from(sbNom),
    scStart: Int32Array.from(scStart),
    scPar: Int32Array.from(scPar),
    scKind: Uint8Array.from(scKind),
    scLnHi: Float64Array.from(scLnHi),
    scLnLo: Float64Array.from(scLnLo),
    scCoef: Float64Array.from(scCoef),
    pbStart: Int32Array.from(pbStart),
    pbPar: Int32Array.from(pbPar),
    hsStart: Int32Array.from(hsStart),
    hsPar: Int32Array.from(hsPar),
    hsU: Float64Array.from(hsU),
    hsD: Float64Array.from(hsD),
    histosysParams: Int32Array.from([...histosysParams].sort((a, b) => a - b)),
    codes,
    staterrorConstraint: statCon,
    warnings,
  }
}

/** Index of the scalar parameter called `name` ("mu", "staterror_x[2]"), or −1. */
export function parIndex(model: Model, name: string): number {
  return model.parNames.indexOf(name)
}

/** Like parIndex but throws a clear error listing similar names. */
export function requirePar(model: Model, name: string): number {
  const i = model.parNames.indexOf(name)
  if (i < 0) {
    const similar = model.parNames
      .filter((n) => n.toLowerCase().includes(name.toLowerCase().slice(0, 3)))
      .slice(0, 6)
    throw new Error(
      `no parameter '${name}' in the model${similar.length ? ` (similar: ${similar.join(', ')})` : ''}`,
    )
  }
  return i
}
