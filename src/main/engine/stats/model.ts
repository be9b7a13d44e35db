/**
 * Compiles a workspace + measurement into flat typed arrays for fast evaluation (likelihood.ts).
 *
 * Parameters follow pyhf: one parameter set per modifier name (shared across samples and
 * channels; normsys and histosys of the same name share one α), sets ordered by name, vector
 * sets (staterror, shapesys, shapefactor) labelled `name[i]`. What each modifier type adds —
 * its parameters with pyhf's defaults, its constraint and how it acts on a bin — is its module
 * in modifiers/; the interpolation codes of normsys and histosys are interpolation/.
 * Expected yield of sample s in bin b: (nom + Σ histosys deltas) × Π whole-sample factors
 * (normfactor, lumi, normsys) × Π per-bin factors (staterror, shapesys, shapefactor), summed
 * over samples per bin.
 */
import { type InterpolationCodes, PYHF_CODES } from './interpolation'
import {
  type ConstraintType,
  type ParamKind,
  type ParamSetDraft,
  type ModifierType,
  type Terms,
  modifierType,
} from './modifiers'
import { type Workspace, WorkspaceError, getMeasurement } from './workspace'

export type { ConstraintType, ParamKind } from './modifiers'
export { SCALAR_NORMSYS, SCALAR_PARAMETER } from './modifiers'

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
  /** SCALAR_PARAMETER (normfactor, lumi) or SCALAR_NORMSYS per factor (modifiers/). */
  readonly scKind: Uint8Array
  /** The normsys code's prepared data, NORMSYS_STRIDE numbers per factor (interpolation/). */
  readonly scData: Float64Array
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

  // 1. Parameter sets: the first modifier of a name declares its set, later ones share it.
  const sets = new Map<string, ParamSetDraft>()
  for (const { c, i: ci } of chOrder) {
    const nb = c.samples[0].data.length
    c.samples.forEach((s, si) => {
      s.modifiers.forEach((m, mi) => {
        const use = {
          channel: c.name,
          nbins: nb,
          sample: s,
          where: `channels[${ci}].samples[${si}].modifiers[${mi}]`,
        }
        const type = modifierType(m)
        const prev = sets.get(m.name)
        if (!prev) {
          sets.set(m.name, type.declare(m, use))
          return
        }
        if (prev.kind !== type.kind) {
          throw new WorkspaceError(
            use.where,
            `modifier '${m.name}' is a ${m.type} here but a ${prev.kind === 'alpha' ? 'normsys/histosys' : prev.kind} at ${prev.where}; parameters are shared by name and must be of one kind`,
          )
        }
        type.share(prev, m, use)
      })
    })
  }
  const typeOfSet = new Map<string, ModifierType>()
  for (const c of ws.channels)
    for (const s of c.samples) for (const m of s.modifiers) typeOfSet.set(m.name, modifierType(m))
  const soFar = { ws, channels, settings: { codes, staterrorConstraint: statCon }, warnings }
  for (const b of sets.values()) typeOfSet.get(b.name)!.finish?.(b, soFar)

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
    typeOfSet.get(b.name)!.check?.(b, `measurements[${measIndex}].config.parameters`, meas.name)
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

  // 5. Samples, sample-bins and the terms each modifier adds to them.
  const samples: { channel: string; name: string }[] = []
  const sampleStart: number[] = [0]
  const sbBin: number[] = []
  const sbNom: number[] = []
  const scStart: number[] = [0]
  const pbStart: number[] = [0]
  const hsStart: number[] = [0]
  const terms: Terms = { scPar: [], scKind: [], scData: [], pbPar: [], hsPar: [], hsU: [], hsD: [] }
  const channelBins = (name: string): number => chInfo.get(name)!.nbins
  for (const { c } of chOrder) {
    const info = chInfo.get(c.name)!
    for (const s of c.samples) {
      samples.push({ channel: c.name, name: s.name })
      const placed = s.modifiers.map((m) => ({
        m,
        type: modifierType(m),
        at: {
          set: sets.get(m.name)!,
          offset: setOffset.get(m.name)!,
          channel: c.name,
          sample: s,
          codes,
          channelBins,
        },
      }))
      for (const { m, type, at } of placed) type.sampleTerm?.(m, at, terms)
      scStart.push(terms.scPar.length)
      for (let k = 0; k < info.nbins; k++) {
        sbBin.push(info.offset + k)
        sbNom.push(s.data[k])
        for (const { m, type, at } of placed) type.binTerm?.(m, k, at, terms)
        pbStart.push(terms.pbPar.length)
        hsStart.push(terms.hsPar.length)
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
    scPar: Int32Array.from(terms.scPar),
    scKind: Uint8Array.from(terms.scKind),
    scData: Float64Array.from(terms.scData),
    pbStart: Int32Array.from(pbStart),
    pbPar: Int32Array.from(terms.pbPar),
    hsStart: Int32Array.from(hsStart),
    hsPar: Int32Array.from(terms.hsPar),
    hsU: Float64Array.from(terms.hsU),
    hsD: Float64Array.from(terms.hsD),
    histosysParams: Int32Array.from(new Set(terms.hsPar)).sort(),
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
